"""Assembling the python-telegram-bot Application: the bot, its limits, handlers and hooks."""

from __future__ import annotations

import logging
from typing import cast

from sqlalchemy.engine import make_url
from telegram import BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot.access import Principal
from bot.container import Services, build_services
from bot.context import RounaqApp, RounaqContext
from bot.delivery import PerUserUpdateProcessor, RounaqApplication
from bot.http import make_request
from bot.i18n import get_translator, languages
from bot.inbox import InboxQueue, ReceivedUpdates, UpdateInbox
from bot.menu import bot_commands, visible_commands
from bot.outbox import Outbox, OutboxRateLimiter
from bot.persistence import DatabasePersistence, RounaqBotData, bot_id_of
from bot.platform import PROFILES, PlatformBot, PlatformRequest
from bot.redact import register_secret
from bot.settings import Settings
from bot.state import Runtime, runtime_of
from storage.models import Role

log = logging.getLogger(__name__)


class _FloodRetried(logging.Filter):
    """python-telegram-bot's rate limiter logs an ERROR when a 429 outlasts its retries,
    then raises RetryAfter to the caller, which handles it: a handler's update is handled
    again (bot.delivery), anything else logs what it could not do. Its own line is a
    warning, so a flood the bot recovers from leaves no error in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith("Rate limit hit after"):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_FLOOD_RETRIED = _FloodRetried()


def build_application(
    settings: Settings, services: Services | None = None, *, token: str | None = None
) -> RounaqApp:
    """The Application, not yet initialised. Services are built in post_init when not given.

    Conversations and user data persist in the database (bot.persistence); updates are
    stored in the inbox before they count as received (bot.inbox), handled per user in
    order, and marked done with the state they left (bot.delivery).
    """
    token = token or settings.token
    if not token:
        raise ValueError("BOT_TOKEN is not set")
    _register_secrets(settings, token)
    logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_FLOOD_RETRIED)
    received = ReceivedUpdates(make_request(settings.http_client, pool_size=1, read_timeout=40))
    bot = _platform_bot(settings, token, received)
    # The persistence uses the services' database; when the services are built at start
    # (prepare, below) it is attached there, after migrating and before anything is loaded.
    persistence = DatabasePersistence(
        services.database if services is not None else None, bot_id_of(token)
    )
    # Every update is stored before it counts as received (bot.inbox): the poller stores
    # its batches, and a webhook post is stored as PTB's handler puts it in this queue.
    update_queue = InboxQueue()
    update_queue.inbox = UpdateInbox(persistence, received)
    # Notices are queued with the commit and sent by the outbox's sender (bot.outbox).
    runtime = Runtime(settings, services, outbox=Outbox(persistence))
    application = cast(
        RounaqApp,
        ApplicationBuilder()
        .application_class(
            RounaqApplication,
            kwargs={"prepare": prepare, "runtime": runtime},
        )
        .bot(bot)
        .update_queue(update_queue)
        .context_types(ContextTypes(context=RounaqContext, bot_data=RounaqBotData))
        .persistence(persistence)
        .concurrent_updates(PerUserUpdateProcessor(settings.max_concurrent_updates))
        .post_init(on_startup)
        .post_stop(on_stop)
        .post_shutdown(on_shutdown)
        .build(),
    )
    from handlers import register_all  # handlers import the context; avoid an import cycle

    register_all(application)
    return application


def _register_secrets(settings: Settings, token: str) -> None:
    """The token, and whatever else could leak through an error message, scrubbed from logs."""
    register_secret(token)
    if settings.webhook_secret is not None:
        register_secret(settings.webhook_secret.get_secret_value())
    register_secret(make_url(settings.database_url).password)


def _platform_bot(settings: Settings, token: str, get_updates: ReceivedUpdates) -> PlatformBot:
    """The bot of the configured platform (Telegram or Bale), on its API base URL."""
    profile = PROFILES[settings.resolved_platform]
    return PlatformBot(
        token=token,
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_api_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz),
        # Telegram's limits (30 msg/s overall, 20/min per group) are respected by
        # construction; a 429 that still happens is waited out and retried (an outbox
        # message's 429 goes back to its row instead: bot.outbox).
        rate_limiter=OutboxRateLimiter(
            overall_max_rate=settings.max_messages_per_second, max_retries=5
        ),
        request=PlatformRequest(
            make_request(
                settings.http_client,
                pool_size=settings.http_pool_size,
                read_timeout=settings.bot_api_timeout,
            ),
            profile,
        ),
        get_updates_request=get_updates,
        profile=profile,
    )


async def prepare(application: RounaqApp) -> None:
    """Build the services (migrate, load the data set) unless given; runs in initialize(),
    before the persistence loads the conversations from the migrated database."""
    runtime = runtime_of(application)
    if runtime.built_services is None:
        runtime.built_services = await build_services(runtime.settings)
    services = runtime.services
    if isinstance(application.persistence, DatabasePersistence):
        application.persistence.attach(services.database)


async def on_startup(application: RounaqApp) -> None:
    """Make the configured admins and set the default menus. Runs once before updates flow.

    PTB calls this as post_init only under run_polling/run_webhook; bot.runtime calls it
    explicitly when the application is driven by hand (tests, the demo).
    """
    runtime = runtime_of(application)
    services = runtime.services
    for admin_id in services.settings.admin_ids:
        # The first admins come from configuration; make them real users with the role.
        await services.users.touch(
            admin_id, first_name=str(admin_id), last_name=None, username=None
        )
        await services.users.grant(admin_id, Role.ADMIN)
    await set_default_menus(application)
    for hook in runtime.start_hooks:
        await hook(application)
    if runtime.outbox is not None:
        await runtime.outbox.start(application.bot, services.users.mark_blocked)
    me = application.bot
    log.info("Rounaq is up as @%s for %s", me.username, services.directory.province.name_en)


async def set_default_menus(application: RounaqApp) -> None:
    """The menu an unknown user sees, per language (Telegram picks by the client language)."""
    runtime = runtime_of(application)
    owner = Principal(user_id=0, roles=frozenset({Role.OWNER}), agency_ids=frozenset())
    commands = visible_commands(runtime.menu, owner)
    for lang in languages():
        try:
            await application.bot.set_my_commands(
                bot_commands(get_translator(lang), commands),
                scope=BotCommandScopeDefault(),
                language_code=None if lang == runtime.settings.default_language else lang,
            )
        except TelegramError as exc:
            log.warning("could not set the %s menu: %s", lang, exc)


async def on_stop(application: RounaqApp) -> None:
    """PTB calls this as post_stop under run_polling; bot.runtime calls it by hand."""
    runtime = runtime_of(application)
    if runtime.outbox is not None:
        await runtime.outbox.stop()  # what is not sent yet is sent after the next start
    for hook in runtime.stop_hooks:
        try:
            await hook(application)
        except Exception:
            log.exception("a stop hook failed; stopping anyway")


async def on_shutdown(application: RounaqApp) -> None:
    services = runtime_of(application).built_services
    if services is not None:
        await services.close()
