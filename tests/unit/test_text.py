"""bot.text: normalising and parsing what users type."""

from __future__ import annotations

import jdatetime
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.formatting import Presenter
from bot.text import (
    JALALI_MONTHS_EN,
    JALALI_MONTHS_FA,
    ZWNJ,
    amount_readings,
    find_tracking_numbers,
    format_tracking_number,
    means_no_amount,
    normalize_for_match,
    normalize_text,
    parse_amount_rials,
    parse_int,
    parse_jalali_date,
    parse_tracking_number,
    to_latin_digits,
    to_persian_digits,
)

INVISIBLE = (
    "\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff"
)
# Text as phones produce it: Persian and Arabic letters, all digit scripts, Latin,
# spaces of every kind, line endings, ZWNJ and the invisible characters.
messy_text = st.text(
    alphabet=st.sampled_from(
        [
            *"سلامعليكىيکیۀةآ ab Z09۰۹٠٩-_/.,،٬٫#",
            *(ZWNJ, "\u00a0", "\t", "\n", "\r", "\u2028", "\u202f"),
            *INVISIBLE,
        ]
    ),
    max_size=40,
)


def ymd(d: jdatetime.date | None) -> tuple[int, int, int] | None:
    return None if d is None else (d.year, d.month, d.day)


# ----------------------------------------------------------------- normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),
        ("موسى", "موسی"),
        ("كاشي", "کاشی"),
        ("خانۀ ة", "خانۀ ة"),
        ("می\u200cخواهم", "می\u200cخواهم"),
        ("می\u200c\u200c\u200cخواهم", "می\u200cخواهم"),
        ("کتاب \u200cها", "کتاب ها"),
        ("کتاب\u200c ها", "کتاب ها"),
        ("\u200cسلام\u200c", "سلام"),
        ("\u200fسلام\u200e \u202bدنیا\u202c\u2067!\u2069", "سلام دنیا!"),
        ("a\u200bb\ufeffc\u2060d", "abcd"),
        ("  سلام    دنیا \t ", "سلام دنیا"),
        ("خط۱\r\nخط۲\rخط۳", "خط۱\nخط۲\nخط۳"),
        ("بند۱  \n\n  بند۲", "بند۱\n\nبند۲"),
        ("a\u00a0\u00a0b", "a b"),
        ("", ""),
        (" \u200c\u200f ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@given(messy_text)
def test_normalize_text_properties(s: str) -> None:
    out = normalize_text(s)
    assert normalize_text(out) == out
    assert not set(out) & set(INVISIBLE + "يىك\r")
    assert ZWNJ * 2 not in out
    for ws in " \n":
        assert ws + ZWNJ not in out
        assert ZWNJ + ws not in out
    assert "  " not in out
    assert "\t" not in out
    assert out == out.strip()
    assert out == out.strip(ZWNJ)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("می‌خواهم", "میخواهم"),
        ("  گزارش   جدید ", "گزارش جدید"),
        ("Report\nNEW", "report new"),
        ("علي ۱۲", "علی 12"),
        ("قـــم", "قم"),
        ("مُحَمَّد", "محمد"),
    ],
)
def test_normalize_for_match_equates(a: str, b: str) -> None:
    assert normalize_for_match(a) == normalize_for_match(b)


@given(messy_text)
def test_normalize_for_match_properties(s: str) -> None:
    out = normalize_for_match(s)
    assert normalize_for_match(out) == out
    assert ZWNJ not in out
    assert "\n" not in out
    assert to_latin_digits(out) == out
    assert out.casefold() == out


# ------------------------------------------------------------------------ digits


def test_digit_scripts() -> None:
    assert to_latin_digits("۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩") == "0123456789 0123456789"
    assert to_persian_digits("0123456789 ٤٥٦") == "۰۱۲۳۴۵۶۷۸۹ ۴۵۶"
    assert to_persian_digits("abc") == "abc"


@given(st.text(max_size=30))
def test_digit_round_trip(s: str) -> None:
    assert to_latin_digits(to_persian_digits(s)) == to_latin_digits(s)
    assert to_persian_digits(to_latin_digits(s)) == to_persian_digits(s)


