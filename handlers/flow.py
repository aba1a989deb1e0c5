"""What every multi-step flow (/register, /report, /progress, /editprogram) is built from:
the conversation itself, a text step, a pick among buttons, a plain press, its Cancel.

The buttons' side of a step (re-prompts, typed labels) is handlers/steps.py; a flow's
draft (a dataclass of its fields, `drafts.Draft`, which /cancel drops with every other
flow's) is handlers/drafts.py.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.ext.filters import BaseFilter

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from handlers.common import cancel, reply_not_text
from handlers.declare import Command, guarded
from handlers.steps import Choice, chosen
from handlers.ui import message_of, mixed_step_conversation

Kind = TypeVar("Kind", bound=CallbackData)
Step = Callable[[Update, RounaqContext], Coroutine[Any, Any, Any]]
StepHandlers = list[BaseHandler[Update, RounaqContext, Any]]
TEXT = filters.TEXT & ~filters.COMMAND


def conversation(
    name: str,
    entry: Command,
    states: Mapping[object, StepHandlers],
    *,
    entry_button: str | None = None,
) -> ConversationHandler[RounaqContext]:
    """A flow entered by its command (or a button matching the `entry_button` pattern,
    behind the command's permission), kept across restarts, left by /cancel (which ends
    every flow open), and begun again by its command at any step."""
    assert entry.callback is not None
    entries: StepHandlers = [entry.handler()]
    if entry_button is not None:
        entries.append(
            CallbackQueryHandler(guarded(entry.callback, entry.permission), pattern=entry_button)
        )
    with mixed_step_conversation():
        return ConversationHandler(
            entry_points=entries,
            states=dict(states),
            fallbacks=[CommandHandler("cancel", cancel)],
            name=name,
            persistent=True,
            allow_reentry=True,
        )


def on(kind: type[CallbackData], step: Step) -> CallbackQueryHandler[RounaqContext, Any]:
    """A step's handler for the presses of one button kind."""
    return CallbackQueryHandler(step, pattern=kind.pattern())


def text_step(
    on_text: Step,
    *,
    also: BaseFilter | None = None,
) -> StepHandlers:
    """A step that takes typed text (and what `also` matches): anything else is told that
    text is expected, and the step stays."""
    accepted = TEXT if also is None else TEXT | also
    return [MessageHandler(accepted, on_text), MessageHandler(~filters.COMMAND, reply_not_text)]


def typed(update: Update) -> tuple[Message, str]:
    """The message a text step took, and its text (the step's filter let only text in)."""
    message = message_of(update)
    assert message.text is not None
    return message, message.text


async def pick(
    update: Update,
    context: RounaqContext,
    kind: type[Kind],
    allowed: Callable[[Kind], bool] = lambda _picked: True,
) -> tuple[Choice, Kind] | None:
    """A button step's answer read as `kind` and answered. None, after the stale-button
    alert, when it is not this kind's or no longer `allowed` (an old message's button)."""
    choice = chosen(update, context)
    picked = kind.unpack(choice.data)
    if picked is None or not allowed(picked):
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return None
    await choice.answer()
    return choice, picked


async def pressed(update: Update, context: RounaqContext) -> Choice:
    """A plain button of the step pressed (or its label typed): answered, and the buttons
    taken off the message, so the step cannot be answered twice."""
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    return choice


async def cancel_button(update: Update, context: RounaqContext) -> int:
    """A flow's own Cancel button: the same as /cancel."""
    await pressed(update, context)
    return await cancel(update, context)
