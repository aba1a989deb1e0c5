"""The API over real services on a real database (migrated), without the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from bot.api.server import ApiContext
from bot.clock import ManualClock
from bot.container import Services, build_services
from bot.settings import Settings
from tests.api.kit import Recorder, api_context, client_for


@pytest.fixture
async def services(database_url: str, clock: ManualClock) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        max_reports_per_day=50,
    )
    built = await build_services(settings, clock=clock)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def context(services: Services, recorder: Recorder) -> ApiContext:
    return api_context(services, recorder)


@pytest.fixture
async def client(context: ApiContext) -> AsyncIterator[TestClient[object, object]]:
    client = await client_for(context)
    try:
        yield client
    finally:
        await client.close()
