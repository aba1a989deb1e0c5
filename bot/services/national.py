"""The ministry's view: one database serving several provinces' bots, rolled up.

Each province's bot works on its own province only (its Directory); this service is the
one place that reads across them, for principals with Permission.VIEW_NATIONAL.

`across_provinces` is the hook for the province figures built elsewhere (/status and
/loans): give it the function that computes one province's figures and it returns them
for every province, in a stable order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.clock import Clock
from storage.db import Database
from storage.dto import ProvinceDTO
from storage.repositories.national import NationalRepository

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProvinceReports:
    province: ProvinceDTO
    by_status: Mapping[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True, slots=True)
class NationalRollup:
    provinces: tuple[ProvinceReports, ...]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.provinces)

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.provinces)

    @property
    def by_status(self) -> dict[str, int]:
        merged: dict[str, int] = {}
        for province in self.provinces:
            for status, count in province.by_status.items():
                merged[status] = merged.get(status, 0) + count
        return merged


class NationalService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def provinces(self) -> list[ProvinceDTO]:
        async with self._db.session() as session:
            return await NationalRepository(session).provinces()

    async def report_rollup(self) -> NationalRollup:
        """Obstacle reports per province and status, with those past their deadline."""
        async with self._db.session() as session:
            repo = NationalRepository(session)
            provinces = await repo.provinces()
            counts = await repo.report_counts(self._clock.now())
        by_province: dict[int, dict[str, int]] = {p.id: {} for p in provinces}
        overdue: dict[int, int] = {p.id: 0 for p in provinces}
        for row in counts:
            by_province.setdefault(row.province_id, {})[row.status] = row.reports
            overdue[row.province_id] = overdue.get(row.province_id, 0) + row.overdue
        return NationalRollup(
            tuple(ProvinceReports(p, by_province[p.id], overdue[p.id]) for p in provinces)
        )

    async def across_provinces(
        self, figures: Callable[[ProvinceDTO], Awaitable[T]]
    ) -> list[tuple[ProvinceDTO, T]]:
        """One province's figures (e.g. /status, /loans) for every province, in id order."""
        return [(province, await figures(province)) for province in await self.provinces()]
