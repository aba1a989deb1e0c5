"""Expected bot text, built from the catalogs and pinned to one language.

A test that copies a message's wording breaks on every rewording, and one that accepts
either language passes a wrong-language bug. These helpers render a catalog key the way
the user sees it (HTML tags gone, entities decoded) so a test asserts on the key, in the
language it expects: ``assert says(reply.text, "report.no_units")``.

Placeholders a test does not pass are left open: the key's fixed text around them must
appear, in order. Values that are numbers, dates or tracking numbers come from the
Presenter (``FA_P``), as the bot renders them; values are plain text (escaped here).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.formatting import Presenter
from bot.i18n import Translator, get_translator, is_plural, placeholders
from emulator import SentMessage
from emulator.html_parse import parse_html
from tests.people import Person

FA = get_translator("fa")
EN = get_translator("en")
FA_P = Presenter("fa")
EN_P = Presenter("en")
# The first report of the Jalali year 1405, as a Persian user reads its tracking number:
# most scenarios file exactly one report and look for it by this.
T1 = FA_P.tracking(1405, 1)

# A private-use character stands for a placeholder left open; no catalog uses it.
_OPEN = "\ue000"


def _translator(lang: str) -> Translator:
    return FA if lang == "fa" else get_translator(lang)


def _render(key: str, lang: str, n: int | None, values: dict[str, object]) -> str:
    tr = _translator(lang)
    if key not in tr.messages:
        raise KeyError(f"{lang}: no catalog key {key!r}")
    message = tr.messages[key]
    plural = is_plural(message)
    if n is not None and not plural:
        values = {"n": n} | values
    open_names = placeholders(message) - values.keys() - ({"n"} if plural else set())
    # Values are text as the user sees it; the bot escapes them into its HTML.
    escaped = {k: escape(v, quote=False) if isinstance(v, str) else v for k, v in values.items()}
    filled = dict.fromkeys(open_names, _OPEN) | escaped
    if plural:
        if n is None:
            raise TypeError(f"{key!r} is a plural message: pass n=")
        return tr.plural(key, n, **filled)
    return tr.t(key, **filled)


def parts(key: str, /, *, lang: str = "fa", n: int | None = None, **values: object) -> list[str]:
    """The fixed pieces of ``key`` as the user sees them, split where a placeholder was
    not given; surrounding blanks trimmed, empty pieces dropped."""
    plain, _ = parse_html(_render(key, lang, n, values))
    return [p.strip() for p in plain.split(_OPEN) if p.strip()]


def fa(key: str, /, *, n: int | None = None, **values: object) -> str:
    """``key`` in Persian as the user sees it; every placeholder must be given."""
    message = FA.messages[key]
    given = values.keys() | ({"n"} if n is not None or is_plural(message) else set())
    open_ = placeholders(message) - given
    if open_:
        raise TypeError(f"{key!r} needs {sorted(open_)}: give them, or use says()/piece()")
    plain, _ = parse_html(_render(key, "fa", n, values))
    return plain.strip()


def piece(key: str, /, *, lang: str = "fa", n: int | None = None, **values: object) -> str:
    """The longest fixed piece of ``key``: enough to recognise the message by."""
    return max(parts(key, lang=lang, n=n, **values), key=len)


def says(
    text: str, key: str, /, *, lang: str = "fa", n: int | None = None, **values: object
) -> bool:
    """``text`` holds message ``key`` in ``lang``: its fixed pieces, in order."""
    at = 0
    for p in parts(key, lang=lang, n=n, **values):
        found = text.find(p, at)
        if found < 0:
            return False
        at = found + len(p)
    return True


def saying(
    key: str, /, *, lang: str = "fa", n: int | None = None, **values: object
) -> Callable[[SentMessage], bool]:
    """A ``wait_for_message`` predicate: the next message that ``says`` ``key``."""
    return lambda m: says(m.text, key, lang=lang, n=n, **values)


async def replied(
    person: Person,
    text: str,
    key: str,
    /,
    *,
    lang: str = "fa",
    n: int | None = None,
    **values: object,
) -> SentMessage:
    """``person`` sends ``text``; the bot's reply must say ``key`` (see ``says``). The reply."""
    reply = await person.say(text)
    assert says(reply.text, key, lang=lang, n=n, **values), (key, reply.text)
    return reply


def labels(message: SentMessage) -> str:
    """A message's button labels on one line, for ``in`` checks."""
    return " ".join(text for row in message.buttons for text, _ in row)


async def heard(
    person: Person, key: str, /, *, lang: str = "fa", n: int | None = None, **values: object
) -> SentMessage:
    """The bot's next message to ``person`` that ``says`` ``key`` in ``lang``."""
    return await person.emu.wait_for_message(
        person.id, saying(key, lang=lang, n=n, **values), timeout=5.0
    )
