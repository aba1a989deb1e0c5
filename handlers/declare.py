"""Declare a command or a button once, with its permission.

`command("stats", stats, needs=Permission.VIEW_PROVINCE)` is the menu entry, the /help
line (bot.menu reads it as a MenuCommand) and, through `.handler()`, the CommandHandler
with its guard. `button(ExportButton, export_button, needs=...)` is the
CallbackQueryHandler matched by the kind; the callback gets the pressed query and the
unpacked data, already checked. The guard is written here once: "not allowed" for a
principal without the permission, the stale-button answer for data that does not unpack,
the service's refusal (a WorkflowError) as the press's alert.
Services keep their own checks (jobs and the CLI call them too).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import CallbackQuery, Chat, Update
from telegram.error import Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, filters
from telegram.ext.filters import BaseFilter

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.menu import MenuCommand
from bot.services.workflow import WorkflowError
from bot.views.common import workflow_error
from handlers.common import deny
from handlers.ui import answer_quietly, private_chat_markup

CommandCallback = Callable[[Update, RounaqContext], Coroutine[Any, Any, Any]]
QueryCallback = Callable[[Update, RounaqContext, CallbackQuery], Coroutine[Any, Any, Any]]
ButtonCallback = Callable[[Update, RounaqContext, CallbackQuery, Any], Coroutine[Any, Any, Any]]


def guarded(callback: CommandCallback, needs: Permission | None) -> CommandCallback:
    """The callback behind its permission. A denial ends a conversation it would open
    (the END value is ignored outside one)."""
    if needs is None:
        return callback

    async def run(update: Update, context: RounaqContext) -> Any:
        if not context.principal.can(needs):
            await deny(update, context)
            return ConversationHandler.END
        return await callback(update, context)

    return run


@dataclass(frozen=True, slots=True)
class Command(MenuCommand):
    callback: CommandCallback | None = field(default=None, compare=False)
    filters: BaseFilter | None = field(default=None, compare=False)
    # An owner's flow (personal details, a contact keyboard): in the private chat only. In
    # a group the command is answered by handlers.fallback ("in your private chat").
    private: bool = field(default=False, compare=False)
    # Figures for the asker's role only (an official's /stats, /export's files): typed in
    # a group, the answer goes to the person's private chat and the group is told only
    # that; the rest of the group may not hold the role.
    answers_privately: bool = field(default=False, compare=False)

    def handler(self) -> CommandHandler[RounaqContext, Any]:
        assert self.callback is not None
        chats = self.filters
        if self.private:
            chats = filters.ChatType.PRIVATE if chats is None else filters.ChatType.PRIVATE & chats
        run = privately(self.callback) if self.answers_privately else self.callback
        return CommandHandler(self.command, guarded(run, self.permission), filters=chats)

    def shortcut(
        self, pattern: str, callback: CommandCallback | None = None
    ) -> CallbackQueryHandler[RounaqContext, Any]:
        """A button standing for this command (a greeting's shortcut), under the command's
        rules: its permission, and for a private command the chat of the pressed message.
        A shortcut on an old greeting in a group is answered as the command typed there
        is, instead of beginning an owner's flow in front of the group."""
        run = callback or self.callback
        assert run is not None
        if not self.private:
            return CallbackQueryHandler(guarded(run, self.permission), pattern=pattern)

        async def in_private(update: Update, context: RounaqContext) -> Any:
            chat = update.effective_chat
            if chat is not None and chat.type != Chat.PRIVATE and update.callback_query:
                text = context.tr.t("common.private_only")
                await answer_quietly(update.callback_query, text, show_alert=True)
                return ConversationHandler.END
            return await run(update, context)

        return CallbackQueryHandler(guarded(in_private, self.permission), pattern=pattern)


def privately(callback: CommandCallback) -> CommandCallback:
    """The command's answer (handlers.ui.reply_chat) to the person's private chat when it
    was typed in a group; the group is told it went there, or, when the person never
    opened that chat, to open it first (with a link to it)."""

    async def run(update: Update, context: RounaqContext) -> Any:
        message = update.effective_message
        if message is None or message.chat.type == Chat.PRIVATE:
            return await callback(update, context)
        context.private_reply = True
        try:
            result = await callback(update, context)
        except Forbidden:
            await message.reply_text(
                context.tr.t("workflow.open_private"), reply_markup=private_chat_markup(context)
            )
            return ConversationHandler.END
        await message.reply_text(context.tr.t("common.sent_private"))
        return result

    return run


def command(
    name: str,
    callback: CommandCallback,
    *,
    needs: Permission | None = None,
    in_menu: bool = True,
    filters: BaseFilter | None = None,
    private: bool = False,
    answers_privately: bool = False,
) -> Command:
    return Command(name, needs, in_menu, callback, filters, private, answers_privately)


async def stale(query: CallbackQuery, context: RounaqContext) -> None:
    """The one answer for a button whose data no longer means anything."""
    await query.answer(context.tr.t("common.stale_button"), show_alert=True)


def query_guarded(callback: QueryCallback, needs: Permission | None) -> CommandCallback:
    async def run(update: Update, context: RounaqContext) -> Any:
        query = update.callback_query
        if query is None:
            return None
        if needs is not None and not context.principal.can(needs):
            await deny(update, context)
            return ConversationHandler.END
        return await callback(update, context, query)

    return run


T = TypeVar("T", bound=CallbackData)


def button(
    kind: type[T],
    callback: Callable[[Update, RounaqContext, CallbackQuery, T], Coroutine[Any, Any, Any]],
    *,
    needs: Permission | None = None,
) -> CallbackQueryHandler[RounaqContext, Any]:
    """The handler for one button kind: permission first (a denied user learns nothing of
    the data), then the data, then the callback with both; a WorkflowError it raises is
    answered as an alert."""

    async def with_data(update: Update, context: RounaqContext, query: CallbackQuery) -> Any:
        data = kind.unpack(query.data if isinstance(query.data, str) else None)
        if data is None:
            await stale(query, context)
            return None
        try:
            return await callback(update, context, query, data)
        except WorkflowError as error:
            # The service's refusal (not found, not now) is the press's answer.
            await answer_quietly(query, workflow_error(context.tr, error), show_alert=True)
            return None

    return CallbackQueryHandler(query_guarded(with_data, needs), pattern=kind.pattern())


def as_button(
    command: CommandCallback,
) -> Callable[[Update, RounaqContext, CallbackQuery, Any], Coroutine[Any, Any, None]]:
    """A button that does what a command does: the press answered, then the command's reply
    (the agenda from a notice's button, /routing from /admin's)."""

    async def run(update: Update, context: RounaqContext, query: CallbackQuery, _: Any) -> None:
        await query.answer()
        await command(update, context)

    return run


def press(
    pattern: str, callback: QueryCallback, *, needs: Permission | None = None
) -> CallbackQueryHandler[RounaqContext, Any]:
    """A button with fixed data (a menu entry): the pattern is the whole data."""
    return CallbackQueryHandler(query_guarded(callback, needs), pattern=pattern)
