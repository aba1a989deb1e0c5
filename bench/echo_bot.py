"""The ceiling for the intake benchmark: a bare python-telegram-bot echo bot.

Same library, same HTTP path, same emulator, no database and no logic: every message is
echoed back with one button, every button press is answered and followed by one message.
Run by the benchmark as `python -m bench.echo_bot` with BOT_TOKEN / BOT_API_BASE_URL set.
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("again", callback_data="echo")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(message.text or "received", reply_markup=BUTTON)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        await context.bot.send_message(query.message.chat.id, "pressed", reply_markup=BUTTON)


def main() -> None:
    application = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .base_file_url(os.environ["BOT_API_FILE_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
