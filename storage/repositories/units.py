"""Production units."""

from __future__ import annotations

from sqlalchemy import select

from storage.dto import UnitDTO
from storage.models import Unit
from storage.new_rows import NewUnit
from storage.repositories.rows import Repository, to_dto


class UnitRepository(Repository):
    async def add(self, new: NewUnit, *, source_update_id: int | None = None) -> UnitDTO:
        row = await self.inserted(Unit, new, source_update_id=source_update_id)
        return to_dto(UnitDTO, row)

    async def get(self, unit_id: int) -> UnitDTO | None:
        return await self.dto_by_id(UnitDTO, Unit, unit_id)

    async def by_source_update(
        self, owner_id: int, province_id: int, update_id: int
    ) -> UnitDTO | None:
        row = await self.session.scalar(
            select(Unit).where(
                Unit.owner_id == owner_id,
                Unit.province_id == province_id,
                Unit.source_update_id == update_id,
            )
        )
        return to_dto(UnitDTO, row) if row else None

    async def of_owner(self, owner_id: int, province_id: int) -> list[UnitDTO]:
        rows = await self.session.scalars(
            select(Unit)
            .where(Unit.owner_id == owner_id, Unit.province_id == province_id)
            .order_by(Unit.id)
        )
        return [to_dto(UnitDTO, r) for r in rows]

    async def count_of_owner(self, owner_id: int, province_id: int) -> int:
        return await self.count(Unit, Unit.owner_id == owner_id, Unit.province_id == province_id)
