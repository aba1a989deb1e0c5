"""Reading production-boom facility spreadsheets as officials receive them from banks.

Banks send CSV or XLSX with Persian headers (worded a little differently by each bank),
digits in any script, amounts with separators or in «میلیون ریال» columns, Jalali dates
as text, a title row above the header and a «جمع» row at the bottom. This module turns
such a file into rows ready for the database, or into a list of problems by row number.
It is pure: bytes and reference data in, rows or errors out; nothing is stored here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import jdatetime

from bot.services.base import RefusedError
from bot.text import normalize_for_match, normalize_text, parse_amount_rials, parse_int
from bot.text import parse_jalali_date as _parse_jalali
from storage.models_loans import LoanStage, LoanType

MAX_ROWS: Final = 200_000
MAX_UNIT_NAME: Final = 256
HEADER_SEARCH_ROWS: Final = 10  # a title or a blank line may sit above the header

# Column -> header spellings (compared after normalize_for_match and without brackets).
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "unit_name": (
        "نام واحد", "واحد", "نام طرح", "طرح", "واحد طرح", "نام واحد طرح", "نام واحد یا طرح",
        "متقاضی", "نام متقاضی", "نام شرکت", "شرکت", "unit", "project", "unit name",
    ),
    "bank": ("بانک", "بانک عامل", "نام بانک", "bank", "lending bank"),
    "sector": ("بخش", "رسته", "حوزه", "زمینه فعالیت", "گروه صنعتی", "sector"),
    "county": ("شهرستان", "county"),
    "amount": (
        "مبلغ", "مبلغ تسهیلات", "مبلغ ریال", "مبلغ تسهیلات ریال", "مبلغ مصوب", "مبلغ پرداختی",
        "amount", "amount rials",
    ),
    "loan_type": ("نوع تسهیلات", "نوع", "نوع سرمایه", "type", "loan type"),
    "stage": ("مرحله", "وضعیت", "stage", "status"),
    "year": ("سال", "year"),
    "date": ("تاریخ", "date"),
    "applied_on": ("تاریخ درخواست", "تاریخ ثبت درخواست", "تاریخ ثبت", "applied on"),
    "approved_wg_on": (
        "تاریخ تایید کارگروه", "تاریخ مصوبه کارگروه", "approved by working group on",
    ),
    "approved_bank_on": ("تاریخ تایید بانک", "تاریخ مصوبه بانک", "approved by bank on"),
    "paid_on": ("تاریخ پرداخت", "paid on"),
}  # fmt: skip
REQUIRED: Final = ("unit_name", "bank", "amount", "loan_type", "stage")
DATE_COLUMNS: Final = ("applied_on", "approved_wg_on", "approved_bank_on", "paid_on")
STAGE_DATE: Final = {
    LoanStage.APPLIED: "applied_on",
    LoanStage.APPROVED_WG: "approved_wg_on",
    LoanStage.APPROVED_BANK: "approved_bank_on",
    LoanStage.PAID: "paid_on",
}
# A header that names its unit: «مبلغ (میلیون ریال)», «مبلغ - میلیارد ریال», «(تومان)».
_HEADER_UNITS: Final = (
    ("میلیارد تومان", 10**10), ("میلیون تومان", 10**7), ("هزار تومان", 10**4), ("تومان", 10),
    ("میلیارد ریال", 10**9), ("میلیون ریال", 10**6), ("هزار ریال", 10**3),
    ("billion rials", 10**9), ("million rials", 10**6), ("tomans", 10), ("toman", 10),
)  # fmt: skip
_TOTAL_LABELS: Final = frozenset({"جمع", "جمع کل", "مجموع", "total", "grand total", "sum"})
_BRACKETS_RE: Final = re.compile(r"[(\[{].*?[)\]}]")
_PUNCT_RE: Final = re.compile(r"[\-_/\\:.،,*#]+")
_BANK_NOISE: Final = ("بانک", "ایران", "bank", "of iran", "iran")
_YEAR_RANGE: Final = range(1300, 1500)


class ImportFormatError(RefusedError):
    """The file as a whole cannot be read; `reason` is a catalog key suffix."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # as the spreadsheet shows it (1 = the first line of the file)
    reason: str  # catalog key suffix
    value: str = ""


