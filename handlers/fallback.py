"""What no feature handled: stale or forged buttons, unknown commands, stray messages.

Registered last in group 0: within a group only the first matching handler runs, so these
see only what every feature before them declined.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import RounaqApp, RounaqContext
from bot.state import runtime_of
from bot.text import find_tracking_numbers
from handlers import drafts, myreports
from handlers.declare import Command
from handlers.start import menu_buttons
from handlers.ui import keyboard, private_chat_markup
from storage.models import Role


async def stale_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(context.tr.t("common.stale_button"), show_alert=True)


async def unknown_command(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is not None and message.chat.type == message.chat.PRIVATE:
        await message.reply_text(
            context.tr.t("common.unknown_command"),
            reply_markup=keyboard(*menu_buttons(context, with_help=True)),
        )


async def stray_message(update: Update, context: RounaqContext) -> None:
    """Text or media outside any flow, in a private chat: point to the menu."""
    message = update.effective_message
    if message is None or message.chat.type != message.chat.PRIVATE:
        return
    in_flow = drafts.any_open(context.user_data)
    # A report asked about in a sentence («گزارش ۱۴۰۵-۰۰۰۱ چی شد؟») is opened, as its bare
    # number is; within a flow the text stays the flow's (a step that wants a button).
    named = find_tracking_numbers(message.text) if message.text and not in_flow else []
    if named:
        await myreports.open_named(update, context, named)
        return
    tr, role = context.tr, context.principal.primary_role
    if in_flow:
        # "Use the buttons to go on" means the step's, above: the menu's under it (report
        # an obstacle, register a unit) were not those, and led out of the flow.
        await message.reply_text(tr.t("common.flow_lost"))
        return
    if role is Role.OWNER:
        text = tr.t("common.stray_message")
    else:
        # Staff are pointed at their own work, not only at filing a report.
        text = tr.t("common.stray_message_staff", role=tr.t(f"roles.{role.value}"))
    await message.reply_text(text, reply_markup=keyboard(*menu_buttons(context, with_help=True)))


async def private_only(update: Update, context: RounaqContext) -> None:
    """An owner's flow started in a group: it belongs in the private chat with the bot."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            context.tr.t("common.private_only"), reply_markup=private_chat_markup(context)
        )


def register(application: RounaqApp) -> None:
    # The commands declared private (owners' flows show personal details and a contact
    # keyboard), typed in a group: the menu registered by register_all names them.
    private = [
        c.command for c in runtime_of(application).menu if isinstance(c, Command) and c.private
    ]
    application.add_handler(CommandHandler(private, private_only, filters=filters.ChatType.GROUPS))
    application.add_handler(CallbackQueryHandler(stale_button))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(
        MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, stray_message)
    )
