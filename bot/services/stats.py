"""/stats: obstacle reports by status, category, agency, county and sector; response times;
overdue counts; the weekly trend. Computed in SQL, cached for a short while."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.services.directory import Directory
from storage.db import Database
from storage.dto_figures import AgencyTiming
from storage.models import CLOSED_REPORT_STATUSES, ReportStatus
from storage.repositories.stats import StatsRepository

log = logging.getLogger(__name__)

# A report in one of these is finished: it cannot be overdue.
CLOSED: Final = tuple(sorted(CLOSED_REPORT_STATUSES))
OPEN: Final = tuple(s.value for s in ReportStatus if s.value not in CLOSED)
RESOLVED: Final = (ReportStatus.RESOLVED.value,)
WEEKS: Final = 8
SATURDAY: Final = 5  # date.weekday(): the Jalali week starts on Saturday
# Officials read figures, not a live feed: a minute-old snapshot is accurate enough and
# keeps /stats cheap on a million reports (computing it there takes seconds). Up to
# MAX_STALE old, the last snapshot is served while a fresh one is computed in the
# background; older than that (a quiet night), the asker waits for fresh figures.
DEFAULT_TTL: Final = timedelta(seconds=60)
MAX_STALE: Final = timedelta(minutes=15)

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


def week_starts(now: datetime, tz: ZoneInfo, weeks: int = WEEKS) -> list[datetime]:
    """Saturday midnights (local) of the last `weeks` weeks and of the next one, in UTC."""
    today = now.astimezone(tz).date()
    this_week = today - timedelta(days=(today.weekday() - SATURDAY) % 7)
    days = [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks + 1)]
    return [datetime.combine(d, time(0), tzinfo=tz).astimezone(now.tzinfo) for d in days]


class StatsService:
    def __init__(
        self,
        database: Database,
        directory: Directory,
        clock: Clock,
        *,
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self._db = database
        self._directory = directory
        self._clock = clock
        self._ttl = ttl
        self._cached: StatsSnapshot | None = None
        self._lock = asyncio.Lock()
        self._refresh: asyncio.Task[None] | None = None

    def invalidate(self) -> None:
        self._cached = None

    @property
    def cached(self) -> StatsSnapshot | None:
        """The snapshot /stats would serve without computing (None: cold)."""
        return self._cached

    def _age(self, snapshot: StatsSnapshot) -> timedelta:
        return self._clock.now() - snapshot.computed_at

    async def snapshot(self) -> StatsSnapshot:
        cached = self._cached
        if cached is not None and self._age(cached) < self._ttl:
            return cached
        if cached is not None and self._age(cached) < MAX_STALE:
            if self._refresh is None or self._refresh.done():
                self._refresh = asyncio.create_task(self._background())
            return cached
        await self._recompute()
        assert self._cached is not None
        return self._cached

    async def _recompute(self) -> None:
        async with self._lock:  # one computation at a time; the others get its result
            cached = self._cached
            if cached is not None and self._age(cached) < self._ttl:
                return
            self._cached = await self._compute()

    async def _background(self) -> None:
        try:
            await self._recompute()
        except Exception:  # the stale figures stay; the next request tries again
            log.exception("refreshing the report statistics failed")

    async def close(self) -> None:
        """Wait for a background refresh, so the database is not closed under it."""
        if self._refresh is not None and not self._refresh.done():
            await self._refresh

    async def _compute(self) -> StatsSnapshot:
        now = self._clock.now()
        province_id = self._directory.province_id
        tz = ZoneInfo(self._directory.province.timezone)
        starts = week_starts(now, tz)
        async with self._db.session() as session:
            repo = StatsRepository(session)
            main = await repo.by_status_category_agency(province_id)
            places = await repo.by_county_sector(province_id)
            overdue = await repo.overdue_by_agency(province_id, now, OPEN)
            weekly = await repo.weekly(province_id, starts)
            timings = await repo.timings(province_id, RESOLVED)
        status: dict[str, int] = defaultdict(int)
        category: dict[int, int] = defaultdict(int)
        agency: dict[int, int] = defaultdict(int)
        for st, cat, ag, n in main:
            status[st] += n
            category[cat] += n
            agency[ag] += n
        county: dict[int, int] = defaultdict(int)
        sector: dict[int, int] = defaultdict(int)
        for cty, sec, n in places:
            county[cty] += n
            sector[sec] += n
        local_starts = [s.astimezone(tz).date() for s in starts[:-1]]
        return StatsSnapshot(
            computed_at=now,
            total=sum(status.values()),
            by_status=_ranked(status),
            by_category=_ranked(category),
            by_agency=_ranked(agency),
            by_county=_ranked(county),
            by_sector=_ranked(sector),
            overdue=_ranked(overdue),
            overdue_total=sum(overdue.values()),
            timings=tuple(timings),
            weekly=tuple(zip(local_starts, weekly, strict=True)),
        )
