"""Presenting numbers, dates, money and long messages, per request and per language.

Nothing here touches process-wide state: no ``locale.setlocale``, no
``jdatetime.set_locale``; every call gets its language from the ``Presenter``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal, TypeAlias
from zoneinfo import ZoneInfo

import jdatetime
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.text import (
    JALALI_MONTHS_EN,
    JALALI_MONTHS_FA,
    format_tracking_number,
    shorten,
    to_persian_digits,
)

__all__ = [
    "LANGUAGES",
    "LRI",
    "PDI",
    "RTL_LANGUAGES",
    "TEHRAN",
    "Presenter",
    "Words",
    "escape",
    "format_number",
    "html_to_plain",
    "isolate_ltr_runs",
    "split_message",
    "strip_isolates",
    "telegram_length",
]

LANGUAGES: Final = ("fa", "en")
RTL_LANGUAGES: Final = frozenset({"fa"})
TEHRAN: Final = ZoneInfo("Asia/Tehran")

# Unicode isolates: a left-to-right token inside a Persian sentence keeps its own order
# wherever it stands. Without them «۱۴۰۵-۰۰۰۱» after Persian letters shows as
# «۰۰۰۱-۱۴۰۵» (the digits become Arabic numbers, and "-" between those is neutral),
# and "/report" shows as "report/".
LRI: Final = "\u2066"
RLI: Final = "\u2067"
FSI: Final = "\u2068"
PDI: Final = "\u2069"
_LRM: Final = "\u200e"
_ISOLATES_RE: Final = re.compile("[\u2066-\u2069]")
_LATIN_RE: Final = re.compile("[A-Za-z]")
_RTL_LETTER_RE: Final = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

Number: TypeAlias = int | float | Decimal
AnyDate: TypeAlias = dt.datetime | dt.date | jdatetime.date


def _to_decimal(n: Number) -> Decimal:
    # str(float) is the shortest repr, so 2.675 rounds the way a reader expects.
    return n if isinstance(n, Decimal) else Decimal(str(n))


def format_number(lang: str, n: Number, decimals: int = 0) -> str:
    """Grouped number with at most ``decimals`` fraction digits (half-up, no trailing 0s).

    fa: «۱۱٬۱۶۵٫۵» (a negative sign gets an LRM so it stays on the left in RTL text);
    en: "11,165.5". ``٬`` and ``٫`` are Arabic-number separators, so a Persian figure
    keeps its order in RTL text without isolates.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    value = _to_decimal(n).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)  # no "-0"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    if lang != "fa":
        return str(format_decimal(value, format=pattern, locale="en"))
    text = str(format_decimal(value, format=pattern, locale="fa", numbering_system="arabext"))
    if text.startswith("-"):
        text = _LRM + "\u2212" + text[1:]
    return to_persian_digits(text)


def strip_isolates(s: str) -> str:
    """Without the isolate characters, for places that lay text out themselves (charts)."""
    return _ISOLATES_RE.sub("", s)


# A left-to-right run in a catalog message: a /command, or Latin words with what sits
# between them ("Excel (xlsx)", "/link 3 1405-0012", a whole English sentence).
_LTR_RUN_RE: Final = re.compile(
    r"[/@]?[A-Za-z][A-Za-z0-9_.'’&+\-]*"
    r"(?:[ ,:;!?()\-]+[/@]?[A-Za-z0-9][A-Za-z0-9_.'’&+\-]*)*[)]?"
)
# What a message holds that is not its own text: tags, entities, placeholders, and runs
# already isolated.
_NOT_TEXT_RE: Final = re.compile(
    "(<code>.*?</code>|<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"
    "|\\{[A-Za-z_][A-Za-z0-9_]*\\}|\u2066[^\u2069]*\u2069)"
)


