"""Working days of the Iranian week: deadlines are counted in working days, not calendar days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Python's weekday(): Monday=0 ... Friday=4. Friday is the Iranian weekend.
FRIDAY = 4


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo
    weekend: frozenset[int] = frozenset({FRIDAY})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the `days`-th working day after `start` (local), returned in UTC.

        A report filed on a Thursday evening with a 1-day deadline is due at the end of
        Saturday, not Friday.
        """
        if start.tzinfo is None:
            raise ValueError("start must be aware")
        local = start.astimezone(self.tz)
        day = local.date()
        remaining = max(days, 0)
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        end_of_day = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=self.tz)
        return end_of_day.astimezone(ZoneInfo("UTC"))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working days after `start`'s day up to and including `end`'s day."""
        first = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        count = 0
        day = first
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def parse_weekend(value: Iterable[int | str]) -> frozenset[int]:
    names = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
    result: set[int] = set()
    for item in value:
        if isinstance(item, int):
            result.add(item)
        else:
            result.add(names[item.strip().lower()[:3]])
    return frozenset(result)