@dataclass(frozen=True, slots=True)
class Named:
    id: int
    names: tuple[str, ...]  # code, Persian and English names


@dataclass(frozen=True, slots=True)
class Reference:
    """What cell texts are matched against: the province's banks, sectors and counties."""

    banks: tuple[Named, ...]
    sectors: tuple[Named, ...]
    counties: tuple[Named, ...]


@dataclass
class ParsedFile:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped_total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_rials(self) -> int:
        return sum(int(r["amount_rials"]) for r in self.rows)


# ------------------------------------------------------------------------------ reading


def read_table(data: bytes, file_name: str) -> list[tuple[int, list[Any]]]:
    """The file's rows as (row number, cells); XLSX by content, CSV otherwise."""
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if file_name.lower().endswith((".csv", ".txt", ".tsv")):
        return _read_csv(data)
    raise ImportFormatError("unsupported_format", file_name)


def _read_xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    # A damaged workbook fails on opening (not a zip, parts missing) or, read-only, only
    # once its sheet is read (malformed XML: ParseError, a SyntaxError): both are the file's
    # fault, told to the sender, never an error of the bot.
    unreadable = (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as exc:
        raise ImportFormatError("unreadable", type(exc).__name__) from exc
    try:
        sheet = workbook.worksheets[0]
        table: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFormatError("too_many_rows")
            table.append((number, list(values)))
        return table
    except unreadable as exc:
        raise ImportFormatError("unreadable", type(exc).__name__) from exc
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list[Any]]]:
    # Excel on Persian Windows saves "CSV" in Windows-1256; everything else is UTF-8.
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1256 decodes nearly anything
        raise ImportFormatError("unreadable", "encoding")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    table = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFormatError("too_many_rows")
            table.append((number, list(cells)))
    except csv.Error as exc:
        # Not a table after all (binary data, a field beyond csv's size limit).
        raise ImportFormatError("unreadable", "csv") from exc
    return table


# ------------------------------------------------------------------------------ headers


def _header_key(text: str) -> str:
    text = normalize_for_match(_BRACKETS_RE.sub(" ", text))
    text = text.replace("تأیید", "تایید")  # hamza or not, as typed
    return " ".join(_PUNCT_RE.sub(" ", text).split())


_ALIASES: Final = {
    _header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases
}


def _header_multiplier(text: str) -> int:
    key = normalize_for_match(text)
    for words, multiplier in _HEADER_UNITS:
        if words in key:
            return multiplier
    return 1


@dataclass(frozen=True)
class _Header:
    row: int
    columns: dict[str, int]  # column -> cell index
    amount_multiplier: int