# --------------------------------------------------------------------- parse_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("۴۲", 42),
        ("٤٢", 42),
        (" +7 ", 7),
        ("-12", -12),
        ("−12", -12),
        ("\u200e−۱٬۲۳۴", -1234),
        ("1,234,567", 1234567),
        ("۱٬۲۳۴٬۵۶۷", 1234567),
        ("۱،۲۳۴", 1234),
        ("1 234 567", 1234567),
        ("1\u00a0234", 1234),
        ("1'234", 1234),
        ("007", 7),
        ("9" * 20, int("9" * 20)),
        ("9" * 21, None),
        ("12,5", None),
        ("1,23,456", None),
        ("1.5", None),
        ("۱٫۵", None),
        ("", None),
        ("-", None),
        ("12a", None),
        ("بیست", None),
        ("1 2", None),
        ("--1", None),
    ],
)
def test_parse_int(raw: str, expected: int | None) -> None:
    assert parse_int(raw) == expected


@given(st.integers(min_value=-(10**20) + 1, max_value=10**20 - 1), st.sampled_from(["fa", "en"]))
def test_parse_int_reads_what_we_print(n: int, lang: str) -> None:
    p = Presenter(lang)
    assert parse_int(str(n)) == n
    assert parse_int(to_persian_digits(str(n))) == n
    assert parse_int(p.number(n)) == n
    assert parse_int(p.plain_int(n)) == n


@given(st.text(max_size=30))
def test_parse_int_never_raises(s: str) -> None:
    result = parse_int(s)
    assert result is None or abs(result) < 10**20


# ------------------------------------------------------------ parse_amount_rials


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۵۰۰ میلیون", 500_000_000),
        ("۲ میلیارد", 2_000_000_000),
        ("۱۱ هزار و ۱۶۵ میلیارد ریال", 11_165_000_000_000),
        ("هزار و ۱۱۶٫۵ میلیارد تومان", 11_165_000_000_000),
        ("۳ میلیارد تومان", 30_000_000_000),
        ("۲ میلیون و ۵۰۰ هزار", 2_500_000),
        ("۲ میلیون ۵۰۰ هزار ریال", 2_500_000),
        ("۲ میلیون و ۵۰۰", 2_000_500),
        ("۹ هزار میلیارد ریال", 9_000_000_000_000),
        ("۱۰ هزار میلیارد", 10_000_000_000_000),
        ("هزار میلیارد", 1_000_000_000_000),
        ("میلیارد", 1_000_000_000),
        ("۲٫۵ میلیارد", 2_500_000_000),
        ("۲/۵ میلیارد", 2_500_000_000),
        ("۲.۵ ملیارد", 2_500_000_000),
        ("۱۰ همت", 10 * 10**12 * 10),
        ("۵۰۰ هزارتومان", 5_000_000),
        ("500 million", 500_000_000),
        ("2.5 billion rials", 2_500_000_000),
        ("2 Million and 500 Thousand", 2_500_000),
        ("2 million, 500 thousand", 2_500_000),
        ("3 billion tomans", 30_000_000_000),
        ("500k", 500_000),
        ("1.5 bn", 1_500_000_000),
        ("1,500,000 rials", 1_500_000),
        ("۱٬۵۰۰٬۰۰۰ ریال", 1_500_000),
        ("۱۵۰۰۰۰۰", 1_500_000),
        ("۷۵۰", 750),
        # grouping or decimal, by the marks (bot/text.py's amounts)
        ("500.000.000", 500_000_000),
        ("500,000,000", 500_000_000),
        ("۵۰۰٬۰۰۰٬۰۰۰", 500_000_000),
        ("۵۰۰،۰۰۰،۰۰۰", 500_000_000),
        ("۲،۵ میلیارد", 2_500_000_000),
        ("2,5 billion", 2_500_000_000),
        ("12,5 میلیون", 12_500_000),
        ("۲٫۵۰۰ میلیارد", 2_500_000_000),
        ("1,500.5 million", 1_500_500_000),
        ("1.500,5 million", 1_500_500_000),
        ("500.500", 500_500),  # 500.5 rials is no amount: one reading left
        ("1500.000", 1500),
        ("۵۰۰ میلیون.", 500_000_000),
        # in words, and hedged
        ("صد میلیون", 100_000_000),
        ("یک میلیارد تومان", 10_000_000_000),
        ("صد و بیست و پنج میلیون", 125_000_000),
        ("یک و نیم میلیارد", 1_500_000_000),
        ("۲ و نیم میلیارد", 2_500_000_000),
        ("نیم میلیارد", 500_000_000),
        ("۱ میلیارد و نیم", 1_500_000_000),
        ("سه میلیون و نیم", 3_500_000),
        ("یک میلیارد و دویست میلیون", 1_200_000_000),
        ("هزار و پانصد میلیارد", 1_500_000_000_000),
        ("حدود ۵۰۰ میلیون", 500_000_000),
        ("تقریباً ۳ میلیارد تومان", 30_000_000_000),
        ("۵۰۰ میلیون ریال است", 500_000_000),
        ("about 2 billion rials", 2_000_000_000),
        ("نه", None),  # "no", not nine rials
        ("دو و سه میلیون", None),
        ("ده ده میلیون", None),
        ("بیست و پانزده", None),
        ("500 million?", 500_000_000),
        ("۱٫۵ تومان", 15),
        ("1000 IRR", 1000),
        ("  ۵۰۰   میلیون  ", 500_000_000),
        # not amounts
        ("", None),
        ("ریال", None),
        ("سلام", None),
        ("0", None),
        ("0 میلیون", None),
        ("-500", None),
        ("2.5", None),
        ("12 34", None),
        ("1405/09/07/1", None),
        ("1,5000", None),
        ("12.34.56", None),
        ("1,500.000,5", None),
        ("500.000", None),  # 500 or 500,000: amount_readings names both
        ("۱.۵۰۰ میلیارد", None),
        ("۵ میلیون و ۳ میلیارد", None),
        ("۲ میلیون ۳ میلیون", None),
        ("و ۵۰۰ میلیون", None),
        ("۵۰۰ میلیون و", None),
        ("۵۰۰ و ۲۰۰", None),
        ("میلیون و و هزار", None),
        ("ریال ۵۰۰", None),
        ("۵۰۰ ریال تومان", None),
        ("۱۰ همت تومان", None),
        ("1405/09/07", None),
        ("500 mango", None),
        ("میلیاردها", None),
        ("9" * 21, None),
        ("999999 trillion tomans", None),  # beyond a BIGINT
        ("99999 trillion tomans", 99999 * 10**13),
    ],
)
def test_parse_amount_rials(raw: str, expected: int | None) -> None:
    assert parse_amount_rials(raw, spoken=True) == expected


