"""Reading banks' facility files: headers, digits, amounts, dates, bad rows by number."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.loan_import import (
    ImportFormatError,
    Named,
    Reference,
    parse_loans,
    parse_stage,
    read_table,
)
from storage.models_loans import LoanStage
from tests.loan_files import (
    GOOD_ALL_RIALS,
    GOOD_ROWS,
    HEADER,
    make_csv,
    make_xlsx,
    rows_with,
)

REFERENCE = Reference(
    banks=(
        Named(21, ("melli", "بانک ملی ایران", "Bank Melli Iran")),
        Named(22, ("mellat", "بانک ملت", "Bank Mellat")),
        Named(23, ("saderat", "بانک صادرات ایران", "Bank Saderat Iran")),
    ),
    sectors=(
        Named(1, ("carpet", "فرش", "Carpet")),
        Named(2, ("shoes", "کفش", "Shoes")),
        Named(3, ("furniture", "مبلمان", "Furniture")),
        Named(4, ("sohan", "سوهان", "Sohan")),
    ),
    counties=(Named(1, ("qom", "قم", "Qom")), Named(2, ("kahak", "کهک", "Kahak"))),
)


def parse(data: bytes, name: str):  # type: ignore[no-untyped-def]
    return parse_loans(read_table(data, name), REFERENCE)


@pytest.mark.parametrize("maker", [make_csv, make_xlsx])
def test_a_good_file_reads_completely(maker) -> None:  # type: ignore[no-untyped-def]
    name = "loans.csv" if maker is make_csv else "loans.xlsx"
    parsed = parse(maker(rows_with()), name)
    assert parsed.errors == []
    assert parsed.skipped_total_rows == 1
    assert len(parsed.rows) == len(GOOD_ROWS)
    assert parsed.total_rials == GOOD_ALL_RIALS
    first, second, third, fourth = parsed.rows
    # The title row and the blank line push the data down: row numbers are the sheet's.
    assert [r["row_number"] for r in parsed.rows] == [4, 5, 6, 7]
    assert first["unit_name"] == "فرش کاشان قم"  # Arabic ك normalised
    assert (first["bank_id"], first["sector_id"], first["county_id"]) == (21, 1, 1)
    assert first["amount_rials"] == 2_500_000_000_000
    assert (first["loan_type"], first["stage"]) == ("working", "paid")
    assert first["paid_on"] == dt.date(2019, 8, 3)  # 12 Mordad 1398
    assert (first["year"], first["month"]) == (1398, 139805)
    assert second["bank_id"] == 22
    assert second["loan_type"] == "fixed"
    assert third["amount_rials"] == 500 * 10**9  # «۵۰۰ میلیارد»
    assert third["bank_id"] == 23
    assert third["county_id"] == 2
    # Approved by the bank, not paid: the month follows the stage's own date (none given),
    # while the year still comes from the only date on the row.
    assert fourth["stage"] == "approved_bank"
    assert (fourth["year"], fourth["month"]) == (1398, None)


def test_bad_rows_are_all_reported_by_row_number_and_nothing_is_kept() -> None:
    broken = (
        ("5", "واحد بی‌بانک", "بانک خیالی", "فرش", "قم", "۱۰۰ میلیون", "سرمایه در گردش", "پرداخت‌شده", "1398/02/02"),  # noqa: E501  (a spreadsheet row reads best on one line)
        ("6", "واحد دوم", "ملی", "فرش", "قم", "دوازده", "وام", "پرداخت‌شده", "1398/13/40"),
    )  # fmt: skip
    parsed = parse(make_csv(rows_with(*broken)), "bank.csv")
    assert not parsed.ok
    found = {(e.row, e.reason) for e in parsed.errors}
    assert found == {
        (8, "unknown_bank"),
        (9, "bad_amount"),
        (9, "bad_type"),
        (9, "bad_date"),
    }
    assert next(e for e in parsed.errors if e.reason == "unknown_bank").value == "بانک خیالی"


def test_header_units_scale_amounts_and_cp1256_csv_reads() -> None:
    # Windows-1256 has no Persian ی/ک or Persian digits: Excel writes Arabic ي/ك and Latin.
    header = ("نام طرح", "بانك", "مبلغ (ميليون ريال)", "نوع", "وضعيت", "سال")
    rows = [header, ("طرح الف", "ملت", "12,500", "در گردش", "پرداخت", "98")]
    parsed = parse(make_csv(rows, encoding="cp1256"), "bank.csv")
    assert parsed.errors == []
    (row,) = parsed.rows
    assert row["amount_rials"] == 12_500 * 10**6
    assert row["year"] == 1398
    assert row["month"] is None  # no date: the monthly breakdown shows it as "not given"


def test_missing_required_column_and_unknown_format() -> None:
    with pytest.raises(ImportFormatError) as missing:
        parse(make_csv([("نام واحد", "بانک", "شهرستان"), ("الف", "ملی", "قم")]), "x.csv")
    assert missing.value.reason == "missing_columns"
    assert "amount" in missing.value.detail
    with pytest.raises(ImportFormatError) as unsupported:
        read_table(b"%PDF-1.4", "loans.pdf")
    assert unsupported.value.reason == "unsupported_format"
    with pytest.raises(ImportFormatError) as broken:
        read_table(b"PK\x03\x04 not really a zip", "loans.xlsx")
    assert broken.value.reason == "unreadable"
    with pytest.raises(ImportFormatError) as no_header:
        parse(make_csv([("a", "b"), ("1", "2")]), "x.csv")
    assert no_header.value.reason == "no_header"


def test_excel_date_cells_and_numeric_amounts() -> None:
    rows = [
        HEADER,
        ("1", "الف", "ملی", "", "", 1.5e12, "سرمایه ثابت", "پرداخت‌شده", dt.datetime(2019, 10, 8)),
    ]
    parsed = parse(make_xlsx(rows), "x.xlsx")
    assert parsed.errors == []
    (row,) = parsed.rows
    assert row["amount_rials"] == 1_500_000_000_000
    assert row["paid_on"] == dt.date(2019, 10, 8)
    assert (row["year"], row["month"]) == (1398, 139807)  # 16 Mehr 1398
    assert row["sector_id"] is None
    assert row["county_id"] is None


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("پرداخت شده", LoanStage.PAID),
        ("تایید کارگروه", LoanStage.APPROVED_WG),
        ("مصوب کارگروه", LoanStage.APPROVED_WG),
        ("تأیید بانک", LoanStage.APPROVED_BANK),
        ("ثبت درخواست", LoanStage.APPLIED),
        ("Paid", LoanStage.PAID),
        ("نامعلوم", None),
    ],
)
def test_stage_words(text: str, stage: LoanStage | None) -> None:
    assert parse_stage(text) == stage
