"""Storage tests run the real migrations on a real database file (and PostgreSQL in CI).

The workflow cast (people with roles) is shared with the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.container import Services, build_services
from bot.settings import Settings
from storage.db import Database
from tests.e2e.conftest import cast

__all__ = ["cast", "database", "services"]


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The test's own database, migrated with the province loaded; no services."""
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def services(database_url: str, clock: ManualClock) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        max_reports_per_day=3,
    )
    built = await build_services(settings, clock=clock)
    try:
        yield built
    finally:
        await built.close()
