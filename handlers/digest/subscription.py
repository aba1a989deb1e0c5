"""/digest (today's digest, previewed), /subscribe and /unsubscribe (this chat, or a group
or channel by id from an admin's own chat), and /senddigest."""

from __future__ import annotations

from telegram import Chat, InlineKeyboardButton, Update
from telegram.error import TelegramError

from bot.access import can_manage_digest
from bot.context import RounaqContext
from bot.digest.content import Part
from handlers.digest.chats import may_manage, recipient, switch
from handlers.digest.jobs import runner_of
from handlers.digest.settings import settings_screen
from handlers.ui import keyboard, message_of


async def send_parts(context: RounaqContext, chat_id: int, parts: list[Part]) -> None:
    for part in parts:
        markup = keyboard(
            *[[InlineKeyboardButton(b.label, callback_data=b.data)] for b in part.buttons]
        )
        await context.bot.send_message(chat_id, part.text, reply_markup=markup)


async def digest_preview(update: Update, context: RounaqContext) -> None:
    """Today's digest for this chat, built now; nothing is broadcast or logged."""
    chat = update.effective_chat
    if chat is None or update.effective_user is None:
        return
    service = context.services.digest
    parts = await service.preview(recipient(context, chat, await service.subscription(chat.id)))
    if not parts:
        await context.bot.send_message(chat.id, context.tr.t("digest.nothing_today"))
        return
    await send_parts(context, chat.id, parts)


async def subscribe(update: Update, context: RounaqContext) -> None:
    await _set_subscription(update, context, on=True)


async def unsubscribe(update: Update, context: RounaqContext) -> None:
    await _set_subscription(update, context, on=False)


async def _set_subscription(update: Update, context: RounaqContext, *, on: bool) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or update.effective_user is None:
        return
    if context.args and chat.type == Chat.PRIVATE and names_a_chat(context.args[0]):
        # "/subscribe -100123": an admin signs up a channel (or group) from their own chat.
        await _set_other_chat(update, context, context.args[0], on=on)
        return
    if not may_manage(update, context, chat):
        await message.reply_text(context.tr.t("digest.admins_only"))
        return
    title = None if chat.type == Chat.PRIVATE else chat.title or ""
    await context.bot.send_message(chat.id, await switch(context, chat, on=on, title=title))
    if chat.type == Chat.PRIVATE:
        await settings_screen(update, context)


def names_a_chat(word: str) -> bool:
    """A chat id or an @name; other words ("/subscribe now") are about this chat."""
    return word.lstrip("-").isdigit() or word.startswith("@")


async def _set_other_chat(update: Update, context: RounaqContext, target: str, *, on: bool) -> None:
    message = message_of(update)
    tr = context.tr
    # The rule for the target's kind (a group or channel), checked before it is looked up:
    # someone who may not learns nothing about the chat.
    if not can_manage_digest(context.principal, private_chat=False):
        await message.reply_text(tr.t("digest.admins_only"))
        return
    other = None
    if target.lstrip("-").isdigit():
        try:
            other = await context.bot.get_chat(int(target))
        except TelegramError:
            other = None
    if other is None or other.type == Chat.PRIVATE:
        await message.reply_text(tr.t("digest.chat_not_found"))
        return
    title = other.title or str(other.id)
    await message.reply_text(await switch(context, other, on=on, title=title))


async def send_digest_now(update: Update, context: RounaqContext) -> None:
    """An admin sends today's digest to every subscriber now (those who have it, not again)."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    runner_of(context.application).trigger(force=True)
    await message.reply_text(context.tr.t("digest.send_started"))
