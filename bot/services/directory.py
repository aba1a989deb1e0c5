"""The province's reference data, cached in memory: it changes only when an admin edits it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from storage.db import Database
from storage.dto import AgencyDTO, CategoryDTO, Named, ProvinceDTO, RoutingRuleDTO
from storage.repositories.reference import ReferenceRepository

T = TypeVar("T", bound=Named)


@dataclass(frozen=True)
class Snapshot:
    province: ProvinceDTO
    counties: tuple[Named, ...]
    sectors: tuple[Named, ...]
    agencies: tuple[AgencyDTO, ...]
    categories: tuple[CategoryDTO, ...]
    rules: tuple[RoutingRuleDTO, ...]


class Directory:
    """Read-mostly lookups by id and code; `reload()` after an edit swaps the snapshot."""

    def __init__(self, database: Database, province_code: str) -> None:
        self._database = database
        self._province_code = province_code
        self._snapshot: Snapshot | None = None

    async def reload(self) -> None:
        async with self._database.session() as session:
            repo = ReferenceRepository(session)
            province = await repo.province(self._province_code)
            if province is None:
                raise LookupError(f"province {self._province_code!r} is not loaded")
            self._snapshot = Snapshot(
                province=province,
                counties=tuple(await repo.counties(province.id)),
                sectors=tuple(await repo.sectors(province.id)),
                agencies=tuple(await repo.agencies(province.id)),
                categories=tuple(await repo.categories(province.id)),
                rules=tuple(await repo.routing_rules(province.id)),
            )

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            raise RuntimeError("Directory.reload() has not run yet")
        return self._snapshot

    @property
    def province(self) -> ProvinceDTO:
        return self.snapshot.province

    @property
    def province_id(self) -> int:
        return self.snapshot.province.id

    @property
    def counties(self) -> tuple[Named, ...]:
        return self.snapshot.counties

    @property
    def sectors(self) -> tuple[Named, ...]:
        return self.snapshot.sectors

    @property
    def agencies(self) -> tuple[AgencyDTO, ...]:
        return self.snapshot.agencies

    @property
    def categories(self) -> tuple[CategoryDTO, ...]:
        return self.snapshot.categories

    @property
    def rules(self) -> tuple[RoutingRuleDTO, ...]:
        return self.snapshot.rules

    def county(self, county_id: int) -> Named:
        return _by_id(self.counties, county_id)

    def sector(self, sector_id: int) -> Named:
        return _by_id(self.sectors, sector_id)

    def agency(self, agency_id: int) -> AgencyDTO:
        return _by_id(self.agencies, agency_id)

    def category(self, category_id: int) -> CategoryDTO:
        return _by_id(self.categories, category_id)

    def county_by_code(self, code: str) -> Named | None:
        return _by_code(self.counties, code)

    def sector_by_code(self, code: str) -> Named | None:
        return _by_code(self.sectors, code)

    def agency_by_code(self, code: str) -> AgencyDTO | None:
        return _by_code(self.agencies, code)

    def category_by_code(self, code: str) -> CategoryDTO | None:
        return _by_code(self.categories, code)


def _by_id(items: tuple[T, ...], item_id: int) -> T:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def _by_code(items: tuple[T, ...], code: str) -> T | None:
    for item in items:
        if item.code == code:
            return item
    return None
