"""Presenting numbers, dates, money and long messages, per request and per language.

Nothing here touches process-wide state: no ``locale.setlocale``, no
``jdatetime.set_locale``; every call gets its language from the ``Presenter``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal, TypeAlias
from zoneinfo import ZoneInfo

import jdatetime
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.text import JALALI_MONTHS_EN, JALALI_MONTHS_FA, to_persian_digits

__all__ = [
    "LANGUAGES",
    "TEHRAN",
    "Presenter",
    "escape",
    "html_to_plain",
    "split_message",
    "telegram_length",
]

LANGUAGES: Final = ("fa", "en")
TEHRAN: Final = ZoneInfo("Asia/Tehran")

_LRM: Final = "\u200e"
_FA_SCALES: Final = ((10**9, "میلیارد"), (10**6, "میلیون"), (10**3, "هزار"))
_EN_SCALES: Final = ((10**9, "billion"), (10**6, "million"))
_FA_UNITS: Final = {"rial": "ریال", "toman": "تومان"}
_EN_UNITS: Final = {"rial": ("rial", "rials"), "toman": ("toman", "tomans")}

Number: TypeAlias = int | float | Decimal
AnyDate: TypeAlias = dt.datetime | dt.date | jdatetime.date


def _to_decimal(n: Number) -> Decimal:
    # str(float) is the shortest repr, so 2.675 rounds the way a reader expects.
    return n if isinstance(n, Decimal) else Decimal(str(n))


@dataclass(frozen=True, slots=True)
class Presenter:
    """How one user sees numbers, dates and amounts: ``Presenter("fa")``."""

    lang: str
    tz: ZoneInfo = field(default=TEHRAN)

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unsupported language {self.lang!r}; expected one of {LANGUAGES}")

    @property
    def is_fa(self) -> bool:
        return self.lang == "fa"

    # ------------------------------------------------------------------ numbers

    def digits(self, s: str) -> str:
        """Persian digits in fa; unchanged in en."""
        return to_persian_digits(s) if self.is_fa else s

    def number(self, n: Number, decimals: int = 0) -> str:
        """Grouped number with at most ``decimals`` fraction digits (half-up, no trailing 0s).

        fa: «۱۱٬۱۶۵٫۵» (a negative sign gets an LRM so it stays on the left in RTL text);
        en: "11,165.5".
        """
        if decimals < 0:
            raise ValueError("decimals must be >= 0")
        value = _to_decimal(n).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if value == 0:
            value = abs(value)  # no "-0"
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        if not self.is_fa:
            return str(format_decimal(value, format=pattern, locale="en"))
        text = str(format_decimal(value, format=pattern, locale="fa", numbering_system="arabext"))
        if text.startswith("-"):
            text = _LRM + "\u2212" + text[1:]
        return to_persian_digits(text)

    def percent(self, x: Number, decimals: int = 0) -> str:
        """``percent(1.24)`` → «۱۲۴٪» / "124%"."""
        return self.number(_to_decimal(x) * 100, decimals) + ("٪" if self.is_fa else "%")

    def plain_int(self, n: int) -> str:
        """No grouping, for years and ids: «۱۴۰۵» / "1405"."""
        return self.digits(str(n))

    # -------------------------------------------------------------------- dates

    def _local_dt(self, value: dt.datetime) -> dt.datetime:
        """To the user's zone. Naive datetimes are taken as UTC, the way they are stored
        (SQLite hands them back without tzinfo)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(self.tz)

    def _local_day(self, value: AnyDate) -> dt.date:
        if isinstance(value, dt.datetime):
            return self._local_dt(value).date()
        if isinstance(value, jdatetime.date):
            return value.togregorian()  # type: ignore[no-any-return]  # jdatetime is untyped
        return value

    @staticmethod
    def _jalali(day: dt.date) -> jdatetime.date:
        return jdatetime.date.fromgregorian(date=day, locale="fa_IR")

    def date(self, value: AnyDate) -> str:
        """fa: Jalali «۷ آذر ۱۴۰۵»; en: Gregorian "28 Nov 2026".

        Accepts aware datetimes (converted to ``tz`` first), naive ones (taken as UTC),
        ``datetime.date`` and ``jdatetime.date`` (calendar days, not converted).
        """
        day = self._local_day(value)
        if self.is_fa:
            j = self._jalali(day)
            return self.digits(f"{j.day} {JALALI_MONTHS_FA[j.month - 1]} {j.year}")
        return str(format_date(day, "d MMM y", locale="en"))

    def time(self, value: dt.datetime) -> str:
        """24-hour local time: «۱۴:۰۵» / "14:05"."""
        local = self._local_dt(value)
        return self.digits(f"{local.hour:02d}:{local.minute:02d}")

    def datetime(self, value: dt.datetime) -> str:
        """«۷ آذر ۱۴۰۵، ۱۴:۰۵» / "28 Nov 2026, 14:05"."""
        return f"{self.date(value)}{'،' if self.is_fa else ','} {self.time(value)}"

    def short_date(self, value: AnyDate) -> str:
        """«۱۴۰۵/۰۹/۰۷» / "2026-11-28"."""
        day = self._local_day(value)
        if self.is_fa:
            j = self._jalali(day)
            return self.digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")
        return day.isoformat()

    def weekday(self, value: AnyDate) -> str:
        """«شنبه» / "Saturday"."""
        day = self._local_day(value)
        if self.is_fa:
            return str(self._jalali(day).strftime("%A"))
        return str(format_date(day, "EEEE", locale="en"))

    def month_name(self, jmonth: int) -> str:
        """A Jalali month's name: «آذر» / "Azar"."""
        if not 1 <= jmonth <= 12:
            raise ValueError(f"no Jalali month {jmonth}")
        return (JALALI_MONTHS_FA if self.is_fa else JALALI_MONTHS_EN)[jmonth - 1]

    def month_year(self, jyear: int, jmonth: int) -> str:
        """A Jalali reporting month: «آذر ۱۴۰۵» / "Azar 1405"."""
        return f"{self.month_name(jmonth)} {self.plain_int(jyear)}"

    # -------------------------------------------------------------------- money

    def money(self, rials: int, unit: Literal["rial", "toman"] = "rial") -> str:
        """An amount the way officials say it.

        fa: «۱۱ هزار و ۱۶۵ میلیارد ریال», «هزار و ۱۱۶٫۵ میلیارد تومان», «۹ هزار میلیارد
        ریال», «۲ میلیون و ۵۰۰ هزار ریال», «۷۵۰ ریال». Exact: below a billion every part is
        spelled out; a billions count takes one decimal when the rest is a multiple of
        100 million. en: "11,165 billion rials", "1,116.5 billion tomans",
        "2.5 million rials", "1,234,567 rials" (billion/million when ≤ 2 decimals say it
        exactly), "1 rial".
        """
        if unit not in ("rial", "toman"):
            raise ValueError(f"unknown unit {unit!r}")
        value = Decimal(abs(rials)) / (10 if unit == "toman" else 1)
        if self.is_fa:
            text = f"{self._fa_amount(value)} {_FA_UNITS[unit]}"
        else:
            one, other = _EN_UNITS[unit]
            noun = one if Locale.parse("en").plural_form(value) == "one" else other
            text = f"{self._en_amount(value)} {noun}"
        if rials < 0:
            return (_LRM + "\u2212" if self.is_fa else "-") + text
        return text

    def _fa_amount(self, value: Decimal) -> str:
        parts: list[str] = []
        rest = value
        for scale, word in _FA_SCALES:
            count = rest // scale
            if not count:
                continue
            rest -= count * scale
            if scale == 10**9 and rest and rest % 10**8 == 0 and count % 1000:
                count, rest = count + rest / scale, Decimal(0)
            if count == 1 and scale == 10**3:
                parts.append(word)  # «هزار», not «۱ هزار»
            elif count >= 1000:
                parts.append(f"{self._fa_amount(count)} {word}")
            else:
                parts.append(f"{self.number(count, 1)} {word}")
        if rest or not parts:
            parts.append(self.number(rest, 1))
        return " و ".join(parts)

    def _en_amount(self, value: Decimal) -> str:
        for scale, word in _EN_SCALES:
            if value >= scale and (value * 100) % scale == 0:
                return f"{self.number(value / scale, 2)} {word}"
        return self.number(value, 1)


