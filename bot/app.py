"""Assembling the python-telegram-bot Application: the bot, its limits, handlers and hooks."""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest

from bot.access import Principal
from bot.container import Services, build_services
from bot.context import SERVICES_KEY, RounaqApp, RounaqContext
from bot.i18n import get_translator, languages
from bot.menu import bot_commands, visible_commands
from bot.platform import PROFILES, PlatformBot
from bot.redact import register_secret
from bot.settings import Settings
from storage.models import Role

log = logging.getLogger(__name__)


def build_application(
    settings: Settings, services: Services | None = None, *, token: str | None = None
) -> RounaqApp:
    """The Application, not yet initialised. Services are built in post_init when not given."""
    token = token or settings.token
    if not token:
        raise ValueError("BOT_TOKEN is not set")
    register_secret(token)
    profile = PROFILES[settings.resolved_platform]
    bot = PlatformBot(
        token=token,
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_api_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz),
        # Telegram's limits (30 msg/s overall, 20/min per group) are respected by
        # construction; a 429 that still happens is waited out and retried.
        rate_limiter=AIORateLimiter(
            overall_max_rate=settings.max_messages_per_second, max_retries=5
        ),
        request=HTTPXRequest(connection_pool_size=64, read_timeout=15, write_timeout=15),
        get_updates_request=HTTPXRequest(read_timeout=40),
        profile=profile,
    )
    application = cast(
        RounaqApp,
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=RounaqContext))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .build(),
    )
    if services is not None:
        application.bot_data[SERVICES_KEY] = services
    application.bot_data["settings"] = settings
    from handlers import register_all  # handlers import the context; avoid an import cycle

    register_all(application)
    return application


async def on_startup(application: RounaqApp) -> None:
    """Migrate, load the data set and set the default menus. Runs once before updates flow.

    PTB calls this as post_init only under run_polling/run_webhook; bot.runtime calls it
    explicitly when the application is driven by hand (tests, the demo).
    """
    if SERVICES_KEY not in application.bot_data:
        settings: Settings = application.bot_data["settings"]
        application.bot_data[SERVICES_KEY] = await build_services(settings)
    services: Services = application.bot_data[SERVICES_KEY]
    for admin_id in services.settings.admin_ids:
        # The first admins come from configuration; make them real users with the role.
        await services.users.touch(
            admin_id, first_name=str(admin_id), last_name=None, username=None
        )
        await services.users.grant(admin_id, Role.ADMIN)
    await set_default_menus(application)
    me = application.bot
    log.info("Rounaq is up as @%s for %s", me.username, services.directory.province.name_en)


async def set_default_menus(application: RounaqApp) -> None:
    """The menu an unknown user sees, per language (Telegram picks by the client language)."""
    registry = application.bot_data.get("menu_commands", [])
    owner = Principal(user_id=0, roles=frozenset({Role.OWNER}), agency_ids=frozenset())
    commands = visible_commands(registry, owner)
    for lang in languages():
        try:
            await application.bot.set_my_commands(
                bot_commands(get_translator(lang), commands),
                scope=BotCommandScopeDefault(),
                language_code=None if lang == services_default(application) else lang,
            )
        except TelegramError as exc:
            log.warning("could not set the %s menu: %s", lang, exc)


def services_default(application: RounaqApp) -> str:
    services: Services = application.bot_data[SERVICES_KEY]
    return services.settings.default_language


async def on_shutdown(application: RounaqApp) -> None:
    services: Any = application.bot_data.get(SERVICES_KEY)
    if isinstance(services, Services):
        await services.close()
