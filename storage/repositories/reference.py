"""The province's reference data: counties, sectors, agencies, categories, routing."""

from __future__ import annotations

from sqlalchemy import select

from storage.dto import AgencyDTO, CategoryDTO, Named, ProvinceDTO, RoutingRuleDTO
from storage.models import Agency, Category, County, Province, RoutingRule, Sector
from storage.repositories.rows import Repository, get_or_add, to_dto


class ReferenceRepository(Repository):
    async def province(self, code: str) -> ProvinceDTO | None:
        row = await self.session.scalar(select(Province).where(Province.code == code))
        if row is None:
            return None
        return to_dto(ProvinceDTO, row)

    async def counties(self, province_id: int) -> list[Named]:
        return await self.province_dtos(Named, County, province_id, County.position)

    async def sectors(self, province_id: int) -> list[Named]:
        return await self.province_dtos(Named, Sector, province_id, Sector.position)

    async def agencies(self, province_id: int) -> list[AgencyDTO]:
        return await self.province_dtos(AgencyDTO, Agency, province_id, Agency.position)

    async def categories(self, province_id: int) -> list[CategoryDTO]:
        return await self.province_dtos(CategoryDTO, Category, province_id, Category.position)

    async def routing_rules(self, province_id: int) -> list[RoutingRuleDTO]:
        return await self.province_dtos(RoutingRuleDTO, RoutingRule, province_id, RoutingRule.id)

    async def set_agency_group(self, agency_id: int, chat_id: int | None) -> None:
        await self.change(Agency, agency_id, group_chat_id=chat_id)

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
        # A None in the key matches only NULL (filter_by compares `== None`: IS NULL).
        rule = await get_or_add(
            self.session,
            RoutingRule,
            province_id=province_id,
            category_id=category_id,
            sector_id=sector_id,
            county_id=county_id,
        )
        rule.agency_id, rule.updated_by = agency_id, updated_by

    async def set_deadline(self, category_id: int, days: int) -> None:
        await self.change(Category, category_id, deadline_days=days)
