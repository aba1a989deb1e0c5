"""Time as a dependency, so deadlines and schedules are tested with a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    # Whether now() is the real time. Jobs that fire on the wall clock (the daily digest)
    # act only for such a clock; another one is moved, and its schedule run, by its owner.
    @property
    def follows_wall_time(self) -> bool: ...

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    follows_wall_time = True

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, the demo's time travel)."""

    follows_wall_time = False

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)
