"""A TOML program set sent by an admin: new programs are added, known ones updated."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.access import Permission
from bot.context import RounaqContext
from bot.formatting import escape
from bot.services.programs import ProgramError
from handlers.declare import guarded
from handlers.ui import message_of


async def program_set_file(update: Update, context: RounaqContext) -> None:
    """An admin sends a TOML program set: new programs are added, known ones updated."""
    message = message_of(update)
    assert message.document is not None
    tr = context.tr
    if (message.document.file_size or 0) > context.settings.max_upload_bytes:
        await message.reply_text(tr.t("loans.import_too_big"))
        return
    file = await context.bot.get_file(message.document.file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        result = await context.services.programs.load_set(context.principal, data)
    except ProgramError as error:
        await message.reply_text(
            tr.t(f"programs.error.{error.reason}", detail=escape(error.detail))
            if error.reason.startswith("file_") and error.reason != "file_empty"
            else tr.t(f"programs.error.{error.reason}")
        )
        return
    await message.reply_text(tr.t("programs.loaded", added=result.added, updated=result.updated))


def upload_handler() -> MessageHandler[RounaqContext, None]:
    """A .toml document in a private chat, from whoever may edit programs."""
    return MessageHandler(
        filters.ChatType.PRIVATE & filters.Document.FileExtension("toml"),
        guarded(program_set_file, Permission.EDIT_PROGRAMS),
    )
