"""A one-text prompt after a button ("write your question", "write the reason"...): what a
feature calls to ask, and how the answer is taken.

A button that needs text calls `ask()`: the question goes to the user's private chat, and
what the answer needs is kept in user_data under PENDING_KEY, named by its kind. The
waiting itself is a conversation built by `flow.prompt` (entered by the buttons that ask,
its one step the text): it takes the next private text while one of its kinds is pending
and hands it to that kind's handler. Another command drops the pending answer; /cancel
ends it with every other flow (flow.cancel_all).
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


async def ask_next(
    update: Update, context: RounaqContext, text: str, kind: str, **data: Any
) -> bool:
    """An answer taken, the flow's next question: `ask()` in the chat the answer came from,
    with what the flow has gathered so far. True: the answer is accepted."""
    await ask(context, message_of(update).chat.id, text, kind, **data)
    return True


def pending(context: RounaqContext) -> dict[str, Any] | None:
    value = context.user_data.get(PENDING_KEY) if context.user_data is not None else None
    return value if isinstance(value, dict) else None


def drop(context: RounaqContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(PENDING_KEY, None)


class Waiting(Awaited):
    """Private messages from a user the bot waits on for text of one of `kinds` (None: of
    a kind no prompt knows any more, asked before an upgrade)."""

    def __init__(self, application: RounaqApp, kinds: Collection[str] | None) -> None:
        super().__init__(application)
        self._kinds = kinds

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        kind = pending_kind(user_data)
        if kind is None:
            return False
        if self._kinds is None:
            return kind not in runtime_of(self._application).prompt_handlers
        return kind in self._kinds


def pending_kind(user_data: Mapping[str, Any] | None) -> str | None:
    value = user_data.get(PENDING_KEY) if user_data is not None else None
    return str(value.get("kind")) if isinstance(value, dict) else None


async def take_answer(
    update: Update, context: RounaqContext, handlers: Mapping[str, PromptHandler]
) -> None:
    """The text answers the pending prompt: handed to its kind's handler, normalised."""
    message = message_of(update)
    data = pending(context)
    if message.text is None or data is None:
        return
    drop(context)
    handler = handlers[str(data.get("kind"))]  # the step's filter let only these in
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
    """A sticker, a photo... where text was asked for."""
    await message_of(update).reply_text(context.tr.t("workflow.text_expected"))


async def unknown(update: Update, context: RounaqContext) -> None:
    """Text for a prompt this version no longer knows (asked before an upgrade): say so,
    not nothing, and stop waiting."""
    drop(context)
    await message_of(update).reply_text(context.tr.t("common.flow_lost"))


async def forget_on_command(update: Update, context: RounaqContext) -> None:
    """Any other command means the user moved on: stop waiting for their text.

    An old command delivered again never gets here (the inbox drops an id it holds), so a
    prompt asked since keeps waiting.
    """
    drop(context)


def register(application: RounaqApp) -> None:
    """After every feature's prompt conversation (flow.prompt)."""
    # Group -2 runs before the gate and everything else, without stopping them. It cannot
    # share the gate's group -1 (the gate's TypeHandler takes every update there), so it
    # asks the gate's question itself: see forget_on_command. Only a new message counts:
    # editing an old command is not moving on (and the gate answers edits anyway). The
    # feature's conversation stays at its step, deaf while nothing of its is pending.
    # /language is no moving on: the text is still awaited, said in the language chosen
    # (start.choose_language).
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & filters.COMMAND
            & ~filters.Regex(r"^/(cancel|language)(@\w+)?(\s|$)"),
            forget_on_command,
        ),
        group=-2,
    )
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & Waiting(application, None), unknown)
    )
