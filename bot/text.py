"""Normalising and parsing what users type on a phone keyboard.

Persian users mix keyboards: Arabic ي/ك, Persian, Arabic-Indic or Latin digits, stray
bidi marks pasted from other apps, ZWNJs doubled or glued to spaces. Everything here is
pure (no I/O, no clock, no locale state) so it can be tested exhaustively.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal, localcontext
from typing import Final

import jdatetime

__all__ = [
    "JALALI_MONTHS_EN",
    "JALALI_MONTHS_FA",
    "ZWNJ",
    "amount_readings",
    "find_tracking_numbers",
    "format_tracking_number",
    "jalali_to_date",
    "means_no_amount",
    "normalize_for_match",
    "normalize_text",
    "parse_amount_rials",
    "parse_date",
    "parse_int",
    "parse_jalali_date",
    "parse_tracking_number",
    "shorten",
    "to_latin_digits",
    "to_persian_digits",
]

ZWNJ: Final = "\u200c"

JALALI_MONTHS_FA: Final = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
JALALI_MONTHS_EN: Final = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip

_PERSIAN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩"
_TO_LATIN: Final = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN: Final = str.maketrans("0123456789" + _ARABIC_DIGITS, _PERSIAN_DIGITS * 2)

# Arabic letters that Arabic keyboards produce for Persian ones; ۀ and ة are left alone.
_LETTERS: Final = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
# Bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates) and zero-width junk.
# C0/C1 control characters other than tab and line breaks are dropped too: NUL cannot be
# stored in PostgreSQL text, and none of them means anything in a message.
_INVISIBLE_RE: Final = re.compile(
    "[\u200b\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2060\ufeff"
    "\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]"
)
_NEWLINES_RE: Final = re.compile("\r\n|[\r\u2028\u2029\x85]")
_ZWNJ_RUN_RE: Final = re.compile("\u200c{2,}")
_ZWNJ_BY_SPACE_RE: Final = re.compile(r"\u200c+(?=\s)|(?<=\s)\u200c+")
_HSPACE_RE: Final = re.compile(r"[^\S\n]+")  # whitespace other than newline
_SPACE_AROUND_NL_RE: Final = re.compile(r" ?\n ?")
_WS_RE: Final = re.compile(r"\s+")
# Tatweel and Arabic diacritics (harakat, superscript alef): noise when matching.
_MATCH_NOISE_RE: Final = re.compile("[\u0640\u064b-\u065f\u0670]")


def to_latin_digits(s: str) -> str:
    """Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII digits."""
    return s.translate(_TO_LATIN)


def to_persian_digits(s: str) -> str:
    """ASCII and Arabic-Indic digits to Persian digits (U+06F0..)."""
    return s.translate(_TO_PERSIAN)


def dialable_phone(raw: str) -> str:
    """A phone number as someone can dial it: Telegram shares a contact's number in
    international form without its "+" (989121234567), which no phone dials as such."""
    digits = to_latin_digits(raw.strip()).replace(" ", "")
    if digits.isdigit() and not digits.startswith("0"):
        return "+" + digits
    return digits


def normalize_text(s: str) -> str:
    """Clean free text for storage and display, keeping its meaning and spelling.

    Arabic ي/ى/ك become Persian ی/ک; bidi controls and zero-width characters are removed
    except ZWNJ, which Persian spelling needs (runs collapse to one, and a ZWNJ beside
    whitespace or at either end is dropped). Line endings become ``\\n``; runs of
    horizontal whitespace become one space; spaces around newlines and at the ends go.
    Newlines themselves are kept. Idempotent.
    """
    s = _INVISIBLE_RE.sub("", s.translate(_LETTERS))
    s = _NEWLINES_RE.sub("\n", s)
    s = _ZWNJ_RUN_RE.sub(ZWNJ, s)
    s = _ZWNJ_BY_SPACE_RE.sub("", s)
    s = _HSPACE_RE.sub(" ", s)
    s = _SPACE_AROUND_NL_RE.sub("\n", s)
    return s.strip().strip(ZWNJ)


def normalize_for_match(s: str) -> str:
    """A key for comparing names, commands and button texts, not for display.

    ``normalize_text`` plus: no ZWNJ, tatweel or diacritics, Latin digits, casefolded,
    all whitespace (newlines too) collapsed to single spaces.
    """
    s = normalize_text(s).replace(ZWNJ, "")
    s = _MATCH_NOISE_RE.sub("", to_latin_digits(s)).casefold()
    return _WS_RE.sub(" ", s).strip()


def shorten(label: str, limit: int, ellipsis: str = "…") -> str:
    """``label`` in at most ``limit`` characters: cut at the last word boundary that fits,
    with ``ellipsis`` after it, never inside a word (unless one word is longer than the
    whole limit). A label that fits is returned as it is."""
    if limit <= len(ellipsis):
        raise ValueError("limit must leave room for the ellipsis")
    label = label.strip()
    if len(label) <= limit:
        return label
    room = limit - len(ellipsis)
    head = label[: room + 1]  # one more: a space just after the cut means a whole word
    cut = head.rfind(" ")  # a ZWNJ joins parts of one word: «شهرک‌های» is not cut there
    if cut <= 0:
        return label[:room].rstrip(" " + ZWNJ) + ellipsis
    return head[:cut].rstrip(" ،,:;-—" + ZWNJ) + ellipsis


# ---------------------------------------------------------------------------- integers

_MAX_DIGITS: Final = 20
_GROUP_SEPS: Final = ",\u066c\u060c \u00a0\u202f'"  # , ٬ ، space NBSP narrow-NBSP '
_SIGNED_INT_RE: Final = re.compile(
    rf"([+\-\u2212]?)([0-9]{{1,3}}(?:[{_GROUP_SEPS}][0-9]{{3}})+|[0-9]+)", re.ASCII
)


def _prepare_number(s: str) -> str:
    # normalize_text drops LRM/RLM (Babel puts LRM before a minus) and tidies spaces.
    return to_latin_digits(normalize_text(s))


def parse_int(s: str) -> int | None:
    """An integer in any digit script, with optional sign and thousands separators.

    Separators (``,`` ``٬`` ``،`` space, NBSP, ``'``) must split the digits into groups of
    three, so ``"12,5"`` (often meant as a decimal) is rejected rather than misread.
    Decimals, words and more than 20 digits give ``None``.
    """
    m = _SIGNED_INT_RE.fullmatch(_prepare_number(s))
    if m is None:
        return None
    digits = re.sub("[^0-9]", "", m.group(2))
    if len(digits) > _MAX_DIGITS:
        return None
    value = int(digits)
    return -value if m.group(1) in ("-", "\u2212") else value


def parse_percent(s: str) -> int | None:
    """A whole percentage 0–100 as typed: ``45``, ``۴۵٪``, ``45 %``, ``٤٥%``; else ``None``."""
    value = parse_int(normalize_text(s).rstrip("%\u066a").strip())
    return value if value is not None and 0 <= value <= 100 else None


# ----------------------------------------------------------------------------- amounts

_MAX_AMOUNT: Final = 2**63 - 1  # what a BIGINT column holds; far beyond any real amount
# What the marks between digits mean in an amount, by how people type them:
# - ٬ ' and spaces only group thousands; ٫ (Persian's own) is only the decimal mark;
# - , and ، group thousands before three digits; once, before one or two digits, they can
#   only be the decimal mark (۲،۵ میلیارد, 2,5 billion);
# - . and / once are the decimal mark (۲/۵ میلیارد, 2.5 billion); dots twice or more group
#   (500.000.000); slashes twice or more are a date, not an amount;
# - one dot before exactly three digits (500.000, ۱.۵۰۰ میلیارد) is typed meaning either:
#   when both readings are amounts, neither is taken (`amount_readings` names both).
_GROUP_ONLY: Final = "\u066c'"
_SPACES: Final = " \u00a0\u202f"
_DECIMAL_ONLY: Final = "\u066b"
_COMMAS: Final = ",\u060c"
_POINTS: Final = "./"
_MARKS: Final = _GROUP_ONLY + _DECIMAL_ONLY + _COMMAS + _POINTS
_SEP_RE: Final = re.compile(f"[{_MARKS}{_SPACES}]")
# A space joins digits only before a group of exactly three, so "12 34" stays two numbers.
_NUMBER_RE: Final = rf"[0-9]+(?:(?:[{_MARKS}]|[{_SPACES}](?=[0-9]{{3}}(?![0-9])))[0-9]+)*"
_AMBIGUOUS_DOT_RE: Final = re.compile(
    rf"(?<![0-9{_MARKS}])([0-9]{{1,3}})\.([0-9]{{3}})(?![0-9{_MARKS}])", re.ASCII
)
# Word -> magnitude. Persian misspellings without the ی are common. "همت" (هزار میلیارد
# تومان) is the abbreviation the news uses; it implies tomans.
_MAGNITUDES: Final[dict[str, int]] = {
    "هزار": 10**3, "میلیون": 10**6, "ملیون": 10**6, "میلیارد": 10**9, "ملیارد": 10**9,
    "تریلیون": 10**12, "همت": 10**12,
    "thousand": 10**3, "thousands": 10**3, "k": 10**3,
    "million": 10**6, "millions": 10**6, "mn": 10**6, "m": 10**6,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9,
    "trillion": 10**12, "trillions": 10**12,
}  # fmt: skip
_UNITS: Final[dict[str, int]] = {
    "ریال": 1, "rial": 1, "rials": 1, "irr": 1, "\ufdfc": 1,
    "تومان": 10, "تومن": 10, "toman": 10, "tomans": 10, "irt": 10,
}  # fmt: skip
_CONNECTORS: Final = frozenset({"و", "and", ",", "،"})
_WORDS: Final = sorted([*_MAGNITUDES, *_UNITS, *_CONNECTORS], key=len, reverse=True)
_AMOUNT_TOKEN_RE: Final = re.compile(
    rf"\s*(?:(?P<num>{_NUMBER_RE})|(?P<word>{'|'.join(map(re.escape, _WORDS))})(?![a-z]))",
    re.ASCII,
)


def _amount_tokens(s: str) -> list[tuple[str, str]] | None:
    tokens: list[tuple[str, str]] = []
    pos = 0
    s = s.rstrip()
    while pos < len(s):
        m = _AMOUNT_TOKEN_RE.match(s, pos)
        if m is None:
            return None
        if m.group("num") is not None:
            tokens.append(("num", m.group("num")))
        else:
            tokens.append(("word", m.group("word").casefold()))
        pos = m.end()
    return tokens


def _to_decimal(number: str) -> Decimal | None:
    """Digits and the marks between them read by the rules above (_GROUP_ONLY...)."""
    marks = _SEP_RE.findall(number)
    groups = _SEP_RE.split(number)
    point = False  # whether the last mark is the decimal one
    if marks:
        last, once = marks[-1], marks.count(marks[-1]) == 1
        point = (
            last in _DECIMAL_ONLY
            or (last in _POINTS and once)
            or (last in _COMMAS and once and len(groups[-1]) < 3)
        )
    whole_marks, whole = (marks[:-1], groups[:-1]) if point else (marks, groups)
    if whole_marks:
        kinds = {" " if m in _SPACES else m for m in whole_marks}
        if len(kinds) > 1 or kinds & {*_DECIMAL_ONLY, "/"}:
            return None  # "1,500.000,5", "1405/09/07"
        if not 1 <= len(whole[0]) <= 3 or any(len(g) != 3 for g in whole[1:]):
            return None  # not thousands: "1,5000", "12.34.56"
    digits = "".join(whole) + ("." + groups[-1] if point else "")
    if len(digits) - int(point) > _MAX_DIGITS:
        return None
    return Decimal(digits)


# Numbers said in words, as owners type them: «صد میلیون», «یک و نیم میلیارد».
_NUMBER_WORDS: Final[dict[str, Decimal]] = {
    word: Decimal(value)
    for words, value in (
        ("یک یه", 1), ("دو", 2), ("سه", 3), ("چهار", 4), ("پنج", 5), ("شش شیش", 6),
        ("هفت", 7), ("هشت", 8), ("نه", 9), ("ده", 10), ("یازده", 11), ("دوازده", 12),
        ("سیزده", 13), ("چهارده", 14), ("پانزده پونزده", 15), ("شانزده شونزده", 16),
        ("هفده", 17), ("هجده هیجده", 18), ("نوزده", 19), ("بیست", 20), ("سی", 30),
        ("چهل", 40), ("پنجاه", 50), ("شصت", 60), ("هفتاد", 70), ("هشتاد", 80),
        ("نود", 90), ("صد یکصد", 100), ("دویست", 200), ("سیصد", 300), ("چهارصد", 400),
        ("پانصد پونصد", 500), ("ششصد", 600), ("هفتصد", 700), ("هشتصد", 800),
        ("نهصد", 900), ("نیم", "0.5"),
    )
    for word in words.split()
}  # fmt: skip
_WORD_RE: Final = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# Words joined by «و» (صد و بیست و پنج); the first may be digits («۲ و نیم میلیارد»).
_SPELLED_RE: Final = re.compile(rf"(?<!\S)(?:[0-9]+|{_WORD_RE})(?:\s+و\s+(?:{_WORD_RE}))*(?!\S)")
# «میلیارد و نیم»: half of that magnitude, said by the next smaller one.
_AND_A_HALF: Final = {"هزار": "500", "میلیون": "500 هزار", "میلیارد": "500 میلیون"}
_AND_A_HALF_RE: Final = re.compile(rf"({'|'.join(_AND_A_HALF)})\s+و\s+نیم(?!\S)")
# Hedges around the figure («حدود ۵۰۰ میلیون», "about 2 billion", «... است»): the amount
# asked for is an estimate anyway.
_HEDGE_RE: Final = re.compile(
    r"^(?:در حدود|حدودا|حدود|تقریبا|نزدیک به|about|around|approximately|approx\.?|roughly"
    r"|[~\u2248])\s*|\s+(?:است|هست)$"
)


def _spelled(match: re.Match[str]) -> str:
    """A run of number words as digits, or as it was when it is no number («دو و سه»)."""
    parts = [Decimal(p) if p.isdigit() else _NUMBER_WORDS[p] for p in match[0].split(" و ")]
    if any(_order(later) >= _order(earlier) for earlier, later in itertools.pairwise(parts)):
        return match[0]
    return str(sum(parts, Decimal(0)))


def _order(value: Decimal) -> int:
    """Hundreds, tens (with the teens), units or the half: words joined by «و» go down."""
    return 3 if value >= 100 else 2 if value >= 10 else 1 if value >= 1 else 0


def _amount_text(s: str, spoken: bool) -> str:
    # A full stop or a question mark after the amount ("۵۰۰ میلیون.") is the sentence's.
    text = to_latin_digits(normalize_for_match(s)).rstrip(" .!?\u061f")
    if not spoken:
        return text
    if text == "نه":
        return text  # "no" (there is no amount), not nine rials
    text = _HEDGE_RE.sub("", text)
    text = _AND_A_HALF_RE.sub(lambda m: f"{m[1]} و {_AND_A_HALF[m[1]]}", text)
    return _SPELLED_RE.sub(_spelled, text)


# "There is none", typed where an amount is asked (with a "no amount" button beside it).
_NO_AMOUNT: Final = frozenset(
    {
        "ندارد", "نداره", "ندارم", "نداریم", "هیچ", "هیچی", "نه", "خیر", "صفر", "0",
        "بدون مبلغ", "مبلغی ندارد", "no", "none", "nothing", "no amount", "n/a", "-",
    }
)  # fmt: skip


def means_no_amount(s: str) -> bool:
    """Whether `s` answers "what amount?" with "none" (ندارد، هیچ، صفر, "none"...)."""
    return _amount_text(s, spoken=False).strip() in _NO_AMOUNT


def amount_readings(s: str, *, spoken: bool = False) -> tuple[int, ...]:
    """Every amount of rials `s` can mean: none, one, or two when one dot before three
    digits could be the decimal mark or a thousands mark and both readings are amounts
    (``"۱.۵۰۰ میلیارد"``: 1.5 or 1,500 billion); the smaller first. `spoken`: typed in
    a chat, where numbers in words and a hedge (``حدود``) are how people say an amount;
    a spreadsheet's cell holding them is not read."""
    text = _amount_text(s, spoken)
    if _AMBIGUOUS_DOT_RE.search(text) is None:
        amount = _parse_amount(text)
        return () if amount is None else (amount,)
    readings = (
        _parse_amount(_AMBIGUOUS_DOT_RE.sub("\\1\u066b\\2", text)),
        _parse_amount(_AMBIGUOUS_DOT_RE.sub("\\1\u066c\\2", text)),
    )
    return tuple(sorted({r for r in readings if r is not None}))


def parse_amount_rials(s: str, *, spoken: bool = False) -> int | None:
    """An amount of money in rials, as officials and owners type it.

    Understands digits in any script with separators, magnitude words in Persian and
    English (هزار، میلیون، میلیارد، تریلیون، همت / thousand, million, billion, k, m, bn),
    compound forms (``۱۱ هزار و ۱۶۵ میلیارد`` = 11,165 billion, ``۲ میلیون و ۵۰۰ هزار``),
    grouped digits (``500,000,000``, ``500.000.000``, ``۵۰۰٬۰۰۰٬۰۰۰``), a fractional
    magnitude (``2.5 billion``, ``۲٫۵ میلیارد``, ``۲/۵ میلیارد``, ``۲،۵ میلیارد``) and a
    final unit (rial, or toman = 10 rials; rial when absent); when `spoken`, Persian
    numbers in words (``صد و بیست میلیون``, ``یک و نیم میلیارد``, ``۳ میلیارد و نیم``)
    and a hedge (``حدود``, ``تقریباً``, "about") too. Returns ``None`` for
    anything else, for an amount that can be read two ways (``amount_readings``), for
    zero or less, for fractions of a rial and for amounts beyond a BIGINT.
    """
    readings = amount_readings(s, spoken=spoken)
    return readings[0] if len(readings) == 1 else None


def _parse_amount(text: str) -> int | None:
    tokens = _amount_tokens(text)
    if not tokens:
        return None
    multiplier = 1
    if tokens[-1][0] == "word" and tokens[-1][1] in _UNITS:
        multiplier = _UNITS[tokens.pop()[1]]
    if tokens and tokens[-1] == ("word", "همت"):
        if multiplier != 1:
            return None  # "همت ریال" / "همت تومان": the unit is already in the word
        multiplier = 10
    # partials: (value, scale) with strictly decreasing scales, e.g. 2 million | 500 thousand
    partials: list[tuple[Decimal, int]] = []
    current: Decimal | None = None
    previous = ""  # kind of the previous token: "num", "magnitude" or "connector"
    for kind, text in tokens:
        if kind == "num":
            if current is not None:
                return None  # two numbers in a row: "12 34"
            current = _to_decimal(text)
            if current is None:
                return None
            previous = "num"
        elif text in _CONNECTORS:
            if previous != "magnitude":
                return None  # a connector follows a magnitude: "2 million and 500 thousand"
            previous = "connector"
        elif text in _MAGNITUDES:
            scale = _MAGNITUDES[text]
            # Thousands fold into a larger magnitude: «۱۱ هزار و ۱۶۵ میلیارد» = 11,165 billion.
            base = current
            while partials and partials[-1][1] < scale and partials[-1][1] <= 10**3:
                base = (base or Decimal(0)) + partials.pop()[0]
            if partials and partials[-1][1] <= scale:
                return None  # "5 million and 3 billion", "2 million 3 million"
            partials.append(((Decimal(1) if base is None else base) * scale, scale))
            current = None
            previous = "magnitude"
        else:
            return None  # a unit in the middle
    if previous == "connector":
        return None
    if current is not None:
        partials.append((current, 1))
    with localcontext() as ctx:
        ctx.prec = 100  # exact arithmetic for up to 20 digits times 10**13
        total = sum((value for value, _ in partials), Decimal(0)) * multiplier
    if total != total.to_integral_value() or not 0 < total <= _MAX_AMOUNT:
        return None
    return int(total)


# ---------------------------------------------------------------------- tracking numbers

_TRACKING_SEPS: Final = "\\-\u2010\u2011\u2012\u2013\u2014\u2212/_ "
_TRACKING_RE: Final = re.compile(
    rf"(?<![0-9])#?\s*(1[34][0-9]{{2}})(?:\s*[{_TRACKING_SEPS}]\s*)?([0-9]{{1,8}})"
    rf"(?![0-9]|[{_TRACKING_SEPS}][0-9])",
    re.ASCII,
)


# The same number the other way round, as a right-to-left line shows it ("0012-1405"):
# then a separator is required, so "00121405" stays one reading.
_TRACKING_REVERSED_RE: Final = re.compile(
    rf"(?<![0-9])(?<![0-9][{_TRACKING_SEPS}])#?\s*([0-9]{{1,8}})\s*[{_TRACKING_SEPS}]\s*"
    rf"(1[34][0-9]{{2}})(?![0-9]|[{_TRACKING_SEPS}][0-9])",
    re.ASCII,
)


def parse_tracking_number(s: str) -> tuple[int, int] | None:
    """Find a tracking number like ``1405-0012`` in what the user typed.

    Any digit script; ``-`` ``‐`` ``–`` ``/`` ``_`` or a space between year and sequence,
    or nothing (then the first four digits are the year); a leading ``#`` and surrounding
    words are fine. The year must be 13xx or 14xx and the sequence at least 1. Dates
    such as ``1405/09/07`` are not mistaken for one. The reversed order ``0012-1405``
    (what a copy of a right-to-left line may give) is read too. Returns ``(year, seq)``.
    """
    text = to_latin_digits(normalize_text(s))
    for m in _TRACKING_RE.finditer(text):
        year, seq = int(m.group(1)), int(m.group(2))
        if seq >= 1:
            return year, seq
    for m in _TRACKING_REVERSED_RE.finditer(text):
        seq, year = int(m.group(1)), int(m.group(2))
        if seq >= 1:
            return year, seq
    return None


# In a sentence only the written-out forms count ("1405-0001", "1405 - 0001", "1405/0001",
# the copied "0001-1405"): a bare run of digits, a space between two numbers or a short "1405/9" is
# more often an amount, a phone, a count or a month there than a report.
_DASHES: Final = "\\-\u2010\u2011\u2012\u2013\u2014\u2212_"
_IN_TEXT_RE: Final = re.compile(
    rf"(?<![0-9])(?<![0-9][{_DASHES}/.])(?:"
    rf"(?P<year>1[34][0-9]{{2}})(?: ?[{_DASHES}] ?(?P<seq>[0-9]{{1,8}})|/(?P<slashed>[0-9]{{4,8}}))"
    rf"|(?P<padded>[0-9]{{4,8}}) ?[{_DASHES}] ?(?P<last>1[34][0-9]{{2}}))"
    rf"(?![0-9]|[{_DASHES}/.][0-9])",
    re.ASCII,
)
_YEAR_RE: Final = re.compile("1[34][0-9]{2}", re.ASCII)


def find_tracking_numbers(s: str, limit: int = 5) -> list[tuple[int, int]]:
    """The tracking numbers written in a sentence («گزارش ۱۴۰۵-۰۰۰۱ چی شد؟»), in the order
    they stand, each once, at most ``limit``. Stricter than ``parse_tracking_number``,
    which reads a message that is nothing but a number: here year and sequence must be
    joined by a dash (or a slash before a sequence of four digits or more), so dates
    (``1405/09/18``), amounts and phone numbers in the sentence are not taken for one."""
    found: list[tuple[int, int]] = []
    for m in _IN_TEXT_RE.finditer(to_latin_digits(normalize_text(s))):
        if m.group("year") is not None:
            written = m.group("seq") or m.group("slashed")
            number = (int(m.group("year")), int(written))
            if _YEAR_RE.fullmatch(written) and number[1] > number[0]:
                continue  # a span of years: «سال‌های ۱۴۰۰-۱۴۰۴»
        else:
            number = (int(m.group("last")), int(m.group("padded")))
        if number[1] >= 1 and number not in found:
            found.append(number)
            if len(found) == limit:
                break
    return found


def format_tracking_number(year: int, seq: int) -> str:
    """``format_tracking_number(1405, 12) == "1405-0012"`` (Latin digits; localise later)."""
    if not 1000 <= year <= 9999 or seq < 1:
        raise ValueError(f"not a tracking number: year={year}, seq={seq}")
    return f"{year}-{seq:04d}"


# ------------------------------------------------------------------------ Jalali dates

_MIN_YEAR: Final = 1300
_MAX_YEAR: Final = 1499
_MONTH_NAMES: Final[dict[str, int]] = {
    **{name: i for i, name in enumerate(JALALI_MONTHS_FA, 1)},
    **{name.casefold(): i for i, name in enumerate(JALALI_MONTHS_EN, 1)},
    "امرداد": 5, "ordibehest": 2, "amordad": 5, "adhar": 9, "dei": 10,
}  # fmt: skip
_WEEKDAYS: Final = (
    "شنبه|یکشنبه|دوشنبه|سه شنبه|سهشنبه|چهارشنبه|پنجشنبه|پنج شنبه|جمعه"
    "|saturday|sunday|monday|tuesday|wednesday|thursday|friday"
)
_NUMERIC_DATE_RE: Final = re.compile(
    r"([0-9]{1,4})\s*([/\-.\u066b\u2010\u2013])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,4})", re.ASCII
)
_MONTH_RE: Final = "|".join(sorted(map(re.escape, _MONTH_NAMES), key=len, reverse=True))
_WORDY_DATE_RE: Final = re.compile(
    rf"(?:(?:{_WEEKDAYS})\s*[,،]?\s*)?"
    rf"(?:([0-9]{{1,2}})(?:\s*(?:st|nd|rd|th|ام|م))?\s*)?"
    rf"({_MONTH_RE})(?:\s*ماه)?\s*[,،]?\s*(?:سال\s*)?([0-9]{{2}}|[0-9]{{4}})"
)


def _full_year(text: str) -> int | None:
    if len(text) == 2:
        # Two-digit years: «۰۵» is 1405; «۹۸» (as in «رونق تولید سال ۹۸») is 1398.
        yy = int(text)
        return 1400 + yy if yy < 70 else 1300 + yy
    if len(text) == 4:
        return int(text)
    return None


def _jalali(year: int | None, month: int, day: int) -> jdatetime.date | None:
    if year is None or not _MIN_YEAR <= year <= _MAX_YEAR or not 1 <= month <= 12:
        return None
    try:
        return jdatetime.date(year, month, day)
    except ValueError:
        return None


def parse_jalali_date(s: str) -> jdatetime.date | None:
    """A Jalali date typed by a user, validated (month 1–12, day valid in that month/year).

    Numeric: ``1405/09/07``, ``۱۴۰۵/۹/۷``, ``1405-9-7``, ``1405.9.7``, ``05/9/7`` (two-digit
    years: 00–69 → 14xx, 70–99 → 13xx) and day-first ``7/9/1405`` when the year has four
    digits. Words: ``۷ آذر ۱۴۰۵``, ``۷ آذرماه ۱۴۰۵``, ``شنبه ۷ آذر ۱۴۰۵``, ``7 Azar 1405``,
    ``آذر ۱۴۰۵`` (the 1st). Years outside 1300–1499 are rejected.
    """
    text = normalize_for_match(s)
    m = _NUMERIC_DATE_RE.fullmatch(text)
    if m is not None:
        first, month, last = m.group(1), int(m.group(3)), m.group(4)
        if len(last) == 4 and len(first) <= 2:
            return _jalali(int(last), month, int(first))
        if len(last) <= 2:
            return _jalali(_full_year(first), month, int(last))
        return None
    m = _WORDY_DATE_RE.fullmatch(text)
    if m is not None:
        day = int(m.group(1)) if m.group(1) else 1
        return _jalali(_full_year(m.group(3)), _MONTH_NAMES[m.group(2)], day)
    return None


_GREGORIAN_YEARS: Final = range(1900, 2100)
_GREGORIAN_MONTHS: Final[dict[str, int]] = {
    name: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        1,
    )
    for name in names
}  # fmt: skip
_G_MONTH_RE: Final = "|".join(sorted(_GREGORIAN_MONTHS, key=len, reverse=True))
# "28 Nov 2026" (as the Presenter writes an English date) or "November 28, 2026".
_G_WORDY_RE: Final = re.compile(
    rf"(?:([0-9]{{1,2}})\s*({_G_MONTH_RE})\.?|({_G_MONTH_RE})\.?\s*([0-9]{{1,2}}))"
    rf"\s*,?\s*([0-9]{{4}})"
)


