"""The report draft: its button kinds, the flow's states, and where the draft is kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ConversationHandler

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.services.reports import Attachment
from handlers import drafts
from handlers.steps import retire, shown, step_markup


@dataclass(slots=True)
class ReportFields:
    """What the owner has given so far; each step fills its field. The stored keys are
    those of the untyped dict before, so a draft held across the upgrade still loads."""

    unit_id: int | None = None
    category_id: int | None = None
    description: str | None = None
    amount: int | None = None
    # "Skip" pressed at the amount: not asked again (unless the category changes).
    amount_skipped: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    # "Continue" pressed at the files step: a resumed draft goes on after it, not before.
    files_done: bool = False
    # The message the description was first taken from, and how much of the description
    # it gave: an edit of that message rewrites that part (handlers/report/files.py).
    description_message: int | None = None
    description_head: int = 0


DRAFT = drafts.Draft("report_draft", ReportFields)


class PickUnit(CallbackData, prefix="rep:unit"):
    unit_id: int


class PickCategory(CallbackData, prefix="rep:cat"):
    category_id: int


class Resume(CallbackData, prefix="rep:resume"): ...


class NewDraft(CallbackData, prefix="rep:new"): ...


class AttachmentsDone(CallbackData, prefix="rep:next"): ...


class SkipAmount(CallbackData, prefix="rep:skip"): ...


class Submit(CallbackData, prefix="rep:submit"): ...


class EditDescription(CallbackData, prefix="rep:edit:desc"): ...


class EditCategory(CallbackData, prefix="rep:edit:cat"): ...


class CancelReport(CallbackData, prefix="rep:cancel"): ...


class State(IntEnum):
    RESUME = 0  # /report again with a draft in hand: go on with it, or start over
    UNIT = 1
    CATEGORY = 2
    DESCRIPTION = 3
    ATTACH = 4
    AMOUNT = 5
    CONFIRM = 6


async def start_again(update: Update, context: RounaqContext) -> int:
    """A draft held without what its earlier steps stored (left so by an older version):
    the report begins again. (A draft not held at all: see flow.conversation.)"""
    await retire(context, DRAFT.key)
    DRAFT.drop(context)
    await send(update, context, context.tr.t("report.restart"))
    return ConversationHandler.END


async def send(update: Update, context: RounaqContext, text: str, **kwargs: Any) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(chat.id, text, **kwargs)


async def send_step(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None
) -> Message:
    """A step's question with its buttons (remembered for re-prompts and typed labels); the
    buttons the flow showed before are taken off (handlers/steps.py)."""
    return await step_shown(
        context, await send(update, context, text, reply_markup=step_markup(context, markup))
    )


async def step_shown(context: RounaqContext, message: Message) -> Message:
    """`message` carries the flow's step buttons now (steps.shown, for this flow)."""
    return await shown(context, DRAFT.key, message)
