"""The real services over a test's database, without the bot, and the rows tests start from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.clock import ManualClock
from bot.container import Services, build_services
from bot.services.directory import Directory
from bot.services.units import UnitDraft
from bot.settings import Settings
from storage.dto import AgencyDTO, UnitDTO
from storage.models import PermitStatus


@asynccontextmanager
async def built_services(
    database_url: str, clock: ManualClock, **settings: Any
) -> AsyncIterator[Services]:
    """Services built as the bot builds them; `settings` beside the database URL (no env file)."""
    built = await build_services(
        Settings(_env_file=None, database_url=database_url, **settings),
        clock=clock,
    )
    try:
        yield built
    finally:
        await built.close()


def licensed_unit(directory: Directory, name: str, phone: str) -> UnitDraft:
    """A licensed unit in the data set's first sector and county, for a test where the
    place does not matter."""
    return UnitDraft(
        name=name,
        sector_id=directory.sectors[0].id,
        county_id=directory.counties[0].id,
        permit_status=PermitStatus.LICENSED,
        phone=phone,
    )


async def register_unit(
    services: Services,
    owner_id: int,
    name: str = "فرش ممتاز قم",
    *,
    sector: str = "carpet",
    county: str = "qom",
    phone: str = "09121234567",
) -> UnitDTO:
    """A licensed unit registered through the real service, its sector and county by code."""
    sector_row = services.directory.sector_by_code(sector)
    county_row = services.directory.county_by_code(county)
    assert sector_row is not None
    assert county_row is not None
    return await services.units.register(
        owner_id, UnitDraft(name, sector_row.id, county_row.id, PermitStatus.LICENSED, phone)
    )


def seeded_agency(services: Services, code: str) -> AgencyDTO:
    """The seeded agency with this code; the test stops here if the seed lacks it."""
    agency = services.directory.agency_by_code(code)
    assert agency is not None, code
    return agency
