"""The small parsers behind the API: language choice, dates, numbers and phones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.api.open311 import Open311Error, parse_int, parse_when, phone_digits, pick_language

TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, None, "fa"),
        ("en", None, "en"),
        ("EN-us", "fa", "en"),
        ("xx", "en-GB,en;q=0.8", "en"),
        (None, "de-DE, en;q=0.5, fa;q=0.9", "fa"),
        (None, "de, en;q=oops", "fa"),
        (None, "*", "fa"),
    ],
)
def test_language(query: str | None, header: str | None, expected: str) -> None:
    assert pick_language(query, header, "fa") == expected


def test_dates_without_an_offset_are_tehran_time() -> None:
    assert parse_when("2026-11-28", TEHRAN) == datetime(2026, 11, 27, 20, 30, tzinfo=UTC)
    assert parse_when("2026-11-28T10:30:00Z", TEHRAN) == datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    for bad in ("yesterday", "0001-01-01", "2026-13-01", ""):
        with pytest.raises(Open311Error):
            parse_when(bad, TEHRAN)


def test_numbers_in_any_digits_within_bounds() -> None:
    assert parse_int("۱۲", "page") == 12
    for bad in ("0", "-1", "1e3", "²", "9" * 30, " "):
        with pytest.raises(Open311Error) as raised:
            parse_int(bad, "page")
        assert (raised.value.status, raised.value.reason) == (400, "page")


def test_one_phone_in_its_usual_spellings() -> None:
    spellings = ("+989121234567", "09121234567", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "+98 (912) 123-4567")
    assert {phone_digits(s) for s in spellings} == {"9121234567"}
