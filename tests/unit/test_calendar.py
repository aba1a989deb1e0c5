"""Working days of the Iranian week: Friday off, holidays as data, deadlines at end of day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.services.calendar import WorkCalendar, parse_weekend

TEHRAN = ZoneInfo("Asia/Tehran")


def tehran(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=TEHRAN)


def test_friday_is_skipped() -> None:
    calendar = WorkCalendar(tz=TEHRAN)
    # Thursday 3 Dec 2026 + 1 working day = Saturday 5 Dec (Friday 4 Dec is off).
    due = calendar.add_working_days(tehran(2026, 12, 3), 1)
    assert due.astimezone(TEHRAN).date() == date(2026, 12, 5)
    assert due.astimezone(TEHRAN).hour == 23
    assert due.tzinfo is not None


def test_holidays_are_data() -> None:
    holiday = date(2026, 12, 5)
    calendar = WorkCalendar(tz=TEHRAN, holidays=frozenset({holiday}))
    due = calendar.add_working_days(tehran(2026, 12, 3), 1)
    assert due.astimezone(TEHRAN).date() == date(2026, 12, 6)


def test_thursday_can_be_a_weekend_too() -> None:
    calendar = WorkCalendar(tz=TEHRAN, weekend=parse_weekend(["thu", "fri"]))
    due = calendar.add_working_days(tehran(2026, 12, 2), 1)  # Wednesday
    assert due.astimezone(TEHRAN).date() == date(2026, 12, 5)


def test_local_day_not_utc_day_counts() -> None:
    calendar = WorkCalendar(tz=TEHRAN)
    # 22:00 UTC on Wednesday is already Thursday 01:30 in Tehran.
    start = datetime(2026, 12, 2, 22, 0, tzinfo=UTC)
    due = calendar.add_working_days(start, 1)
    assert due.astimezone(TEHRAN).date() == date(2026, 12, 5)


def test_working_days_between_counts_whole_days() -> None:
    calendar = WorkCalendar(tz=TEHRAN)
    assert calendar.working_days_between(tehran(2026, 12, 3), tehran(2026, 12, 6)) == 2
    assert calendar.working_days_between(tehran(2026, 12, 3), tehran(2026, 12, 3)) == 0