def _isolate_run(m: re.Match[str]) -> str:
    run = m.group()
    # A full stop after one Latin word ends the Persian sentence, not the word; an
    # English sentence keeps its own.
    keep = len(run)
    while keep and (
        run[keep - 1] in " ,:;(-"
        or (run[keep - 1] in ".!?" and " " not in run[:keep])
        or (run[keep - 1] == ")" and "(" not in run[:keep])
    ):
        keep -= 1
    return LRI + run[:keep] + PDI + run[keep:]


def isolate_ltr_runs(text: str) -> str:
    """Wrap every left-to-right run of a right-to-left message in LRI…PDI.

    Tags, entities, ``{placeholders}`` and runs already isolated are left alone: values
    are isolated by the ``Presenter`` that formats them. A ``<code>`` span with Latin in
    it gets LRMs around it instead. Idempotent.
    """
    parts = _NOT_TEXT_RE.split(text)
    for i in range(0, len(parts), 2):  # even parts are plain text
        parts[i] = _LTR_RUN_RE.sub(_isolate_run, parts[i])
    for i in range(1, len(parts), 2):
        # What is in <code> is copied with a tap and sent back ("/start inv_…"): no
        # isolates inside it; marks outside keep it left to right.
        if (
            parts[i].startswith("<code>")
            and _LATIN_RE.search(parts[i])
            and not parts[i - 1].endswith(_LRM)
        ):
            parts[i] = _LRM + parts[i] + _LRM
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Words:
    """The catalog's words for joining lists, separating fields and naming amounts."""

    list_sep: str
    list_last: str
    field_sep: str
    datetime: str
    ellipsis: str
    amount_and: str
    thousand: str
    million: str
    billion: str
    units: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # unit -> plural forms

    @classmethod
    def from_messages(cls, messages: Mapping[str, object]) -> Words:
        """From a language's flattened catalog (the ``format.*`` keys)."""

        def text(name: str) -> str:
            value = messages.get(f"format.{name}")
            if not isinstance(value, str):
                raise KeyError(f"format.{name} missing from the catalog")
            return value

        def forms(unit: str) -> tuple[tuple[str, str], ...]:
            value = messages.get(f"format.{unit}")
            if not isinstance(value, Mapping):
                raise KeyError(f"format.{unit} must be a plural message")
            return tuple((str(k), str(v)) for k, v in value.items())

        return cls(
            list_sep=text("list_sep"),
            list_last=text("list_last"),
            field_sep=text("field_sep"),
            datetime=text("datetime"),
            ellipsis=text("ellipsis"),
            amount_and=text("amount_and"),
            thousand=text("thousand"),
            million=text("million"),
            billion=text("billion"),
            units=(("rial", forms("rial")), ("toman", forms("toman"))),
        )

    def unit(self, unit: str, category: str) -> str:
        forms = dict(dict(self.units)[unit])
        return forms.get(category, forms["other"])


def _plural_category(lang: str, n: Decimal) -> str:
    return str(plural_rule(lang)(n))


@functools.cache
def plural_rule(lang: str) -> Callable[[Decimal | int], str]:
    """The language's CLDR plural rule, read from Babel's locale data on first use (that
    load is ~0.05 s a language, which a start need not pay)."""
    return Locale.parse(lang).plural_form


@functools.cache
def _catalog_words(lang: str) -> Words:
    # Imported here: bot.i18n builds on this module.
    from bot.i18n import get_translator

    return Words.from_messages(get_translator(lang).messages)


