"""The API over real services on a real database (migrated), without the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.api.server import ApiContext
from bot.clock import ManualClock
from bot.container import Services
from tests.api.kit import Client, Recorder, api_context, client_for
from tests.e2e.test_dashboard_browser import browser  # noqa: F401  (headless Chromium)
from tests.services_kit import built_services


@pytest.fixture
async def services(database_url: str, clock: ManualClock) -> AsyncIterator[Services]:
    async with built_services(database_url, clock, max_reports_per_day=50) as built:
        yield built


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def context(services: Services, recorder: Recorder) -> ApiContext:
    return api_context(services, recorder)


@pytest.fixture
async def client(context: ApiContext) -> AsyncIterator[Client]:
    client = await client_for(context)
    try:
        yield client
    finally:
        await client.close()
