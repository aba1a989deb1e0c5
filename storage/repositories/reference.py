"""The province's reference data: counties, sectors, agencies, categories, routing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import AgencyDTO, CategoryDTO, Named, ProvinceDTO, RoutingRuleDTO
from storage.models import Agency, Category, County, Province, RoutingRule, Sector
from storage.repositories.rows import of_province, to_dto


class ReferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def province(self, code: str) -> ProvinceDTO | None:
        row = await self.session.scalar(select(Province).where(Province.code == code))
        if row is None:
            return None
        return to_dto(ProvinceDTO, row)

    async def counties(self, province_id: int) -> list[Named]:
        rows = await of_province(self.session, County, province_id, County.position)
        return [to_dto(Named, r) for r in rows]

    async def sectors(self, province_id: int) -> list[Named]:
        rows = await of_province(self.session, Sector, province_id, Sector.position)
        return [to_dto(Named, r) for r in rows]

    async def agencies(self, province_id: int) -> list[AgencyDTO]:
        rows = await of_province(self.session, Agency, province_id, Agency.position)
        return [to_dto(AgencyDTO, r) for r in rows]

    async def categories(self, province_id: int) -> list[CategoryDTO]:
        rows = await of_province(self.session, Category, province_id, Category.position)
        return [to_dto(CategoryDTO, r) for r in rows]

    async def routing_rules(self, province_id: int) -> list[RoutingRuleDTO]:
        rows = await of_province(self.session, RoutingRule, province_id, RoutingRule.id)
        return [to_dto(RoutingRuleDTO, r) for r in rows]

    async def set_agency_group(self, agency_id: int, chat_id: int | None) -> None:
        agency = await self.session.get(Agency, agency_id)
        if agency is not None:
            agency.group_chat_id = chat_id

    async def set_route(
        self,
        province_id: int,
        category_id: int,
        agency_id: int,
        *,
        sector_id: int | None = None,
        county_id: int | None = None,
        updated_by: int | None = None,
    ) -> None:
        """Point one routing key at an agency, replacing the rule for exactly that key."""
        existing = await self.session.scalar(
            select(RoutingRule).where(
                RoutingRule.province_id == province_id,
                RoutingRule.category_id == category_id,
                RoutingRule.sector_id.is_(None)
                if sector_id is None
                else RoutingRule.sector_id == sector_id,
                RoutingRule.county_id.is_(None)
                if county_id is None
                else RoutingRule.county_id == county_id,
            )
        )
        if existing is None:
            self.session.add(
                RoutingRule(
                    province_id=province_id,
                    category_id=category_id,
                    sector_id=sector_id,
                    county_id=county_id,
                    agency_id=agency_id,
                    updated_by=updated_by,
                )
            )
        else:
            existing.agency_id = agency_id
            existing.updated_by = updated_by

    async def set_deadline(self, category_id: int, days: int) -> None:
        category = await self.session.get(Category, category_id)
        if category is not None:
            category.deadline_days = days
