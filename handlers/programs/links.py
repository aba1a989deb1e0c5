"""/link and /unlink: the secretariat ties a report to a key program, or unties it."""

from __future__ import annotations

from telegram import Update

from bot.access import Permission
from bot.context import RounaqContext
from bot.services.programs import ProgramError
from bot.text import parse_int, parse_tracking_number
from handlers.declare import command
from handlers.ui import message_of


async def link_command(update: Update, context: RounaqContext) -> None:
    message = message_of(update)
    assert message.text is not None
    tr, fmt = context.tr, context.fmt
    unlink = message.text.lstrip().startswith("/unlink")
    args = context.args or []
    number = parse_int(args[0]) if args else None
    tracking = parse_tracking_number(" ".join(args[1:])) if len(args) > 1 else None
    if number is None or tracking is None:
        await message.reply_text(tr.t("programs.link_usage"))
        return
    try:
        changed = await context.services.programs.link_report(
            context.principal, number, tracking, link=not unlink
        )
    except ProgramError as error:
        await message.reply_text(tr.t(f"programs.error.{error.reason}"))
        return
    report = fmt.tracking(*tracking)
    values = {"report": report, "number": fmt.plain_int(number)}
    if unlink:
        key = "programs.unlinked_ok" if changed else "programs.not_linked"
    else:
        key = "programs.linked_ok" if changed else "programs.already_linked"
    await message.reply_text(tr.t(key, **values))


# Tools that take arguments: in /help, not in the menu.
LINK = command("link", link_command, needs=Permission.LINK_REPORTS, in_menu=False)
UNLINK = command("unlink", link_command, needs=Permission.LINK_REPORTS, in_menu=False)
