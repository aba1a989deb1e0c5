"""Answers shared by every flow: cancel, not allowed, text expected."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.context import RounaqContext
from handlers import drafts
from handlers.steps import retire


async def cancel(update: Update, context: RounaqContext) -> int:
    """Leave every flow the user has open (handlers/drafts.py): one answer for all."""
    # Their step buttons go with them: pressed later they could only be refused.
    await retire(context)
    drafts.drop_all(context.user_data)
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            context.tr.t("common.cancelled"), reply_markup=ReplyKeyboardRemove()
        )
    return ConversationHandler.END


async def deny(update: Update, context: RounaqContext) -> None:
    """The one "not allowed" answer, for commands and buttons alike."""
    text = context.tr.t("common.not_allowed")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def replying(key: str) -> Callable[[Update, RounaqContext], Coroutine[Any, Any, None]]:
    """A handler that answers with the catalog's `key`: a sticker, voice, photo... where a
    step asked for something else; the step stays."""

    async def reply(update: Update, context: RounaqContext) -> None:
        message = update.effective_message
        if message is not None:
            await message.reply_text(context.tr.t(key))

    return reply
