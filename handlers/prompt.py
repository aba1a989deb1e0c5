"""Free-text answers to a button: "write your question", "write the reason"...

A button that needs text calls `ask()`: the prompt goes to the user's private chat and
what they write next is handed to the handler registered for that kind with `on()`.
Another command drops the pending answer; /cancel drops it and says so. The pending
state lives in user_data (per user), the handler table on the runtime (per application).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import MessageHandler, filters

from bot.context import RounaqApp, RounaqContext
from bot.delivery import is_transient
from bot.i18n import Translator
from bot.services.workflow import WorkflowError
from bot.state import runtime_of
from bot.text import normalize_text
from handlers import drafts
from handlers.awaited import Awaited
from handlers.ui import message_of

# Named by the kind of text awaited ("hq_title", "ss_decision"...).
PENDING_KEY = drafts.register(
    "pending_input", lambda value: str(value.get("kind")) if isinstance(value, dict) else "prompt"
)

# (update, context, data saved by ask(), the text) -> True when done, False to ask again.
PromptHandler = Callable[[Update, RounaqContext, dict[str, Any], str], Awaitable[bool]]


def refusing(
    render: Callable[[Translator, WorkflowError], str], again: Collection[str] = ("note_length",)
) -> Callable[[PromptHandler], PromptHandler]:
    """A prompt's handler whose refusal (WorkflowError) is answered in words by `render`: a
    reason in `again` (a text of the wrong length) asks for the text again, any other ends
    the prompt."""

    def wrap(handler: PromptHandler) -> PromptHandler:
        @functools.wraps(handler)
        async def run(
            update: Update, context: RounaqContext, data: dict[str, Any], text: str
        ) -> bool:
            try:
                return await handler(update, context, data, text)
            except WorkflowError as error:
                message = message_of(update)
                await message.reply_text(render(context.tr, error))
                return error.reason not in again

        return run

    return wrap


def on(application: RounaqApp, kind: str, handler: PromptHandler) -> None:
    runtime_of(application).prompt_handlers[kind] = handler


async def ask(context: RounaqContext, user_id: int, text: str, kind: str, **data: Any) -> bool:
    """Ask the user for text in their private chat; False if the bot cannot write to them."""
    try:
        await context.bot.send_message(user_id, text)
    except Forbidden:
        return False
    except TelegramError as exc:
        if is_transient(exc):
            raise  # handled again later (handlers/errors.py)
        return False
    if context.user_data is None:
        return False
    context.user_data[PENDING_KEY] = {"kind": kind, **data}
    return True


async def ask_presser(
    context: RounaqContext, query: CallbackQuery, text: str, kind: str, **data: Any
) -> bool:
    """`ask()` whoever pressed the button, and answer the press: quietly, or with an alert
    to open a private chat with the bot when it cannot write to them."""
    asked = await ask(context, query.from_user.id, text, kind, **data)
    await query.answer(
        None if asked else context.tr.t("workflow.open_private"), show_alert=not asked
    )
    return asked


def pending(context: RounaqContext) -> dict[str, Any] | None:
    value = context.user_data.get(PENDING_KEY) if context.user_data is not None else None
    return value if isinstance(value, dict) else None


def drop(context: RounaqContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(PENDING_KEY, None)


class _Waiting(Awaited):
    """Private messages from a user the bot is waiting on for text."""

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        return bool(user_data.get(PENDING_KEY))


async def on_text(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    data = pending(context)
    if message is None or message.text is None or data is None:
        return
    drop(context)
    handler = context.runtime.prompt_handlers.get(str(data.get("kind")))
    if handler is None:
        # A prompt this version no longer knows (asked before an upgrade): say so, not nothing.
        await message.reply_text(context.tr.t("common.flow_lost"))
        return
    try:
        # Normalised once here (Arabic ي/ك, bidi controls...): every prompt's text is
        # stored or compared as the rest of the bot's free text is.
        done = await handler(update, context, data, normalize_text(message.text))
    except Exception:
        # The update may be handled again (a transient failure): it must find the same
        # pending answer, or the retry would take the text for something else.
        if context.user_data is not None:
            context.user_data[PENDING_KEY] = data
        raise
    # Asked again (e.g. too short): keep waiting for the same thing.
    if not done and context.user_data is not None:
        context.user_data[PENDING_KEY] = data


async def on_other(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(context.tr.t("workflow.text_expected"))


async def forget_on_command(update: Update, context: RounaqContext) -> None:
    """Any other command means the user moved on: stop waiting for their text.

    An old command delivered again never gets here (the inbox drops an id it holds), so a
    prompt asked since keeps waiting.
    """
    drop(context)


def register(application: RounaqApp) -> None:
    waiting = _Waiting(application, "WaitingForText")
    # Group -2 runs before the gate and everything else, without stopping them. It cannot
    # share the gate's group -1 (the gate's TypeHandler takes every update there), so it
    # asks the gate's question itself: see forget_on_command. Only a new message counts:
    # editing an old command is not moving on (and the gate answers edits anyway).
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.COMMAND & ~filters.Regex(r"^/cancel\b"),
            forget_on_command,
        ),
        group=-2,
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & waiting, on_text))
    application.add_handler(MessageHandler(~filters.COMMAND & waiting, on_other))
