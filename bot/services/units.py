"""Registering production units."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.directory import Directory
from storage.db import Database
from storage.dto import UnitDTO
from storage.models import PermitStatus
from storage.new_rows import NewUnit
from storage.repositories.units import UnitRepository
from storage.repositories.users import UserRepository

MAX_UNITS_PER_OWNER = 20
UNIT_NAME_MAX = 120
# Letters or digits a unit's name needs (of any script).
UNIT_NAME_MIN = 2


@dataclass(frozen=True, slots=True)
class UnitDraft:
    name: str
    sector_id: int
    county_id: int
    permit_status: PermitStatus
    phone: str

    def new_unit(self, province_id: int, owner_id: int) -> NewUnit:
        return NewUnit(
            province_id=province_id,
            owner_id=owner_id,
            name=self.name,
            sector_id=self.sector_id,
            county_id=self.county_id,
            permit_status=self.permit_status.value,
            phone=self.phone,
        )


class TooManyUnitsError(Exception):
    pass


class UnitService:
    def __init__(self, database: Database, directory: Directory) -> None:
        self._db = database
        self._directory = directory

    async def register(
        self, owner_id: int, draft: UnitDraft, *, update_id: int | None = None
    ) -> UnitDTO:
        """Register the unit; the same update handled twice registers it once."""
        # Validate against the directory so a forged button cannot store a foreign id.
        self._directory.sector(draft.sector_id)
        self._directory.county(draft.county_id)
        province_id = self._directory.province_id
        async with self._db.transaction() as session:
            units = UnitRepository(session)
            if update_id is not None:
                earlier = await units.by_source_update(owner_id, province_id, update_id)
                if earlier is not None:
                    return earlier
            if await units.count_of_owner(owner_id, province_id) >= MAX_UNITS_PER_OWNER:
                raise TooManyUnitsError
            unit = await units.add(
                draft.new_unit(province_id, owner_id), source_update_id=update_id
            )
            await UserRepository(session).set_phone(owner_id, draft.phone)
            return unit

    async def of_owner(self, owner_id: int) -> list[UnitDTO]:
        async with self._db.session() as session:
            return await UnitRepository(session).of_owner(owner_id, self._directory.province_id)

    async def get(self, unit_id: int) -> UnitDTO | None:
        async with self._db.session() as session:
            return await UnitRepository(session).get(unit_id)
