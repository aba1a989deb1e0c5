"""/apikeys: admins make, list and revoke the Open311 channels' API keys.

`/apikeys` lists the keys with a revoke button each; `/apikeys new <channel> [per-minute
per-day]` makes one and shows it once (only its hash is kept).
"""

from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardButton, Update

from bot.access import Permission
from bot.api.keys import ApiKeyError
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.text import to_latin_digits
from handlers.declare import button, command
from handlers.open311 import key_service
from handlers.ui import keyboard, message_of, send_chunks
from storage.models import INT4_MAX

DIGITS = re.compile(r"^[0-9]{1,12}$")


class RevokeButton(CallbackData, prefix="ak:r"):
    key_id: int

    def valid(self) -> bool:
        return self.key_id <= INT4_MAX


async def apikeys(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if args and args[0].lower() == "new":
        await _create(update, context, args[1:])
        return
    await _list(update, context)


async def _create(update: Update, context: RounaqContext, args: list[str]) -> None:
    message = message_of(update)
    tr = context.tr
    limits: list[int] = []
    words = list(args)
    # Trailing numbers are the limits: "/apikeys new 111 call centre 30 500".
    while words and DIGITS.match(to_latin_digits(words[-1])) and len(limits) < 2:
        limits.insert(0, int(to_latin_digits(words.pop())))
    if len(limits) == 1:  # one number is part of the name ("111"), not a limit
        words.append(str(limits.pop()))
    channel = " ".join(words)
    if not channel:
        await message.reply_text(tr.t("apikeys.usage"))
        return
    try:
        new = await key_service(context.services).create(
            channel,
            created_by=context.principal.user_id,
            per_minute=limits[0] if limits else None,
            per_day=limits[1] if limits else None,
        )
    except ApiKeyError as error:
        await message.reply_text(tr.t(f"apikeys.error_{error.reason}"))
        return
    await message.reply_text(
        tr.t(
            "apikeys.created",
            channel=escape(new.key.channel),
            key=escape(new.secret),
            per_minute=new.key.per_minute,
            per_day=new.key.per_day,
        )
    )


async def _list(update: Update, context: RounaqContext) -> None:
    message = message_of(update)
    tr, fmt = context.tr, context.fmt
    keys = await key_service(context.services).list()
    if not keys:
        await message.reply_text(tr.t("apikeys.none") + "\n\n" + tr.t("apikeys.usage"))
        return
    lines = [tr.t("apikeys.title")]
    buttons: list[list[InlineKeyboardButton]] = []
    for key in keys:
        state = (
            tr.t("apikeys.revoked", date=fmt.date(key.revoked_at))
            if key.revoked_at is not None
            else tr.t("apikeys.live")
        )
        lines.append(
            tr.t(
                "apikeys.line",
                id=fmt.plain_int(key.id),
                channel=escape(key.channel),
                prefix=escape(key.key_prefix),
                per_minute=key.per_minute,
                per_day=key.per_day,
                created=fmt.date(key.created_at),
                state=state,
            )
        )
        if key.revoked_at is None:
            buttons.append(
                [
                    InlineKeyboardButton(
                        tr.t("apikeys.btn_revoke", id=fmt.plain_int(key.id)),
                        callback_data=RevokeButton(key.id).pack(),
                    )
                ]
            )
    lines.append(tr.t("apikeys.usage"))
    markup = keyboard(*buttons) if buttons else None
    await send_chunks(context, message.chat_id, "\n\n".join(lines), markup)


async def revoke_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: RevokeButton
) -> None:
    revoked = await key_service(context.services).revoke(data.key_id)
    tr = context.tr
    await query.answer(tr.t("apikeys.done" if revoked else "apikeys.already"))
    if revoked and query.message is not None:
        await context.bot.send_message(
            query.message.chat.id,
            tr.t("apikeys.revoked_one", id=context.fmt.plain_int(data.key_id)),
        )


COMMANDS = [command("apikeys", apikeys, needs=Permission.MANAGE_API_KEYS)]


def register(application: RounaqApp) -> None:
    application.add_handler(COMMANDS[0].handler())
    application.add_handler(button(RevokeButton, revoke_button, needs=Permission.MANAGE_API_KEYS))
