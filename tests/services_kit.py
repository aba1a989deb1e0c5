"""The real services over a test's database, without the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.clock import ManualClock
from bot.container import Services, build_services
from bot.settings import Settings


@asynccontextmanager
async def built_services(
    database_url: str, clock: ManualClock, **settings: Any
) -> AsyncIterator[Services]:
    """Services built as the bot builds them; `settings` beside the database URL (no env file)."""
    built = await build_services(
        Settings(_env_file=None, database_url=database_url, **settings),  # type: ignore[call-arg]
        clock=clock,
    )
    try:
        yield built
    finally:
        await built.close()
