"""The read-only dashboard: GET / (a screen), /session (a projector, one topic per screen,
arrow keys move) and /print (A4). Persian and right to left by default; ?lang=en.

Pages are built from bot.api.figures, the same figures as the chat's /stats, /status and
/loans; charts are the bot's chart figures drawn as SVG. No personal data is ever read.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from html import escape

from aiohttp import web

from bot.api.figures import Board, Topic, build_board, chart_svg
from bot.api.open311 import pick_language
from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import Translator, get_translator

STYLE = """
:root { --ink:#1d2733; --muted:#5b6775; --line:#d9dee5; --accent:#0b6e4f; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Vazirmatn, "Noto Sans Arabic", Tahoma, sans-serif;
  color: var(--ink); background: #f4f6f8; line-height: 1.6; }
header { padding: 1rem 1.5rem; background: var(--accent); color: #fff; }
header h1 { margin: 0; font-size: 1.5rem; }
header p { margin: .2rem 0 0; opacity: .9; }
nav a { color: #fff; margin-inline-end: 1rem; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr));
  gap: 1rem; padding: 1rem 1.5rem; }
@media (max-width: 30rem) { header, main { padding-inline: .75rem; } }
.topic { background: #fff; border: 1px solid var(--line); border-radius: .5rem;
  padding: 1rem; min-width: 0; }
.topic h2 { margin: 0 0 .5rem; font-size: 1.15rem; }
table { width: 100%; border-collapse: collapse; }
td { padding: .25rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.value { text-align: end; white-space: nowrap; font-weight: bold; }
.chart { width: 100%; height: auto; margin-top: .5rem; }
.chat-text { white-space: pre-line; }
.light { display: inline-block; width: .8em; height: .8em; border-radius: 50%;
  margin-inline-end: .4em; vertical-align: middle; }
.light-green { background: #2e9d4f; } .light-yellow { background: #e0b400; }
.light-red { background: #d33b2c; } .light-grey { background: #9aa3ad; }
.light-done { background: #1f5fbf; }
"""
SESSION_STYLE = """
body { background: #10161d; color: #f4f6f8; overflow: hidden; }
.slide { display: none; height: 100vh; padding: 3vh 5vw; flex-direction: column;
  background: #10161d; border: none; border-radius: 0; overflow: auto; font-size: 3.2vh;
  cursor: pointer; user-select: none; }
.slide.current { display: flex; }
.slide h2 { font-size: 1.55em; margin: 0 0 .6em; }
.slide table { font-size: 1.06em; }
.slide td { border-color: #2c3a48; }
/* The chart takes the height the rows leave: below them it ran off the screen. */
.slide .chart { flex: 1 1 0; min-height: 8em; max-height: 42vh; height: auto; width: auto;
  max-width: 100%; align-self: center; object-fit: contain; background: #fff;
  border-radius: .5rem; }
.counter { position: fixed; bottom: 2vh; inset-inline-end: 3vw; font-size: 2.4vh;
  opacity: .7; }
"""
PRINT_STYLE = """
@page { size: A4; margin: 12mm; }
body { background: #fff; font-size: 10.5pt; }
header { background: none; color: var(--ink); padding: 0 0 4mm; border-bottom: 1px solid #000; }
nav { display: none; }
main { display: block; padding: 0; width: 100%; max-width: 186mm; }
.topic { border: none; border-bottom: 1px solid var(--line); border-radius: 0;
  padding: 3mm 0; break-inside: avoid; }
.chart { max-width: 120mm; }
"""
SESSION_SCRIPT = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var counter = document.querySelector('.counter');
  var rtl = document.documentElement.dir === 'rtl';
  var asked = (parseInt(location.hash.slice(1), 10) || 1) - 1;
  var at = Math.max(0, Math.min(slides.length - 1, asked));
  function show(i) {
    at = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach(function (s, j) { s.classList.toggle('current', j === at); });
    counter.textContent = counter.dataset.format
      .replace('{n}', digits(at + 1)).replace('{count}', digits(slides.length));
    history.replaceState(null, '', '#' + (at + 1));
    fit();
  }
  // A projector cannot scroll: a topic longer than the screen (a long source's name in
  // the loans) gets smaller type until it fits, down to a limit a room can still read.
  function fit() {
    var slide = slides[at];
    slide.style.fontSize = '';
    for (var scale = 1; slide.scrollHeight > slide.clientHeight && scale > 0.6; ) {
      scale -= 0.05;
      slide.style.fontSize = (3.2 * scale) + 'vh';
    }
  }
  window.addEventListener('resize', fit);
  window.addEventListener('load', fit);
  window.addEventListener('hashchange', function () {
    show((parseInt(location.hash.slice(1), 10) || 1) - 1);
  });
  // A phone or a mouse has no arrow keys: a tap goes on, one at the starting edge back.
  document.addEventListener('click', function (e) {
    var x = e.clientX / window.innerWidth;
    show((rtl ? x > 2 / 3 : x < 1 / 3) ? at - 1 : at + 1);
  });
  function digits(n) {
    var s = String(n);
    return rtl ? s.replace(/[0-9]/g, function (d) { return '۰۱۲۳۴۵۶۷۸۹'[d]; }) : s;
  }
  document.addEventListener('keydown', function (e) {
    var next = ['ArrowDown', 'PageDown', ' ', rtl ? 'ArrowLeft' : 'ArrowRight'];
    var back = ['ArrowUp', 'PageUp', rtl ? 'ArrowRight' : 'ArrowLeft'];
    if (next.indexOf(e.key) >= 0) { show(at + 1); e.preventDefault(); }
    else if (back.indexOf(e.key) >= 0) { show(at - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); } else if (e.key === 'End') { show(slides.length - 1); }
  });
  show(at);
})();
"""
CHART_NAMES = ("categories", "agencies", "weekly")
SLIDE_ROWS = 10


class Dashboard:
    def __init__(self, services: Services) -> None:
        self._services = services

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/", self.screen)
        app.router.add_get("/session", self.session)
        app.router.add_get("/print", self.printable)
        app.router.add_get("/charts/{name}.svg", self.chart)

    def _language(self, request: web.Request) -> str:
        # As the API reads it: ?lang=EN and ?lang=en-US are English too.
        default = self._services.settings.default_language
        return pick_language(request.query.get("lang"), None, default)

    async def _board(self, request: web.Request) -> Board:
        lang = self._language(request)
        fmt = Presenter(lang=lang, tz=self._services.settings.tz)
        return await build_board(self._services, get_translator(lang), fmt)

    async def screen(self, request: web.Request) -> web.Response:
        board = await self._board(request)
        body = "".join(_topic(board, t, "section", "topic") for t in board.topics)
        return _page(board, STYLE, _header(board, nav=True) + f"<main>{body}</main>")

    async def printable(self, request: web.Request) -> web.Response:
        board = await self._board(request)
        body = "".join(_topic(board, t, "section", "topic") for t in board.topics)
        return _page(
            board,
            STYLE + PRINT_STYLE,
            _header(board, nav=False) + f"<main>{body}</main>",
            page="print",
        )

    async def session(self, request: web.Request) -> web.Response:
        board = await self._board(request)
        tr = get_translator(board.lang)
        slides = "".join(
            _topic(board, part, "section", "slide topic")
            for topic in board.topics
            for part in _screens(topic, tr)
        )
        counter = escape(tr.t("dashboard.counter", n="{n}", count="{count}"))
        body = (
            f'{slides}<div class="counter" data-format="{counter}"></div>'
            f"<script>{SESSION_SCRIPT}</script>"
        )
        return _page(board, STYLE + SESSION_STYLE, body, page="session")

    async def chart(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in CHART_NAMES:
            raise web.HTTPNotFound
        board = await self._board(request)
        title, bars, horizontal = board.bars[name]
        fmt = Presenter(lang=board.lang, tz=self._services.settings.tz)
        svg = await asyncio.to_thread(chart_svg, fmt, title, bars, horizontal)
        return web.Response(
            body=svg, content_type="image/svg+xml", headers={"Cache-Control": "max-age=60"}
        )


def _screens(topic: Topic, tr: Translator) -> list[Topic]:
    """A long list (the 27 programs) over several screens: large type must fit a projector."""
    if len(topic.rows) <= SLIDE_ROWS:
        return [topic]
    parts = [topic.rows[i : i + SLIDE_ROWS] for i in range(0, len(topic.rows), SLIDE_ROWS)]
    return [
        replace(
            topic,
            title=tr.t("dashboard.part", title=topic.title, n=n, count=len(parts)),
            rows=rows,
        )
        for n, rows in enumerate(parts, 1)
    ]


def _header(board: Board, *, nav: bool) -> str:
    tr = get_translator(board.lang)
    other = "en" if board.lang == "fa" else "fa"
    # The other language named in itself, as the bot's language buttons do.
    other_name = get_translator(other).t("start.language_name")
    suffix = f"?lang={board.lang}"
    links = (
        f'<nav><a href="/session{suffix}">{escape(tr.t("dashboard.to_session"))}</a>'
        f'<a href="/print{suffix}">{escape(tr.t("dashboard.to_print"))}</a>'
        f'<a href="/?lang={other}">{escape(other_name)}</a></nav>'
        if nav
        else ""
    )
    return (
        f'<header><h1>{escape(board.title)}</h1><p class="as-of">{escape(board.as_of)}</p>'
        f"{links}</header>"
    )


def _topic(board: Board, topic: Topic, tag: str, css: str) -> str:
    parts = [f'<{tag} class="{css}" data-topic="{topic.key}"><h2>{escape(topic.title)}</h2>']
    if topic.rows:
        tr = get_translator(board.lang)
        rows = "".join(
            "<tr>"
            + (
                f'<td><span class="light light-{r.light}" '
                f'title="{escape(tr.t(f"programs.light_name.{r.light}"))}"></span>'
                if r.light
                else "<td>"
            )
            + f'{escape(r.label)}</td><td class="value">{escape(r.value)}</td></tr>'
            for r in topic.rows
        )
        parts.append(f"<table>{rows}</table>")
    if topic.text is not None:
        # The chat's own text: its values are escaped where it is built; only <b>/<i> remain.
        parts.append(f'<div class="chat-text">{topic.text}</div>')
    if topic.chart is not None:
        parts.append(
            f'<img class="chart" alt="{escape(topic.title)}" '
            f'src="/charts/{topic.chart}.svg?lang={board.lang}">'
        )
    parts.append(f"</{tag}>")
    return "".join(parts)


def _page(board: Board, style: str, body: str, *, page: str = "screen") -> web.Response:
    direction = "rtl" if board.lang == "fa" else "ltr"
    html = (
        f'<!doctype html><html lang="{board.lang}" dir="{direction}" data-page="{page}">'
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(board.title)}</title><style>{style}</style></head>"
        f"<body>{body}</body></html>"
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")