def _gregorian(year: int, month: int, day: int) -> jdatetime.date | None:
    if year not in _GREGORIAN_YEARS:
        return None
    try:
        return jdatetime.date.fromgregorian(date=date(year, month, day))
    except ValueError:
        return None


def parse_date(s: str) -> jdatetime.date | None:
    """A calendar day a user typed, in either calendar, told apart by its year: Jalali
    (13xx/14xx, everything ``parse_jalali_date`` accepts) or Gregorian (19xx/20xx:
    ``2026-11-28``, ``28/11/2026``, ``28 Nov 2026``, ``November 28, 2026``), in any
    digit script. Returned as a ``jdatetime.date`` whichever calendar it was typed in."""
    jalali = parse_jalali_date(s)
    if jalali is not None:
        return jalali
    text = normalize_for_match(s)
    m = _NUMERIC_DATE_RE.fullmatch(text)
    if m is not None:
        first, month, last = m.group(1), int(m.group(3)), m.group(4)
        if len(first) == 4:
            return _gregorian(int(first), month, int(last))
        if len(last) == 4:
            return _gregorian(int(last), month, int(first))
        return None
    m = _G_WORDY_RE.fullmatch(text)
    if m is not None:
        day = int(m.group(1) or m.group(4))
        return _gregorian(int(m.group(5)), _GREGORIAN_MONTHS[m.group(2) or m.group(3)], day)
    return None


def jalali_to_date(text: str | None) -> date | None:
    """A Jalali date from a data file, as a Gregorian calendar day; ValueError if invalid."""
    if text is None:
        return None
    parsed = parse_jalali_date(text)
    if parsed is None:
        raise ValueError(f"not a Jalali date: {text!r}")
    day: date = parsed.togregorian()
    return day
