"""The one error handler: log first, then tell the admins (truncated, token redacted)."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import RounaqApp, RounaqContext
from bot.delivery import RounaqApplication, is_transient
from bot.i18n import get_translator
from bot.redact import redact

log = logging.getLogger(__name__)

ADMIN_REPORT_LIMIT = 3500


async def on_error(update: object, context: RounaqContext) -> None:
    error = context.error
    application = context.application
    if (
        isinstance(update, Update)
        and isinstance(application, RounaqApplication)
        and is_transient(error)
    ):
        # The database or the Bot API is briefly unavailable: handle the update again
        # later rather than tell the user something failed (bot.delivery).
        log.warning("transient failure on update %s: %s", update.update_id, redact(str(error)))
        application.retry_update(update)
        raise ApplicationHandlerStop
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest | Forbidden):
        # Polling hiccups: PTB retries by itself; a warning is enough. BadRequest is a
        # NetworkError subclass in PTB, but it is our bug, not the network's: report it.
        log.warning("network error: %s", redact(str(error)))
        return
    log.error("unhandled error while processing an update", exc_info=error)
    services = context.services
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = (
            context.lang
            if update.effective_user is not None
            else services.settings.default_language
        )
        try:
            await context.bot.send_message(
                update.effective_chat.id, get_translator(lang).t("common.error_generic")
            )
        except TelegramError:
            log.warning("could not tell the user about the error")
    if error is None:
        return
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    text = redact(trace)[-ADMIN_REPORT_LIMIT:]
    for admin_id in sorted(services.settings.admin_ids):
        try:
            await context.bot.send_message(
                admin_id, f"<b>Rounaq error</b>\n<pre>{html.escape(text)}</pre>"
            )
        except TelegramError:
            log.warning("could not report the error to admin %s", admin_id)


def register(application: RounaqApp) -> None:
    application.add_error_handler(on_error)
