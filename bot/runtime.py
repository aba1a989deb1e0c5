"""Running the application by hand in an existing event loop (tests, the demo)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import build_application, on_startup, on_stop
from bot.clock import Clock
from bot.container import Services, build_services
from bot.context import RounaqApp
from bot.settings import Settings


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    token: str | None = None,
    poll_timeout: int = 10,
) -> AsyncIterator[RounaqApp]:
    """Start polling; on exit stop cleanly and release the database."""
    services: Services = await build_services(settings, clock=clock)
    application = build_application(settings, services, token=token)
    try:
        async with application:
            await on_startup(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
            try:
                yield application
            finally:
                if application.updater.running:
                    await application.updater.stop()
                await application.stop()
                await on_stop(application)
    finally:
        await services.close()
