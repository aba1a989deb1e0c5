"""What a rendered message must not show: the checks of issue 11 (items 6 and 7) and the
i18n leaks of issue 13, shared by the unit, storage and end-to-end tests."""

from __future__ import annotations

import html
import re
from typing import Final

PERSIAN_DIGIT: Final = "[۰-۹]"
# "·" or "." beside a Persian digit (whitespace between them does not help): both read
# as a zero, so «قم · ۷ روز» looks like «۷۰ روز».
_ZERO_LOOKALIKE_RE: Final = re.compile(rf"[·.]\s*{PERSIAN_DIGIT}|{PERSIAN_DIGIT}\s*[·.]")
_PERSIAN_LETTER_RE: Final = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]"
)
_LATIN_RE: Final = re.compile("[A-Za-z]")
_ISOLATED_RE: Final = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
_CODE_RE: Final = re.compile(r"<code>.*?</code>", re.S)
_TAG_RE: Final = re.compile(r"<[^<>]*>")
# A tracking number or a date typed with "/" in Persian digits, with what stands around it.
_LTR_TOKEN_RE: Final = re.compile("(.?)([۰-۹]{4}-[۰-۹]{4}|[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2})(.?)", re.S)
_COMMAND_RE: Final = re.compile(r"(.?)(/[a-z_]{2,})")


def zero_lookalikes(text: str) -> list[str]:
    """Each "·" or "." that stands beside a Persian digit, with a little context."""
    plain = html.unescape(_TAG_RE.sub("", text))
    return [plain[max(0, m.start() - 8) : m.end() + 8] for m in _ZERO_LOOKALIKE_RE.finditer(plain)]


def persian_letters(text: str) -> list[str]:
    return _PERSIAN_LETTER_RE.findall(text)


def unisolated_latin(text: str) -> str:
    """The Latin letters of an HTML message that stand outside isolates (and outside
    ``<code>``, which is copied as it is); "" when there are none."""
    visible = _TAG_RE.sub("", _CODE_RE.sub("", text))
    rest = _ISOLATED_RE.sub("", html.unescape(visible))
    return "".join(_LATIN_RE.findall(rest))


def unisolated_tokens(text: str) -> list[str]:
    """Tracking numbers, "/" dates and /commands that are not wrapped in LRI…PDI."""
    text = _CODE_RE.sub("", text)
    bad = [
        m.group(2)
        for m in _LTR_TOKEN_RE.finditer(text)
        if m.group(1) != "\u2066" or m.group(3) != "\u2069"
    ]
    bad += [
        m.group(2)
        for m in _COMMAND_RE.finditer(_ISOLATED_RE.sub("", text))
        if not re.fullmatch(r"[A-Za-z0-9/:._\-]", m.group(1))  # a path in a link
    ]
    return bad


def check_fa(text: str) -> None:
    """A Persian message: no zero look-alikes, LTR tokens isolated, no loose Latin."""
    assert zero_lookalikes(text) == [], (zero_lookalikes(text), text)
    assert unisolated_tokens(text) == [], (unisolated_tokens(text), text)
    assert unisolated_latin(text) == "", (unisolated_latin(text), text)


def check_en(text: str) -> None:
    """An English message: not one Persian letter."""
    assert persian_letters(text) == [], text
