"""/stats: obstacle reports by status, category, agency, county and sector; response times;
overdue counts; the weekly trend.

Read on every request from the figures the write paths keep in the same transaction as the
reports and their events (storage/figures.py): a report filed a second ago is counted, and
the read costs a few small queries however many reports there are. No cache, no refresh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from bot.services.base import ProvinceService
from storage.dto_figures import AgencyTiming
from storage.figures import OPEN_STATUSES, RESOLVED_STATUSES
from storage.models import CLOSED_REPORT_STATUSES
from storage.repositories.stats import StatsRepository

log = logging.getLogger(__name__)

# A report in one of these is finished: it cannot be overdue.
CLOSED: Final = tuple(sorted(CLOSED_REPORT_STATUSES))
OPEN: Final = OPEN_STATUSES
RESOLVED: Final = RESOLVED_STATUSES
WEEKS: Final = 8
SATURDAY: Final = 5  # date.weekday(): the Jalali week starts on Saturday

K = TypeVar("K", str, int)


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    computed_at: datetime
    total: int
    by_status: tuple[tuple[str, int], ...]
    by_category: tuple[tuple[int, int], ...]
    by_agency: tuple[tuple[int, int], ...]
    by_county: tuple[tuple[int, int], ...]
    by_sector: tuple[tuple[int, int], ...]
    overdue: tuple[tuple[int, int], ...]  # (agency_id, count)
    overdue_total: int
    timings: tuple[AgencyTiming, ...]
    weekly: tuple[tuple[date, int], ...]  # (the week's Saturday, reports created)


def _ranked(counts: dict[K, int]) -> tuple[tuple[K, int], ...]:
    """Largest first; ties in a stable order."""
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def _ids(counts: dict[str, int]) -> dict[int, int]:
    return {int(k): n for k, n in counts.items()}


def week_starts(now: datetime, tz: ZoneInfo, weeks: int = WEEKS) -> list[datetime]:
    """Saturday midnights (local) of the last `weeks` weeks and of the next one, in UTC."""
    today = now.astimezone(tz).date()
    this_week = today - timedelta(days=(today.weekday() - SATURDAY) % 7)
    days = [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks + 1)]
    return [datetime.combine(d, time(0), tzinfo=tz).astimezone(now.tzinfo) for d in days]


class StatsService(ProvinceService):
    async def snapshot(self) -> StatsSnapshot:
        """The figures as of now (every committed report and event counted)."""
        now = self._clock.now()
        province_id = self._directory.province_id
        tz = ZoneInfo(self._directory.province.timezone)
        starts = week_starts(now, tz)
        async with self._db.session() as session:
            repo = StatsRepository(session)
            counts = await repo.counts(province_id)
            overdue = await repo.overdue_by_agency(province_id, now)
            weekly = await repo.weekly(province_id, starts)
            timings = await repo.timings(province_id)
        status = counts.get("status", {})
        local_starts = [s.astimezone(tz).date() for s in starts[:-1]]
        return StatsSnapshot(
            computed_at=now,
            total=sum(status.values()),
            by_status=_ranked(status),
            by_category=_ranked(_ids(counts.get("category", {}))),
            by_agency=_ranked(_ids(counts.get("agency", {}))),
            by_county=_ranked(_ids(counts.get("county", {}))),
            by_sector=_ranked(_ids(counts.get("sector", {}))),
            overdue=_ranked(overdue),
            overdue_total=sum(overdue.values()),
            timings=tuple(timings),
            weekly=tuple(zip(local_starts, weekly, strict=True)),
        )

    async def close(self) -> None:
        """Nothing runs in the background any more; kept for the container's shutdown."""