def test_none_typed_for_an_amount() -> None:
    assert all(map(means_no_amount, ["ندارد", "هيچ", "صفر", "۰", "None", "no amount."]))
    assert not any(map(means_no_amount, ["۵۰۰ میلیون", "نمی‌دانم", "nonexistent"]))


@pytest.mark.parametrize("raw", ["صد میلیون", "حدود ۵۰۰ میلیون", "یک و نیم میلیارد"])
def test_amounts_in_words_are_read_only_when_spoken(raw: str) -> None:
    """A spreadsheet's cell in words or hedged is not a figure to import (loan_import)."""
    assert parse_amount_rials(raw) is None
    assert parse_amount_rials(raw, spoken=True) is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("500.000", (500, 500_000)),
        ("۱.۵۰۰ میلیارد", (1_500_000_000, 1_500_000_000_000)),
        ("2.500 billion rials", (2_500_000_000, 2_500_000_000_000)),
        ("500.500", (500_500,)),
        ("500.000.000", (500_000_000,)),
        ("سلام", ()),
    ],
)
def test_amount_readings(raw: str, expected: tuple[int, ...]) -> None:
    assert amount_readings(raw) == expected


@given(
    st.integers(min_value=1, max_value=10**15 - 1),
    st.sampled_from(["fa", "en"]),
    st.sampled_from(["rial", "toman"]),
)
@example(11_165_000_000_000, "fa", "toman")
@example(1_000_500_000_000, "fa", "rial")
@example(1_234_567_890, "fa", "rial")
def test_parse_amount_reads_what_we_print(rials: int, lang: str, unit: str) -> None:
    assert unit in ("rial", "toman")
    text = Presenter(lang).money(rials, "rial" if unit == "rial" else "toman")
    assert parse_amount_rials(text) == rials


