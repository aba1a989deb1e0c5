"""A real API over real services: seeded owners, units and reports, and an HTTP client."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application, Request

from bot.api.dashboard import Dashboard
from bot.api.keys import ApiKeyService
from bot.api.limits import MinuteLimiter
from bot.api.open311 import Filed
from bot.api.server import ApiContext, build_web_app
from bot.container import Services
from bot.services.reports import ReportDraft
from handlers.open311 import open311_service
from storage.dto import UnitDTO
from tests.services_kit import licensed_unit

Client = TestClient[Request, Application]

# Private facts the seeded data carries; no API answer may contain any of them.
OWNER_NAME = "Khosrow-Private-Owner"
OWNER_LAST = "Zandieh"
UNIT_NAME = "Saffron-Secret-Works"
PHONE = "+989121234567"
DESCRIPTION = "The private description of our obstacle, with details"
PRIVATE = (OWNER_NAME, OWNER_LAST, UNIT_NAME, PHONE, "9121234567", DESCRIPTION, "رضا")


@dataclass
class Recorder:
    filed: list[Filed] = field(default_factory=list)

    async def __call__(self, filed: Filed) -> None:
        self.filed.append(filed)


def api_context(services: Services, recorder: Recorder) -> ApiContext:
    return ApiContext(
        open311=open311_service(services),
        keys=ApiKeyService(
            services.database, services.directory, services.clock, per_minute=5, per_day=3
        ),
        limiter=MinuteLimiter(services.clock),
        on_filed=recorder,
        default_language="fa",
        pages=Dashboard(services),
    )


async def client_for(context: ApiContext) -> Client:
    client: Client = TestClient(TestServer(build_web_app(context)))
    await client.start_server()
    return client


async def seed_unit(services: Services, owner_id: int = 1001) -> UnitDTO:
    await services.users.touch(owner_id, first_name=OWNER_NAME, last_name=OWNER_LAST, username=None)
    directory = services.directory
    return await services.units.register(
        owner_id,
        licensed_unit(directory, UNIT_NAME, PHONE),
    )


async def seed_reports(services: Services, unit: UnitDTO, count: int) -> None:
    categories = [c for c in services.directory.categories if not c.financial]
    for i in range(count):
        await services.reports.submit(
            unit.owner_id,
            ReportDraft(
                unit_id=unit.id,
                category_id=categories[i % len(categories)].id,
                description=DESCRIPTION,
            ),
        )
