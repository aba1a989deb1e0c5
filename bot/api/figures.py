"""The dashboard's topics: the same figures as /stats, /status and /loans, ready for HTML.

Each topic is a title, rows of (label, value) already in the reader's digits, an optional
chart (bot.charts' figure code, drawn as SVG) and an optional block of the chat's own text.
Only public figures: reference names (agencies, categories, counties, programs) and counts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from bot import charts
from bot.charts import Bar
from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.stats import StatsSnapshot
from bot.views.figures import duration, loans_summary
from storage.models import CLOSED_REPORT_STATUSES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TOP = 10


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str
    # A program's traffic light (green, yellow, red, grey, done), for its colour.
    light: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    title: str
    rows: tuple[Row, ...] = ()
    chart: str | None = None  # a chart name served at /charts/<name>.svg
    # Telegram-HTML text shared with the chat (only <b> and <i> tags), shown as lines.
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Board:
    lang: str
    title: str
    as_of: str
    topics: tuple[Topic, ...]
    bars: dict[str, tuple[str, list[Bar], bool]] = field(default_factory=dict)


async def build_board(services: Services, tr: Translator, fmt: Presenter) -> Board:
    lang = tr.lang
    directory = services.directory
    snapshot = await services.stats.snapshot()
    by_category = [(directory.category(c).name(lang), n) for c, n in snapshot.by_category]
    by_agency = [(directory.agency(a).name(lang), n) for a, n in snapshot.by_agency]
    weekly = [(fmt.date(week), n) for week, n in snapshot.weekly]
    topics: list[Topic] = [
        _overview(tr, fmt, snapshot),
        # With no report yet, a heading over nothing read as a page that failed to load.
        Topic(
            "categories",
            tr.t("dashboard.by_category"),
            _rows(fmt, by_category) or _none(tr.t("stats.empty")),
            chart="categories" if by_category else None,
        ),
        Topic(
            "agencies",
            tr.t("dashboard.by_agency"),
            _rows(fmt, by_agency) or _none(tr.t("stats.empty")),
            chart="agencies" if by_agency else None,
        ),
        Topic("weekly", tr.t("dashboard.weekly"), _rows(fmt, weekly), chart="weekly"),
        _timing(tr, fmt, directory, snapshot),
        await _programs(services, tr, fmt),
    ]
    overview = await services.loans.overview()
    topics.append(
        Topic(
            "loans",
            tr.t("dashboard.loans"),
            text=loans_summary(tr, fmt, overview, "rial"),
        )
    )
    bars = {
        "categories": (tr.t("dashboard.by_category"), _bars(fmt, by_category), True),
        "agencies": (tr.t("dashboard.by_agency"), _bars(fmt, by_agency), True),
        "weekly": (tr.t("dashboard.weekly"), _bars(fmt, weekly), False),
    }
    return Board(
        lang=lang,
        title=tr.t("dashboard.title", province=directory.province.name(lang)),
        as_of=tr.t("stats.as_of", when=fmt.datetime(snapshot.computed_at)),
        topics=tuple(topics),
        bars=bars,
    )


def _overview(tr: Translator, fmt: Presenter, snapshot: StatsSnapshot) -> Topic:
    open_count = sum(n for status, n in snapshot.by_status if status not in CLOSED_REPORT_STATUSES)
    return Topic(
        "overview",
        tr.t("dashboard.overview"),
        (
            Row(tr.t("dashboard.total"), fmt.number(snapshot.total)),
            Row(tr.t("dashboard.open"), fmt.number(open_count)),
            Row(tr.t("dashboard.overdue"), fmt.number(snapshot.overdue_total)),
        ),
    )


def _timing(tr: Translator, fmt: Presenter, directory: Directory, snapshot: StatsSnapshot) -> Topic:
    """Each agency's median time to a first response."""
    rows = tuple(
        Row(
            directory.agency(t.agency_id).name(tr.lang),
            duration(tr, fmt, t.median_first_response_s),
        )
        for t in snapshot.timings
    )
    return Topic("timing", tr.t("dashboard.timing"), rows or _none(tr.t("stats.timing_none")))


def _none(sentence: str) -> tuple[Row, ...]:
    """A topic with nothing to count says so in a row of its own."""
    return (Row(sentence, ""),)


async def _programs(services: Services, tr: Translator, fmt: Presenter) -> Topic:
    """The key programs with their progress and traffic light."""
    programs = await services.programs.all()
    rows = tuple(
        Row(
            # The chat's numbering: "۱)" in Persian, where "۱." would read as "۱۰".
            tr.t("programs.btn_pick", number=fmt.plain_int(p.number), title=p.title(tr.lang)),
            fmt.percent(Decimal(p.progress) / 100),
            light=services.programs.light(p).value,
        )
        for p in programs
    )
    return Topic("programs", tr.t("dashboard.programs", count=len(programs)), rows)


def _rows(fmt: Presenter, rows: Sequence[tuple[str, int]]) -> tuple[Row, ...]:
    shown = [Row(label, fmt.number(n)) for label, n in rows[:TOP]]
    if len(rows) > TOP:
        shown.append(Row("…", fmt.number(sum(n for _, n in rows[TOP:]))))
    return tuple(shown)


def _bars(fmt: Presenter, rows: Sequence[tuple[str, int]]) -> list[Bar]:
    return [Bar(label, n, fmt.number(n)) for label, n in rows[:15]]


def chart_figure(fmt: Presenter, title: str, bars: Sequence[Bar], horizontal: bool) -> Figure:
    """Every chart of the board counts reports: whole-number ticks (a screen that read
    "۰٫۲" reports a week on an empty week, before). Call inside `charts.chart_style()`."""
    if horizontal:
        return charts.horizontal_figure(fmt, title, bars, counts=True)
    return charts.vertical_figure(fmt, title, bars, counts=True)


def chart_svg(fmt: Presenter, title: str, bars: Sequence[Bar], horizontal: bool) -> bytes:
    """The bot's chart figure, drawn as SVG instead of PNG (same code, same look)."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    with charts.chart_style():
        figure = chart_figure(fmt, title, bars, horizontal)
        buffer = io.StringIO()
        FigureCanvasSVG(figure).print_svg(buffer)  # type: ignore[no-untyped-call]
    # Drop matplotlib's metadata comment (it names the library's version and the date).
    return re.sub(r"<metadata>.*?</metadata>", "", buffer.getvalue(), flags=re.S).encode()
