"""A real python-telegram-bot Application talking HTTP to the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator
from tests.emulator.emu_helpers import ALI, SARA, build_app, tiny_png


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    assert update.effective_user is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("تأیید", callback_data="ok:1")]])
    args = " ".join(context.args or [])
    await update.effective_message.reply_html(
        f"<b>سلام</b> {update.effective_user.first_name} {args}".strip(), reply_markup=keyboard
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("ثبت شد")
    await query.edit_message_text(f"pressed {query.data}")


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    file = await message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await message.reply_document(bytes(data), filename="echo.png", caption=f"{len(data)} bytes")


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = build_app(emu)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(MessageHandler(filters.PHOTO, photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_start_and_echo(emu: BotApiEmulator, app: Application) -> None:  # type: ignore[type-arg]
    await emu.send_text(ALI, "/start ref_7")
    reply = await emu.wait_for_message(ALI)
    assert (reply.text, reply.source_text) == ("سلام علی ref_7", "<b>سلام</b> علی ref_7")
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 4}]
    await emu.send_text(SARA, "hello there")
    assert (await emu.wait_for_message(SARA)).text == "hello there"
    assert emu.messages(ALI) == [reply]  # per chat, nothing leaked across


async def test_button_round_trip(emu: BotApiEmulator, app: Application) -> None:  # type: ignore[type-arg]
    await emu.send_text(ALI, "/start")
    menu = await emu.wait_for_message(ALI)
    query = await emu.press(ALI, menu, "تأیید")
    assert (await emu.wait_for_answer(query)).text == "ثبت شد"
    edited = await emu.wait_for_message(ALI)
    assert edited is menu
    assert (edited.text, edited.buttons, edited.edits[0].text) == ("pressed ok:1", [], "سلام علی")


async def test_photo_download_round_trip(emu: BotApiEmulator, app: Application) -> None:  # type: ignore[type-arg]
    png = tiny_png()
    await emu.send_photo(ALI, png, caption="evidence")
    reply = await emu.wait_for_message(ALI)
    assert reply.document is not None
    assert (reply.text, reply.document.file_name, reply.document.data) == (
        f"{len(png)} bytes", "echo.png", png,
    )  # fmt: skip


async def test_ptb_sees_telegram_errors(emu: BotApiEmulator, app: Application) -> None:  # type: ignore[type-arg]
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await app.bot.send_message(ALI, "1 < 2", parse_mode="HTML")
    message = await app.bot.send_photo(
        ALI, tiny_png(640, 480), caption="<i>x</i>", parse_mode="HTML"
    )
    assert [size.width for size in message.photo] == [90, 320, 640]
    again = await app.bot.send_photo(SARA, message.photo[-1].file_id)
    assert again.photo[-1].file_unique_id == message.photo[-1].file_unique_id
