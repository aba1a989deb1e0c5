"""Properties of the parsers added with the figures: the loan importer's headers, amounts,
dates and readers, and the progress flow's percentage. Whatever a bank's file or a user
holds, they answer or refuse; they never raise anything else.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import jdatetime
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.formatting import Presenter
from bot.services.loan_import import (
    _ALIASES,
    _HEADER_UNITS,
    COLUMNS,
    ImportFormatError,
    ParsedFile,
    _header_key,
    _header_multiplier,
    _parse_amount,
    _parse_date,
    parse_loans,
    read_table,
)
from bot.text import ZWNJ, parse_percent, to_persian_digits
from tests.loan_files import HEADER, make_xlsx, rows_with
from tests.unit.test_loan_import import REFERENCE

ALIASES = [(alias, column) for column, aliases in COLUMNS.items() for alias in aliases]
MULTIPLIERS = [1, *(m for _, m in _HEADER_UNITS)]
odd_text = st.text(
    alphabet=st.sampled_from([*"سلامعليكىيکیۀآ ab09۰۹٠٩-_/.,،٬٫#%٪()=+@", ZWNJ, "\u200f", " "]),
    max_size=30,
)
jalali_dates = st.dates(dt.date(1921, 3, 22), dt.date(2120, 3, 19)).map(
    lambda d: jdatetime.date.fromgregorian(date=d)
)


# --- headers -----------------------------------------------------------------------------


@given(
    st.sampled_from(ALIASES),
    st.sampled_from(["", " (ریال)", "(میلیون ریال)", " [تومان]", "{*}"]),
    st.sampled_from(["", " ", "  ", "\u00a0", ZWNJ]),
    st.booleans(),
)
def test_a_header_is_known_however_it_is_dressed(
    alias: tuple[str, str], note: str, pad: str, arabic: bool
) -> None:
    """Spacing, a bracketed unit and Arabic ي/ك around an alias still name its column."""
    text, column = alias
    dressed = pad + text + note + pad
    if arabic:
        dressed = dressed.replace("ی", "ي").replace("ک", "ك")
    assert _ALIASES.get(_header_key(dressed)) == column


@given(odd_text)
def test_header_keys_are_stable(text: str) -> None:
    key = _header_key(text)
    assert _header_key(key) == key
    assert _header_multiplier(text) in MULTIPLIERS


# --- amounts -----------------------------------------------------------------------------


@given(st.integers(1, 10**15), st.sampled_from(MULTIPLIERS), st.sampled_from(["fa", "en"]))
@example(1, 10**10, "fa")
def test_an_amount_reads_the_same_as_a_number_a_float_and_typed_text(
    n: int, multiplier: int, lang: str
) -> None:
    expected = n * multiplier if n * multiplier < 2**63 else None
    assert _parse_amount(n, multiplier) == expected
    assert _parse_amount(float(n), multiplier) == expected
    typed = Presenter(lang).number(n)  # «۱۲٬۵۰۰» in Persian, «12,500» in English
    assert _parse_amount(typed, multiplier) == expected


@given(
    st.one_of(
        odd_text,
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.dates(),
    ),
    st.sampled_from(MULTIPLIERS),
)
@example(float("nan"), 1)
@example(float("inf"), 10)
@example(-5, 1)
@example(True, 1)
@example(0.5, 1)
def test_an_amount_is_positive_whole_rials_or_none(value: object, multiplier: int) -> None:
    amount = _parse_amount(value, multiplier)
    assert amount is None or (isinstance(amount, int) and 0 < amount < 2**63)


# --- dates -------------------------------------------------------------------------------


@given(jalali_dates, st.booleans(), st.sampled_from(["/", "-", "."]))
def test_a_jalali_date_cell_reads_back(day: jdatetime.date, persian: bool, sep: str) -> None:
    text = f"{day.year}{sep}{day.month:02d}{sep}{day.day:02d}"
    assert _parse_date(to_persian_digits(text) if persian else text) == day


@given(st.dates(dt.date(1922, 1, 1), dt.date(2100, 1, 1)), st.booleans())
def test_a_real_date_cell_is_gregorian(day: dt.date, with_time: bool) -> None:
    value = dt.datetime.combine(day, dt.time(10, 30)) if with_time else day
    assert _parse_date(value) == jdatetime.date.fromgregorian(date=day)


@given(st.one_of(odd_text, st.integers(), st.floats(), st.none(), st.dates(), st.datetimes()))
@example(dt.date(1, 1, 1))
def test_a_date_cell_never_raises(value: object) -> None:
    parsed = _parse_date(value)
    assert parsed is None or isinstance(parsed, jdatetime.date)


# --- whole files ---------------------------------------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(["loans.csv", "loans.xlsx", "loans.txt"]))
@example(b'a,b\n"' + b"x" * 200_000 + b'"\n', "loans.csv")
@example(bytes(range(256)) * 4, "loans.csv")
def test_any_bytes_read_as_a_table_or_are_refused(data: bytes, name: str) -> None:
    try:
        table = read_table(data, name)
    except ImportFormatError:
        return
    assert all(isinstance(number, int) and isinstance(cells, list) for number, cells in table)


GOOD_XLSX = make_xlsx(rows_with())
PARTS = zipfile.ZipFile(io.BytesIO(GOOD_XLSX)).namelist()


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(PARTS), st.binary(max_size=200))
def test_a_workbook_with_any_part_damaged_is_read_or_refused(part: str, garbage: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(GOOD_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in PARTS:
            target.writestr(name, garbage if name == part else source.read(name))
    try:
        table = read_table(out.getvalue(), "loans.xlsx")
    except ImportFormatError:
        return  # refused as unreadable: the one acceptable failure
    assert table is not None


cells = st.one_of(odd_text, st.integers(-(10**20), 10**20), st.floats(), st.none(), st.dates())


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, max_size=len(HEADER) + 2), max_size=6))
def test_any_rows_under_a_good_header_are_parsed_or_listed_as_errors(
    rows: list[list[object]],
) -> None:
    table: list[tuple[int, list[object]]] = [
        (1, list(HEADER)),
        *((i, row) for i, row in enumerate(rows, start=2)),
    ]
    try:
        parsed = parse_loans(table, REFERENCE)
    except ImportFormatError as error:
        reason = error.reason
        assert reason == "empty"  # nothing but blank rows under the header
        return
    assert isinstance(parsed, ParsedFile)
    for row in parsed.rows:
        assert 0 < int(row["amount_rials"]) < 2**63
    assert parsed.ok == (not parsed.errors)


# --- the progress flow's percentage ----------------------------------------------------------


@given(
    st.integers(0, 100),
    st.booleans(),
    st.sampled_from(["", "%", "٪", " %", " ٪"]),
    st.sampled_from(["", " ", "\u200f"]),
)
def test_a_percentage_reads_as_typed(n: int, persian: bool, sign: str, pad: str) -> None:
    text = pad + (to_persian_digits(str(n)) if persian else str(n)) + sign + pad
    assert parse_percent(text) == n


@given(st.one_of(odd_text, st.integers().map(str)))
@example("101")
@example("-1")
@example("50.5")
@example("%")
@example("۱۲٬۳")
def test_a_percentage_is_0_to_100_or_none(text: str) -> None:
    value = parse_percent(text)
    assert value is None or 0 <= value <= 100
