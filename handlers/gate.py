"""Runs before every handler (group -1): who is acting, in which language, and how often."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import LANG_KEY, RounaqApp, RounaqContext
from bot.i18n import languages
from bot.services.throttle import Verdict

log = logging.getLogger(__name__)


async def load_principal(update: Update, context: RounaqContext) -> None:
    """Attach the principal and the language; drop bots, floods and edited messages.

    An update delivered again never gets here: the inbox (bot.inbox) drops an id it holds.
    """
    user = update.effective_user
    if user is None:
        return
    if user.is_bot:
        raise ApplicationHandlerStop
    # Before any database read: a flood from one account must stay cheap to refuse.
    verdict = context.services.throttle.check(user.id)
    if verdict is not Verdict.ALLOW:
        if verdict is Verdict.WARN:
            await _slow_down(update, context)
        raise ApplicationHandlerStop
    users = context.services.users
    profile = await users.profile(user.id)
    if not profile.known:
        # Whatever someone's first update is (any command, a button on a forwarded message,
        # a deep link), they exist from here on: every later step may refer to their row.
        await users.touch(
            user.id, first_name=user.first_name, last_name=user.last_name, username=user.username
        )
        profile = await users.profile(user.id)
    context.principal = profile.principal
    user_data = context.user_data
    if user_data is not None and LANG_KEY not in user_data:
        # Until they choose (/start offers the choice), their phone's language if the bot
        # speaks it: the command menu for it is already theirs (bot.app).
        user_data[LANG_KEY] = profile.language or phone_language(
            user.language_code, context.settings.default_language
        )
    if update.edited_message is not None:
        # Every step reads the *next* message; an edit of an earlier one would otherwise be
        # taken as the answer to whatever step the user is in now.
        # Except an edit a feature claims (the message a report's description came from):
        # that goes on to the feature's handler, first in group 0 (register_all).
        if any(claims(update) for claims in context.runtime.edit_claims):
            return
        edited = update.edited_message
        if edited.chat.type == edited.chat.PRIVATE:
            await edited.reply_text(context.tr.t("limits.edit_ignored"))
        raise ApplicationHandlerStop


def phone_language(code: str | None, default: str) -> str:
    """The language of the person's Telegram app ("en", "en-GB") when the bot speaks it;
    else `default`."""
    primary = (code or "").split("-")[0].lower()
    return primary if primary in languages() else default


async def _slow_down(update: Update, context: RounaqContext) -> None:
    """The one polite answer per flood, in the user's language (no database read)."""
    text = context.tr.t(
        "limits.slow_down", limit=context.fmt.number(context.services.throttle.limit)
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("could not tell user about the rate limit: %s", exc)


def register(application: RounaqApp) -> None:
    # Group -1 runs before every feature's handlers (group 0); order matters.
    application.add_handler(TypeHandler(Update, load_principal), group=-1)
