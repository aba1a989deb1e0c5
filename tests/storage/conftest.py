"""Storage tests run the real migrations on a real database file (and PostgreSQL in CI).

The workflow cast (people with roles) is shared with the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.container import Services
from storage.db import Database
from tests.e2e.conftest import cast, report
from tests.services_kit import built_services

__all__ = ["cast", "database", "report", "service_settings", "services"]


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The test's own database, migrated with the province loaded; no services."""
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def service_settings() -> dict[str, Any]:
    """The settings the test's services are built with; a module overrides this fixture."""
    return {"max_reports_per_day": 3}


@pytest.fixture
async def services(
    database_url: str, clock: ManualClock, service_settings: dict[str, Any]
) -> AsyncIterator[Services]:
    async with built_services(database_url, clock, **service_settings) as built:
        yield built