@dataclass(frozen=True, slots=True)
class Presenter:
    """How one user sees numbers, dates, amounts and lists: ``Presenter("fa", tz)``.

    The one way to build one: words come from the package's catalogs unless given.
    """

    lang: str
    tz: ZoneInfo = field(default=TEHRAN)
    words: Words | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unsupported language {self.lang!r}; expected one of {LANGUAGES}")
        if self.words is None:
            object.__setattr__(self, "words", _catalog_words(self.lang))

    @property
    def is_fa(self) -> bool:
        return self.lang == "fa"

    @property
    def is_rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    @property
    def _w(self) -> Words:
        assert self.words is not None  # set in __post_init__
        return self.words

    # ---------------------------------------------------------------- direction

    def ltr(self, s: str) -> str:
        """A left-to-right token (tracking number, date, command) isolated in RTL text."""
        if not self.is_rtl or not s or s.startswith(LRI):
            return s
        return LRI + s + PDI

    def name(self, s: str) -> str:
        """A name someone typed, HTML-escaped, and isolated (first-strong) when its
        script runs the other way: a Latin name in Persian text, a Persian one in
        English text, so the punctuation around it stays where the sentence put it."""
        text = escape(s)
        foreign = _LATIN_RE if self.is_rtl else _RTL_LETTER_RE
        if foreign.search(text):
            return FSI + text + PDI
        return text

    def embed(self, text: str, text_lang: str) -> str:
        """A whole line in ``text_lang`` inside a message in this language."""
        if (text_lang in RTL_LANGUAGES) == self.is_rtl:
            return text
        return (RLI if text_lang in RTL_LANGUAGES else LRI) + text + PDI

    def tracking(self, year: int, seq: int) -> str:
        """A report's tracking number: «⁦۱۴۰۵-۰۰۱۲⁩» / "1405-0012"."""
        return self.ltr(self.digits(format_tracking_number(year, seq)))

    # ------------------------------------------------------------------ numbers

    def digits(self, s: str) -> str:
        """Persian digits in fa; unchanged in en."""
        return to_persian_digits(s) if self.is_fa else s

    def number(self, n: Number, decimals: int = 0) -> str:
        """Grouped number: «۱۱٬۱۶۵٫۵» / "11,165.5" (see ``format_number``)."""
        return format_number(self.lang, n, decimals)

    def percent(self, x: Number, decimals: int = 0) -> str:
        """``percent(1.24)`` → «۱۲۴٪» / "124%"."""
        return self.number(_to_decimal(x) * 100, decimals) + ("٪" if self.is_fa else "%")

    def plain_int(self, n: int) -> str:
        """No grouping, for years and ids: «۱۴۰۵» / "1405"."""
        return self.digits(str(n))

    # -------------------------------------------------------------------- lists

    def join(self, items: Iterable[str]) -> str:
        """«الف، ب، پ» / "a, b, c"."""
        return self._w.list_sep.join(items)

    def join_and(self, items: Iterable[str]) -> str:
        """«الف، ب و پ» / "a, b and c"."""
        listed = list(items)
        if len(listed) < 2:
            return "".join(listed)
        return self._w.list_sep.join(listed[:-1]) + self._w.list_last + listed[-1]

    def fields(self, *parts: str) -> str:
        """Parts of one line side by side: «قم — ۷ روز» / "Qom · 7 days"."""
        return self._w.field_sep.join(p for p in parts if p)

    def shorten(self, label: str, limit: int) -> str:
        """``label`` in at most ``limit`` characters, cut at a word boundary with "…"."""
        return shorten(label, limit, self._w.ellipsis)

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
        return self._w.datetime.format(date=self.date(value), time=self.time(value))

    def short_date(self, value: AnyDate) -> str:
        """«⁦۱۴۰۵/۰۹/۰۷⁩» (isolated) / "2026-11-28"."""
        day = self._local_day(value)
        if self.is_fa:
            j = self._jalali(day)
            return self.ltr(self.digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}"))
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
        """An amount the way officials say it, in the catalog's words.

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
        category = _plural_category(self.lang, value)
        amount = self._fa_amount(value) if self.is_fa else self._en_amount(value)
        text = f"{amount} {self._w.unit(unit, category)}"
        if rials < 0:
            return (_LRM + "\u2212" if self.is_fa else "-") + text
        return text

    def _fa_amount(self, value: Decimal) -> str:
        w = self._w
        parts: list[str] = []
        rest = value
        for scale, word in ((10**9, w.billion), (10**6, w.million), (10**3, w.thousand)):
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
        return w.amount_and.join(parts)

    def _en_amount(self, value: Decimal) -> str:
        for scale, word in ((10**9, self._w.billion), (10**6, self._w.million)):
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