@given(st.text(max_size=30))
def test_parse_amount_never_raises(s: str) -> None:
    for spoken in (False, True):
        result = parse_amount_rials(s, spoken=spoken)
        assert result is None or 0 < result < 2**63


# --------------------------------------------------------------- tracking numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1405-0012", (1405, 12)),
        ("۱۴۰۵-۰۰۱۲", (1405, 12)),
        ("1405‐12", (1405, 12)),
        ("1405–0012", (1405, 12)),
        ("1405/0012", (1405, 12)),
        ("1405_12", (1405, 12)),
        ("1405 0012", (1405, 12)),
        ("1405 - 12", (1405, 12)),
        ("14050012", (1405, 12)),
        ("#1405-0012", (1405, 12)),
        ("# ۱۴۰۵-۱۲", (1405, 12)),
        ("شماره پیگیری: ۱۴۰۵-۰۰۱۲ لطفاً بررسی کنید", (1405, 12)),
        ("گزارش۱۴۰۵-۱۲را", (1405, 12)),
        ("\u200f1405-12345", (1405, 12345)),
        ("1399-7", (1399, 7)),
        ("1405-0000 1405-3", (1405, 3)),
        ("0012-1405", (1405, 12)),
        ("۰۰۱۲-۱۴۰۵", (1405, 12)),
        ("١٢/١٤٠٥", (1405, 12)),
        ("12 - 1405", (1405, 12)),
        ("#0012_1405", (1405, 12)),
        ("شماره ۰۰۰۱-۱۴۰۵ را ببینید", (1405, 1)),
        ("0000-1405", None),
        ("07/09/1405", None),
        ("00121405", None),
        ("1405-0000", None),
        ("1405", None),
        ("1405/09/07", None),
        ("21405-0012", None),
        ("1205-0012", None),
        ("1405-123456789", None),
        ("", None),
        ("سلام", None),
    ],
)
def test_parse_tracking_number(raw: str, expected: tuple[int, int] | None) -> None:
    assert parse_tracking_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("گزارش ۱۴۰۵-۰۰۰۱ چی شد؟", [(1405, 1)]),
        ("وضعیت ١٤٠٥-١٢ را بگویید", [(1405, 12)]),
        ("report \u20661405-0012\u2069 please", [(1405, 12)]),
        ("۱۴۰۵/۰۰۱۲ و ۱۴۰۵-۰۰۰۳ و باز ۱۴۰۵-۱۲", [(1405, 12), (1405, 3)]),
        ("رونوشت ۰۰۱۲-۱۴۰۵", [(1405, 12)]),
        ("گزارش ۱۴۰۵ - ۰۰۱۲ چی شد", [(1405, 12)]),
        ("سال ۱۴۰۰ - ۱۴۰۴", []),
        ("جلسه ۱۴۰۵/۰۹/۱۸ است؟", []),
        ("تا ۱۴۰۵/۹ صبر کنید", []),
        ("سال‌های ۱۴۰۰-۱۴۰۴", []),
        ("۱۴۰۵ ۰۰۱۲ نفر", []),
        ("مبلغ 14050012 ریال", []),
        ("1405-0000", []),
        ("21405-0012", []),
        ("1405-0012-3", []),
    ],
)
def test_find_tracking_numbers_in_a_sentence(raw: str, expected: list[tuple[int, int]]) -> None:
    assert find_tracking_numbers(raw) == expected


def test_find_tracking_numbers_stops_at_the_limit() -> None:
    text = " ".join(f"1405-{n:04d}" for n in range(1, 9))
    assert find_tracking_numbers(text, limit=3) == [(1405, 1), (1405, 2), (1405, 3)]


def test_format_tracking_number() -> None:
    assert format_tracking_number(1405, 12) == "1405-0012"
    assert format_tracking_number(1405, 1) == "1405-0001"
    assert format_tracking_number(1405, 123456) == "1405-123456"
    with pytest.raises(ValueError, match="tracking"):
        format_tracking_number(1405, 0)
    with pytest.raises(ValueError, match="tracking"):
        format_tracking_number(99, 1)


