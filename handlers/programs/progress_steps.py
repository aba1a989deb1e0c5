"""The /progress flow's draft, button kinds, states and the prompts several steps send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.services.programs import Evidence
from bot.views import programs as views_programs
from handlers import drafts, steps
from handlers.ui import chat_id, keyboard


@dataclass(slots=True)
class ProgressFields:
    """The update as far as the officer has given it; each step fills its field."""

    program_id: int | None = None
    percent: int | None = None
    note: str | None = None
    evidence: Evidence | None = None
    date: dt.date | None = None  # (the module: a field named `date` hides the type)

    def answered(self) -> tuple[int, int, str, dt.date] | None:
        """(program, percent, note, day) once every step is answered, else None."""
        if self.program_id is None or self.percent is None or self.note is None:
            return None
        return None if self.date is None else (self.program_id, self.percent, self.note, self.date)


DRAFT = drafts.Draft("progress_draft", ProgressFields)
MAX_FILE_NAME = 200


class PickProgram(CallbackData, prefix="pgf:p"):
    program_id: int


class NoEvidence(CallbackData, prefix="pgf:n"): ...


class Today(CallbackData, prefix="pgf:t"): ...


class Save(CallbackData, prefix="pgf:s"): ...


class Cancel(CallbackData, prefix="pgf:x"): ...


class State(IntEnum):
    PROGRAM = 1
    PERCENT = 2
    NOTE = 3
    EVIDENCE = 4
    DATE = 5
    CONFIRM = 6


async def ask_percent(update: Update, context: RounaqContext, program_id: int) -> None:
    program = await context.services.programs.get(program_id)
    assert program is not None
    await text_step(context)
    text = views_programs.ask_percent(context.tr, context.fmt, program)
    await context.bot.send_message(chat_id(update), text)


async def ask_percent_again(update: Update, context: RounaqContext) -> None:
    """The percent step asked again (a language chosen at it)."""
    program_id = DRAFT.of(context).program_id
    if program_id is not None:
        await ask_percent(update, context, program_id)


async def ask_note(update: Update, context: RounaqContext) -> None:
    await text_step(context)
    await context.bot.send_message(chat_id(update), context.tr.t("programs.ask_note"))


async def text_step(context: RounaqContext) -> None:
    """A step that asks for text: no buttons to remember, and the flow's earlier step
    buttons go (a program picked by its typed title left the picker's)."""
    steps.step_markup(context, None)
    await steps.retire(context, DRAFT.key)


async def button_step(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """A step's question with its buttons, remembered (re-prompts, typed labels); the
    flow's earlier step buttons go, so only the step asked now can be pressed."""
    sent = await context.bot.send_message(
        chat_id(update), text, reply_markup=steps.step_markup(context, markup)
    )
    await steps.shown(context, DRAFT.key, sent)


async def ask_evidence(update: Update, context: RounaqContext) -> None:
    tr = context.tr
    skip = InlineKeyboardButton(tr.t("programs.btn_no_evidence"), callback_data=NoEvidence().pack())
    await button_step(update, context, tr.t("programs.ask_evidence"), keyboard([skip]))


async def ask_date(update: Update, context: RounaqContext) -> None:
    tr, fmt = context.tr, context.fmt
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    today_button = InlineKeyboardButton(tr.t("programs.btn_today"), callback_data=Today().pack())
    text = tr.t("programs.ask_date", example=fmt.short_date(today))
    await button_step(update, context, text, keyboard([today_button]))


async def confirm(update: Update, context: RounaqContext) -> None:
    values, tr = DRAFT.of(context), context.tr
    answered = values.answered()
    assert answered is not None  # every step before this one stored its answer
    program_id, percent, note, day = answered
    program = await context.services.programs.get(program_id)
    assert program is not None
    text = views_programs.progress_confirm(
        tr,
        context.fmt,
        program,
        percent=percent,
        day=day,
        evidence=values.evidence is not None,
        note=note,
    )
    buttons = [
        InlineKeyboardButton(tr.t("programs.btn_save"), callback_data=Save().pack()),
        InlineKeyboardButton(tr.t("common.cancel"), callback_data=Cancel().pack()),
    ]
    await button_step(update, context, text, keyboard(buttons))
