"""Which year `/loans <year>` reads: the Jalali year, a Gregorian one, or two digits as
people say it ("سال ۹۸")."""

from __future__ import annotations

import pytest

from handlers.loans import loans_year

THIS_YEAR = 1405


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("1398", 1398),
        ("۱۳۹۸", 1398),
        ("2019", 1398),
        ("۹۸", 1398),
        ("98", 1398),
        ("۰۵", 1405),
        ("05", 1405),
        # Figures are of years gone by: two digits past this year are of the last century.
        ("۴۹", 1349),
        ("06", 1306),
        ("abc", None),
        ("5", None),
        ("99999", None),
    ],
)
def test_the_year_read_from_what_was_typed(typed: str, year: int | None) -> None:
    assert loans_year(typed, THIS_YEAR) == year