@given(
    st.integers(min_value=1300, max_value=1499),
    st.integers(min_value=1, max_value=10**8 - 1),
    st.sampled_from(["-", "‐", "–", "/", "_", " ", ""]),
    st.booleans(),
    st.sampled_from(["", "#", "شماره ", "کد پیگیری: "]),
)
def test_tracking_number_round_trip(
    year: int, seq: int, sep: str, persian: bool, before: str
) -> None:
    text = format_tracking_number(year, seq).replace("-", sep)
    if persian:
        text = to_persian_digits(text)
    assert parse_tracking_number(f"{before}{text} ممنون") == (year, seq)


# ------------------------------------------------------------------ Jalali dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1405/09/07", (1405, 9, 7)),
        ("۱۴۰۵/۹/۷", (1405, 9, 7)),
        ("1405-9-7", (1405, 9, 7)),
        ("1405.9.7", (1405, 9, 7)),
        (" ۱۴۰۵ / ۰۹ / ۰۷ ", (1405, 9, 7)),
        ("05/9/7", (1405, 9, 7)),
        ("98/1/1", (1398, 1, 1)),
        ("7/9/1405", (1405, 9, 7)),
        ("۷ آذر ۱۴۰۵", (1405, 9, 7)),
        ("۷ آذرماه ۱۴۰۵", (1405, 9, 7)),
        ("۷ آذر ماه سال ۱۴۰۵", (1405, 9, 7)),
        ("۷ آذر، ۱۴۰۵", (1405, 9, 7)),
        ("شنبه ۷ آذر ۱۴۰۵", (1405, 9, 7)),
        ("سه‌شنبه ۱ اردیبهشت ۱۴۰۵", (1405, 2, 1)),
        ("7 Azar 1405", (1405, 9, 7)),
        ("7th azar 1405", (1405, 9, 7)),
        ("آذر ۱۴۰۵", (1405, 9, 1)),
        ("اسفند ۰۳", (1403, 12, 1)),
        ("31 Shahrivar 1405", (1405, 6, 31)),
        ("30 اسفند 1403", (1403, 12, 30)),  # 1403 is leap
        ("1403/12/30", (1403, 12, 30)),
        # invalid
        ("1404/12/30", None),  # 1404 is not
        ("1405/07/31", None),  # Mehr has 30 days
        ("1405/13/01", None),
        ("1405/00/01", None),
        ("1405/01/00", None),
        ("1405/9", None),
        ("1405/9-7", None),
        ("5/9/7", None),
        ("0005/9/7", None),
        ("1605/9/7", None),
        ("۷ آذر", None),
        ("32 آذر 1405", None),
        ("7 December 1405", None),
        ("", None),
        ("فردا", None),
    ],
)
def test_parse_jalali_date(raw: str, expected: tuple[int, int, int] | None) -> None:
    assert ymd(parse_jalali_date(raw)) == expected


jalali_dates = st.dates(
    min_value=jdatetime.date(1300, 1, 1).togregorian(),
    max_value=jdatetime.date(1499, 12, 29).togregorian(),
).map(lambda d: jdatetime.date.fromgregorian(date=d))


@given(jalali_dates, st.booleans())
def test_parse_jalali_date_round_trip(d: jdatetime.date, persian: bool) -> None:
    y, m, day = d.year, d.month, d.day
    texts = [
        f"{y}/{m}/{day}",
        f"{y}-{m:02d}-{day:02d}",
        f"{day} {JALALI_MONTHS_FA[m - 1]} {y}",
        f"{day} {JALALI_MONTHS_EN[m - 1]} {y}",
        Presenter("fa").date(d),
        Presenter("fa").short_date(d),
    ]
    for text in texts:
        assert ymd(parse_jalali_date(to_persian_digits(text) if persian else text)) == (y, m, day)


@given(st.integers(1300, 1499), st.integers(1, 12), st.integers(1, 31))
def test_parse_jalali_date_validates(y: int, m: int, d: int) -> None:
    try:
        valid = jdatetime.date(y, m, d)
    except ValueError:
        valid = None
    assert ymd(parse_jalali_date(f"{y}/{m}/{d}")) == ymd(valid)


@given(st.text(max_size=30))
def test_parse_jalali_date_never_raises(s: str) -> None:
    assume(s.strip())
    result = parse_jalali_date(s)
    assert result is None or 1300 <= result.year <= 1499
