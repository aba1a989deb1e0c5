"""parse_date: a day typed in either calendar, told apart by its year; every date the
Presenter shows as an example (either language) is read back as that day."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.formatting import Presenter
from bot.text import parse_date, to_persian_digits

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def gregorian(value: jdatetime.date | None) -> dt.date | None:
    return None if value is None else value.togregorian()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-28", dt.date(2026, 11, 28)),
        ("2026/11/28", dt.date(2026, 11, 28)),
        ("28/11/2026", dt.date(2026, 11, 28)),
        ("۲۰۲۶-۱۱-۲۸", dt.date(2026, 11, 28)),
        ("٢٠٢٦-١١-٢٨", dt.date(2026, 11, 28)),
        ("28 Nov 2026", dt.date(2026, 11, 28)),
        ("28 november 2026", dt.date(2026, 11, 28)),
        ("November 28, 2026", dt.date(2026, 11, 28)),
        ("Sept 1, 1999", dt.date(1999, 9, 1)),
        # Jalali, as before
        ("1405/09/07", dt.date(2026, 11, 28)),
        ("۱۴۰۵/۰۹/۰۷", dt.date(2026, 11, 28)),
        ("۷ آذر ۱۴۰۵", dt.date(2026, 11, 28)),
        ("7 Azar 1405", dt.date(2026, 11, 28)),
        ("05/9/7", dt.date(2026, 11, 28)),
        # invalid
        ("2026-02-29", None),
        ("2026-13-01", None),
        ("1600-01-01", None),  # neither calendar's years
        ("2150-01-01", None),
        ("1250/01/01", None),
        ("28 Nov", None),
        ("31 Azar 2026", None),  # a Jalali month with a Gregorian year
        ("", None),
        ("tomorrow", None),
    ],
)
def test_parse_date(raw: str, expected: dt.date | None) -> None:
    assert gregorian(parse_date(raw)) == expected


days = st.dates(min_value=dt.date(1922, 3, 21), max_value=dt.date(2099, 12, 31))


@given(days)
def test_every_example_shown_is_read_back(day: dt.date) -> None:
    shown = [
        Presenter("fa").short_date(day),
        Presenter("fa").date(day),
        Presenter("en").short_date(day),
        Presenter("en").date(day),
    ]
    for text in shown:
        assert gregorian(parse_date(text)) == day, text


@given(days, st.sampled_from(["latin", "persian", "arabic"]))
def test_gregorian_in_any_digit_script(day: dt.date, script: str) -> None:
    text = day.isoformat()
    if script == "persian":
        text = to_persian_digits(text)
    elif script == "arabic":
        text = text.translate(ARABIC_DIGITS)
    assert gregorian(parse_date(text)) == day


@given(st.text(max_size=30))
def test_parse_date_never_raises(s: str) -> None:
    """Any text: a Jalali date or None, never an exception or another type."""
    parsed = parse_date(s)
    assert parsed is None or isinstance(parsed, jdatetime.date)
