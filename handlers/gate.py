"""Runs before every handler (group -1): who is acting, in which language, and how often."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import LANG_KEY, RounaqApp, RounaqContext
from bot.persistence import DatabasePersistence

log = logging.getLogger(__name__)


async def load_principal(update: Update, context: RounaqContext) -> None:
    """Attach the principal and the language; drop updates from bots and channels' echoes.

    An update whose handling was already committed (Telegram delivered it again, e.g.
    after a crash before it was acknowledged) is dropped here, before anything happens.
    """
    persistence = context.application.persistence
    if isinstance(persistence, DatabasePersistence) and await persistence.already_handled(
        update.update_id
    ):
        log.info("update %s was handled before; skipped", update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None:
        return
    if user.is_bot:
        raise ApplicationHandlerStop
    profile = await context.services.users.profile(user.id)
    context.principal = profile.principal
    user_data = context.user_data
    if user_data is not None and LANG_KEY not in user_data:
        user_data[LANG_KEY] = profile.language or context.services.settings.default_language


def register(application: RounaqApp) -> None:
    # Group -1 runs before every feature's handlers (group 0); order matters.
    application.add_handler(TypeHandler(Update, load_principal), group=-1)