def _find_header(table: Sequence[tuple[int, list[Any]]]) -> tuple[_Header, int]:
    for position, (number, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        multiplier = 1
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            column = _ALIASES.get(_header_key(str(cell)))
            if column is not None and column not in columns:
                columns[column] = index
                if column == "amount":
                    multiplier = _header_multiplier(str(cell))
        if len(columns) >= 3:
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise ImportFormatError("missing_columns", ", ".join(missing))
            return _Header(number, columns, multiplier), position
    raise ImportFormatError("no_header")


# ------------------------------------------------------------------------------- values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_text(str(value))


def _match_key(text: str) -> str:
    return " ".join(_PUNCT_RE.sub(" ", normalize_for_match(text)).split())


def _bank_key(text: str) -> str:
    key = _match_key(text)
    for word in _BANK_NOISE:
        key = re.sub(rf"(?<!\S){re.escape(word)}(?!\S)", " ", key)
    return " ".join(key.split())


class _Matcher:
    """Matches a cell to reference data: exactly, else by a unique containment."""

    def __init__(self, items: Iterable[Named], key: Any) -> None:
        self._key = key
        self._exact: dict[str, int | None] = {}
        for item in items:
            for name in item.names:
                k = key(name)
                if not k:
                    continue
                # Two items with one name make that name ambiguous, not the first one's.
                self._exact[k] = item.id if self._exact.get(k, item.id) == item.id else None

    def __call__(self, text: str) -> int | None:
        k = self._key(text)
        if not k:
            return None
        if k in self._exact:
            return self._exact[k]
        candidates = {
            item_id
            for name, item_id in self._exact.items()
            if item_id is not None and (k in name or name in k) and min(len(k), len(name)) >= 3
        }
        return candidates.pop() if len(candidates) == 1 else None


def parse_loan_type(text: str) -> LoanType | None:
    key = _match_key(text)
    if "گردش" in key or "working" in key:
        return LoanType.WORKING_CAPITAL
    if "ثابت" in key or "fixed" in key or "توسعه" in key:
        return LoanType.FIXED_INVESTMENT
    return None


def parse_stage(text: str) -> LoanStage | None:
    key = _match_key(text).replace("تأیید", "تایید")
    if "پرداخت" in key or key == "paid":
        return LoanStage.PAID
    if "کارگروه" in key or "working group" in key:
        return LoanStage.APPROVED_WG
    if "بانک" in key or "bank" in key:
        return LoanStage.APPROVED_BANK
    if "درخواست" in key or "ثبت" in key or "applied" in key or "application" in key:
        return LoanStage.APPLIED
    return None


def _parse_date(value: Any) -> jdatetime.date | None:
    """A Jalali date cell; a real date cell (Excel's own) is taken as Gregorian."""
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        try:
            return jdatetime.date.fromgregorian(date=day)
        except ValueError:
            return None  # before the Jalali calendar's year 1 (622): a damaged cell
    parsed: jdatetime.date | None = _parse_jalali(_text(value))
    return parsed


def _parse_amount(value: Any, multiplier: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        amount = value * multiplier
    elif isinstance(value, float):
        # As shown (repr: 2.5, not 2.4999…), scaled exactly: a float product would round
        # a large whole amount to the nearest representable one.
        if not math.isfinite(value):
            return None
        scaled = Decimal(repr(value)) * multiplier
        if scaled != scaled.to_integral_value():
            return None
        amount = int(scaled)
    else:
        parsed = parse_amount_rials(_text(value))
        if parsed is None:
            return None
        amount = parsed * multiplier
    return amount if 0 < amount < 2**63 else None


# -------------------------------------------------------------------------------- rows


def parse_loans(table: Sequence[tuple[int, list[Any]]], reference: Reference) -> ParsedFile:
    """Rows ready for `loan_facilities`, or every problem found, by row number."""
    header, position = _find_header(table)
    parser = _RowParser(header, reference)
    result = ParsedFile()
    for number, cells in table[position + 1 :]:
        if all(_text(c) == "" for c in cells):
            continue
        if parser.is_total(cells):
            result.skipped_total_rows += 1
            continue
        row, errors = parser.parse(number, cells)
        result.errors.extend(errors)
        if row is not None:
            result.rows.append(row)
            if len(result.rows) > MAX_ROWS:
                raise ImportFormatError("too_many_rows")
    if not result.rows and not result.errors:
        raise ImportFormatError("empty")
    return result


class _RowParser:
    def __init__(self, header: _Header, reference: Reference) -> None:
        self._columns = header.columns
        self._multiplier = header.amount_multiplier
        self._banks = _Matcher(reference.banks, _bank_key)
        self._sectors = _Matcher(reference.sectors, _match_key)
        self._counties = _Matcher(reference.counties, _match_key)

    def _cell(self, cells: list[Any], column: str) -> Any:
        index = self._columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    def is_total(self, cells: list[Any]) -> bool:
        """The «جمع» row banks put at the bottom: not a facility."""
        unit = _text(self._cell(cells, "unit_name"))
        first = _text(cells[0]) if cells else ""
        return _match_key(unit or first) in _TOTAL_LABELS

    def parse(self, number: int, cells: list[Any]) -> tuple[dict[str, Any] | None, list[RowError]]:
        errors: list[RowError] = []

        def cell(column: str) -> Any:
            return self._cell(cells, column)

        def bad(reason: str, value: Any = "") -> None:
            errors.append(RowError(number, reason, _text(value)[:60]))

        unit = _text(cell("unit_name"))
        if not unit:
            bad("no_unit")
        elif len(unit) > MAX_UNIT_NAME:
            bad("unit_too_long", unit)
        bank_id = self._banks(_text(cell("bank")))
        if bank_id is None:
            bad("unknown_bank", cell("bank"))
        amount = _parse_amount(cell("amount"), self._multiplier)
        if amount is None:
            bad("bad_amount", cell("amount"))
        loan_type = parse_loan_type(_text(cell("loan_type")))
        if loan_type is None:
            bad("bad_type", cell("loan_type"))
        stage = parse_stage(_text(cell("stage")))
        if stage is None:
            bad("bad_stage", cell("stage"))
        sector_id = _optional_id(cell("sector"), self._sectors, "unknown_sector", bad)
        county_id = _optional_id(cell("county"), self._counties, "unknown_county", bad)
        dates = _row_dates(cell, stage, bad)
        stage_date = dates[STAGE_DATE[stage]] if stage is not None else None
        year = _row_year(cell, dates, stage_date, bad, clean=not errors)
        if (
            errors
            or amount is None
            or bank_id is None
            or loan_type is None
            or stage is None
            or year is None
        ):
            return None, errors
        row: dict[str, Any] = {
            "row_number": number,
            "unit_name": unit,
            "bank_id": bank_id,
            "sector_id": sector_id,
            "county_id": county_id,
            "amount_rials": amount,
            "loan_type": loan_type.value,
            "stage": stage.value,
            "year": year,
            "month": stage_date.year * 100 + stage_date.month if stage_date else None,
        }
        for column, day in dates.items():
            row[column] = day.togregorian() if day is not None else None
        return row, errors


def _optional_id(
    value: Any, lookup: Callable[[str], int | None], reason: str, bad: Callable[[str, Any], None]
) -> int | None:
    """The id an optional column names; an unknown name is reported through `bad`."""
    if not _text(value):
        return None
    found = lookup(_text(value))
    if found is None:
        bad(reason, value)
    return found


def _row_dates(
    cell: Callable[[str], Any], stage: LoanStage | None, bad: Callable[[str, Any], None]
) -> dict[str, jdatetime.date | None]:
    """The row's dates by column; a single "date" column is the date of the stage the row
    is at. A date that cannot be read is reported through `bad`."""
    dates: dict[str, jdatetime.date | None] = {}
    for column in DATE_COLUMNS:
        raw = cell(column)
        dates[column] = _parse_date(raw) if _text(raw) else None
        if _text(raw) and dates[column] is None:
            bad("bad_date", raw)
    if _text(cell("date")):
        generic = _parse_date(cell("date"))
        if generic is None:
            bad("bad_date", cell("date"))
        elif stage is not None and dates[STAGE_DATE[stage]] is None:
            dates[STAGE_DATE[stage]] = generic
    return dates


def _row_year(
    cell: Callable[[str], Any],
    dates: dict[str, jdatetime.date | None],
    stage_date: jdatetime.date | None,
    bad: Callable[[str, Any], None],
    *,
    clean: bool,
) -> int | None:
    """The year column, else the year of the stage's date (or of any date). A row with
    neither is told so only when it is otherwise `clean`: one error is enough to fix."""
    written = _text(cell("year"))
    if written:
        year = _written_year(written)
        if year is None:
            bad("bad_year", cell("year"))
        return year
    known = stage_date or next((d for d in dates.values() if d is not None), None)
    if known is None and clean:
        bad("no_year", "")
    return known.year if known is not None else None


def _written_year(text: str) -> int | None:
    """A year as written in its column, two digits allowed («۹۸» is 1398, as in «سال ۹۸»);
    None when it is not a year in range."""
    year = parse_int(text)
    if year is not None and year < 100:
        year += 1400 if year < 70 else 1300
    return year if year in _YEAR_RANGE else None