# -------------------------------------------------------------------------------- HTML


def escape(s: str) -> str:
    """Escape user text for Telegram's HTML parse mode."""
    return html.escape(s, quote=False)


_TAG_RE: Final = re.compile(r"<[^<>]*>")
_LINK_RE: Final = re.compile(r"""<a\s+href\s*=\s*(["'])(.*?)\1\s*>(.*?)</a\s*>""", re.S | re.I)


def html_to_plain(s: str) -> str:
    """Telegram HTML to plain text: tags dropped, entities decoded.

    A link whose text is not its address keeps the address, «متن (https://…)», since a
    plain-text platform would otherwise lose it (``tg://`` mentions are dropped).
    """

    def link(m: re.Match[str]) -> str:
        href, inner = html.unescape(m.group(2)), m.group(3)
        text = html.unescape(_TAG_RE.sub("", inner))
        if href.startswith("tg://") or href == text:
            return inner
        return f"{inner} ({escape(href)})"

    return html.unescape(_TAG_RE.sub("", _LINK_RE.sub(link, s)))


# Tags, entities and single characters: a message splits only between these tokens.
_TOKEN_RE: Final = re.compile(
    r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|.", re.S
)
_TAG_NAME_RE: Final = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def telegram_length(text: str) -> int:
    """Length as Telegram limits it: UTF-16 code units of the text after HTML parsing."""
    return _utf16_len(html.unescape(_TAG_RE.sub("", text)))


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    weight: int  # UTF-16 units after parsing; 0 for tags
    is_tag: bool


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN_RE.finditer(text):
        tok = m.group()
        if tok.startswith("<") and len(tok) > 1:
            tokens.append(_Token(tok, 0, True))
        else:
            tokens.append(_Token(tok, _utf16_len(html.unescape(tok)), False))
    return tokens


