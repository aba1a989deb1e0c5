"""When a digest is due: days and times in the province's zone, from an injected "now"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.calendar import WorkCalendar

# Times a subscriber may choose on the settings screen (Tehran); DIGEST_TIME is added.
TIME_CHOICES: tuple[str, ...] = ("06:00", "07:00", "08:00", "09:00", "10:00", "12:00", "14:00")
# How far back to look for the previous digest day (a long Nowruz holiday is under two weeks).
_LOOKBACK_DAYS = 21


def parse_hhmm(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes))


def time_slots(default_time: str) -> tuple[str, ...]:
    """Every time a digest may go out: the choices plus the configured default, sorted."""
    return tuple(sorted({*TIME_CHOICES, default_time}))


def local_day(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def local_hhmm(now: datetime, tz: ZoneInfo) -> str:
    local = now.astimezone(tz)
    return f"{local.hour:02d}:{local.minute:02d}"


def start_of(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight of `day`, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def is_digest_day(day: date, calendar: WorkCalendar, working_days_only: bool) -> bool:
    return calendar.is_working_day(day) or not working_days_only


def previous_digest_day(day: date, calendar: WorkCalendar, working_days_only: bool) -> date:
    """The digest day before `day`: Saturday's digest covers Thursday and Friday, so what
    happened over the weekend is not lost between two digests."""
    candidate = day - timedelta(days=1)
    for _ in range(_LOOKBACK_DAYS):
        if is_digest_day(candidate, calendar, working_days_only):
            return candidate
        candidate -= timedelta(days=1)
    return day - timedelta(days=1)


def next_run(
    now: datetime, hhmm: str, calendar: WorkCalendar, *, working_days_only: bool
) -> datetime:
    """The first moment at or after `now` when a digest at `hhmm` (local) goes out, in UTC."""
    tz = calendar.tz
    at = parse_hhmm(hhmm)
    day = local_day(now, tz)
    for _ in range(_LOOKBACK_DAYS + 1):
        moment = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
        if moment >= now and is_digest_day(day, calendar, working_days_only):
            return moment
        day += timedelta(days=1)
    raise ValueError("no digest day in the next three weeks")
