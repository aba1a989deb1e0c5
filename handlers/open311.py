"""Serving the Open311 API and the dashboard beside the bot when API_PORT is set.

The aiohttp site starts with the bot (a start hook) and stops before the bot's connection
closes (a stop hook). A report filed through the API is announced to its agency exactly as
a chat report is: the same notice, once, recorded as sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.api.keys import ApiKeyService
from bot.container import Services
from bot.context import RounaqApp, RounaqContext
from bot.state import runtime_of
from handlers.notify import notify_agency_of_new_report

if TYPE_CHECKING:
    # The web server and the API's services load when API_PORT is set, not at every start
    # (aiohttp.web and bot.api: ~0.03 s of a cold start; /apikey needs only the keys).
    from aiohttp import web

    from bot.api.open311 import Filed, Open311Service
    from bot.api.server import ApiContext

log = logging.getLogger(__name__)


def key_service(services: Services) -> ApiKeyService:
    settings = services.settings
    return ApiKeyService(
        services.database,
        services.directory,
        services.clock,
        per_minute=settings.api_per_minute,
        per_day=settings.api_per_day,
    )


def open311_service(services: Services) -> Open311Service:
    """The Open311 service over the bot's services (the API's tests build theirs with it)."""
    from bot.api.open311 import Open311Service

    return Open311Service(
        services.database,
        services.directory,
        services.reports,
        services.clock,
        services.settings.tz,
    )


def api_context(application: RounaqApp) -> ApiContext:
    from bot.api.limits import MinuteLimiter
    from bot.api.server import ApiContext

    services = runtime_of(application).services

    async def on_filed(filed: Filed) -> None:
        reports = services.reports
        submission = filed.submission
        if not submission.duplicate or not await reports.agency_notified(submission.report.id):
            context = RounaqContext(application)
            await notify_agency_of_new_report(context, submission, channel=filed.channel)
            await reports.mark_agency_notified(submission.report.id, submission.agency.id)

    from bot.api.dashboard import Dashboard  # matplotlib loads only when the API is on

    return ApiContext(
        open311=open311_service(services),
        keys=key_service(services),
        limiter=MinuteLimiter(services.clock),
        on_filed=on_filed,
        default_language=services.settings.default_language,
        pages=Dashboard(services),
        cors_origins=services.settings.api_cors_origins,
    )


@dataclass
class _Site:
    runner: web.AppRunner | None = None


def register(application: RounaqApp) -> None:
    site = _Site()

    async def start(app: RounaqApp) -> None:
        services = runtime_of(app).services
        port = services.settings.api_port
        if port is None:
            return
        listen = services.settings.api_listen
        from aiohttp import web

        from bot.api.server import build_web_app

        runner = web.AppRunner(build_web_app(api_context(app)), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, listen, port).start()
        except OSError as error:
            # The chat matters more than the screen: the bot goes on without the API.
            await runner.cleanup()
            log.error("the Open311 API cannot listen on %s:%s: %s", listen, port, error)
            return
        site.runner = runner
        log.info("Open311 API and dashboard on http://%s:%s/", listen, port)

    async def stop(_app: RounaqApp) -> None:
        if site.runner is not None:
            runner, site.runner = site.runner, None
            await runner.cleanup()

    runtime = runtime_of(application)
    runtime.start_hooks.append(start)
    runtime.stop_hooks.append(stop)