def _update_open_tags(open_tags: list[str], tok: str) -> None:
    m = _TAG_NAME_RE.match(tok)
    if m is None or tok.endswith("/>"):
        return
    name = m.group(1).lower()
    if tok.startswith("</"):
        for i in range(len(open_tags) - 1, -1, -1):
            if _tag_name(open_tags[i]) == name:
                del open_tags[i:]
                break
    else:
        open_tags.append(tok)


def _tag_name(open_tag: str) -> str:
    m = _TAG_NAME_RE.match(open_tag)
    return m.group(1).lower() if m else ""


def split_message(text: str, limit: int = 4096) -> list[str]:
    """Split a Telegram HTML message into chunks that each fit ``limit``.

    Cuts at the last blank line (section boundary) that fits, else at the last line
    break, else, for a single line longer than the limit, at the last space in the later
    half of what fits, else exactly where it stops fitting, never inside a tag or an
    entity. Tags open at a cut are closed at the end of the chunk and reopened at the
    start of the next. Length is measured as Telegram does (UTF-16 units of the parsed
    text). Chunks that would be blank are dropped, so ``""`` gives ``[]``.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 (one astral character)")
    tokens = _tokenize(text)
    n = len(tokens)
    cum = [0] * (n + 1)  # cum[i]: weight of tokens[:i]
    for i, tok in enumerate(tokens):
        cum[i + 1] = cum[i] + tok.weight

    chunks: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < n:
        # The furthest end such that tokens[pos:end] fits.
        lo, hi = pos, n
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if cum[mid] - cum[pos] <= limit:
                lo = mid
            else:
                hi = mid - 1
        end = lo
        if end == n:
            cut, resume = n, n
        else:
            cut, resume = _best_cut(tokens, cum, pos, end, limit)
        prefix = "".join(open_tags)
        body = "".join(tok.text for tok in tokens[pos:cut])
        for tok in tokens[pos:cut]:
            if tok.is_tag:
                _update_open_tags(open_tags, tok.text)
        suffix = "".join(f"</{_tag_name(tag)}>" for tag in reversed(open_tags))
        chunk = prefix + body + suffix
        if html_to_plain(chunk).strip():
            chunks.append(chunk)
        pos = resume
        # Whitespace at the start of a chunk is trimmed by Telegram anyway.
        while pos < n and not tokens[pos].is_tag and tokens[pos].text.isspace():
            pos += 1
    return chunks


def _best_cut(
    tokens: list[_Token], cum: list[int], pos: int, end: int, limit: int
) -> tuple[int, int]:
    """Where to cut ``tokens[pos:]`` given that ``tokens[pos:end]`` is the most that fits.

    Returns (cut, resume): the chunk is ``tokens[pos:cut]``, the next starts at ``resume``.
    """
    # Cutting at token i drops tokens[i] (the newline) and keeps tokens[pos:i] (i <= end).
    newline_cut = -1
    for i in range(end, pos, -1):
        if tokens[i].text == "\n":
            j = i - 1  # a blank line before it? (only whitespace back to the previous \n)
            while j > pos and tokens[j].text != "\n" and tokens[j].text.isspace():
                j -= 1
            if j > pos and tokens[j].text == "\n":
                return j, i + 1
            if newline_cut < 0:
                newline_cut = i
    if newline_cut > pos:
        return newline_cut, newline_cut + 1
    # One line longer than the limit: prefer a space in the later half of what fits.
    for i in range(end - 1, pos, -1):
        if cum[i] - cum[pos] < limit // 2:
            break
        if tokens[i].text == " ":
            return i, i + 1
    # Leave opening tags at the cut to the next chunk rather than closing them empty.
    while end > pos + 1 and tokens[end - 1].is_tag and not tokens[end - 1].text.startswith("</"):
        end -= 1
    if end == pos:  # not even one token fits (tiny limit): take it anyway, it is atomic
        end = pos + 1
    return end, end
