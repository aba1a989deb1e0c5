"""The minutes' date in words, the board's Jalali periods and one agency's tally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from bot.formatting import Presenter
from bot.minutes import date_in_words, fa_day_in_words
from bot.services.compliance import period_of, tally
from storage.dto_workflow import DecisionAgencyDTO, DecisionDTO
from tests.unit.samples import decision_dto

TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (1, "یکم"),
        (15, "پانزدهم"),
        (20, "بیستم"),
        (21, "بیست و یکم"),
        (30, "سی‌ام"),
        (31, "سی و یکم"),
    ],
)
def test_day_in_words(day: int, words: str) -> None:
    assert fa_day_in_words(day) == words


def test_date_in_words_and_digits() -> None:
    day = jdatetime.date(1405, 9, 15)
    assert date_in_words(Presenter("fa"), day, "یکشنبه") == (
        "یکشنبه پانزدهم آذر ماه ۱۴۰۵ (\u2066۱۴۰۵/۰۹/۱۵\u2069)"
    )
    assert date_in_words(Presenter("en"), day, "Sunday") == "Sunday 6 Dec 2026"


def test_periods_are_jalali() -> None:
    now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 11 Azar 1405
    month = period_of("month", now, TEHRAN)
    assert (month.year, month.index) == (1405, 9)
    assert month.start == datetime(2026, 11, 22, tzinfo=TEHRAN)  # 1 Azar
    assert month.end == datetime(2026, 12, 22, tzinfo=TEHRAN)  # 1 Dey
    season = period_of("season", now, TEHRAN)
    assert season.index == 3  # autumn: Mehr, Aban, Azar
    assert season.start == datetime(2026, 9, 23, tzinfo=TEHRAN)  # 1 Mehr
    year = period_of("year", now, TEHRAN)
    assert year.start == datetime(2026, 3, 21, tzinfo=TEHRAN)  # 1 Farvardin 1405
    assert year.end == datetime(2027, 3, 21, tzinfo=TEHRAN)


def _decision(i: int, created: datetime, deadline: datetime) -> DecisionDTO:
    return decision_dto(
        id=i, agenda_item_id=i, deadline_at=deadline, objection_until=created, created_at=created
    )


def _answer(
    i: int, state: str, at: datetime | None, objection: str | None = None
) -> DecisionAgencyDTO:
    return DecisionAgencyDTO(i, 7, state, objection, None, None, at)


def test_tally_on_time_late_overdue_objected_upheld() -> None:
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    deadline = t0 + timedelta(days=10)
    rows = [
        (_decision(1, t0, deadline), _answer(1, "implemented", t0 + timedelta(days=4))),
        (_decision(2, t0, deadline), _answer(2, "implemented", t0 + timedelta(days=12), "no")),
        (_decision(3, t0, deadline), _answer(3, "pending", None)),
        (_decision(4, t0, deadline), _answer(4, "objected", None, "not ours")),
    ]
    line = tally(7, rows, {(4, 7)}, t0 + timedelta(days=20))
    assert (line.assigned, line.on_time, line.late) == (4, 1, 1)
    assert line.overdue == 1  # decision 4's objection was upheld
    assert (line.objected, line.upheld) == (2, 1)
    assert line.median_days == 8.0
    assert line.share == 0.5
    # As it stood on day 5: only the first implementation had been reported.
    early = tally(7, rows, set(), t0 + timedelta(days=5))
    assert (early.on_time, early.late, early.overdue) == (1, 0, 0)
