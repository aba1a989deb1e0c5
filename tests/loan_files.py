"""Facility spreadsheets as banks send them, made in tests (Persian headers, mixed digits)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

HEADER = (
    "ردیف", "نام واحد/طرح", "بانک عامل", "بخش", "شهرستان",
    "مبلغ تسهیلات (ریال)", "نوع تسهیلات", "مرحله", "تاریخ پرداخت",
)  # fmt: skip

# Persian, Arabic-Indic and Latin digits; separators; Arabic ي/ك; a «جمع» row at the end.
GOOD_ROWS: Sequence[Sequence[object]] = (
    ("۱", "فرش كاشان قم", "بانک ملی", "فرش", "قم", "۲٬۵۰۰٬۰۰۰٬۰۰۰٬۰۰۰", "سرمایه در گردش", "پرداخت شده", "۱۳۹۸/۰۵/۱۲"),  # noqa: E501  (a spreadsheet row reads best on one line)
    ("٢", "کفش آریا", "ملت", "کفش", "قم", "1,500,000,000,000", "سرمايه ثابت", "پرداخت‌شده", "1398/06/03"),  # noqa: E501  (a spreadsheet row reads best on one line)
    ("3", "سوهان ممتاز", "بانک صادرات ایران", "سوهان", "کهک", "۵۰۰ میلیارد", "سرمایه در گردش", "پرداخت‌شده", "۱۳۹۸/۰۶/۲۰"),  # noqa: E501  (a spreadsheet row reads best on one line)
    ("4", "مبلمان نوین", "بانک ملی ایران", "مبلمان", "قم", "800000000000", "سرمایه ثابت", "تأیید بانک", "1398/07/01"),  # noqa: E501  (a spreadsheet row reads best on one line)
)  # fmt: skip
GOOD_PAID_RIALS = 2_500_000_000_000 + 1_500_000_000_000 + 500_000_000_000
GOOD_ALL_RIALS = GOOD_PAID_RIALS + 800_000_000_000
TOTAL_ROW = ("", "جمع", "", "", "", "5,300,000,000,000", "", "", "")
TITLE_ROW = ("گزارش تسهیلات رونق تولید استان قم — سال ۱۳۹۸",)


def rows_with(*extra: Sequence[object]) -> list[Sequence[object]]:
    return [TITLE_ROW, (), HEADER, *GOOD_ROWS, *extra, TOTAL_ROW]


def make_csv(rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def make_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
