"""The /progress flow's draft, button kinds, states and the prompts several steps send."""

from __future__ import annotations

from datetime import date
from enum import IntEnum

from telegram import InlineKeyboardButton, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.views import programs as views_programs
from handlers import drafts, steps
from handlers.ui import chat_id, keyboard

DRAFT = drafts.Draft("progress_draft")
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
    steps.step_markup(context, None)  # a text step
    text = views_programs.ask_percent(context.tr, context.fmt, program)
    await context.bot.send_message(chat_id(update), text)


async def ask_date(update: Update, context: RounaqContext) -> None:
    tr, fmt = context.tr, context.fmt
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    await context.bot.send_message(
        chat_id(update),
        tr.t("programs.ask_date", example=fmt.short_date(today)),
        reply_markup=steps.step_markup(
            context,
            keyboard(
                [InlineKeyboardButton(tr.t("programs.btn_today"), callback_data=Today().pack())]
            ),
        ),
    )


async def confirm(update: Update, context: RounaqContext) -> None:
    values, tr = DRAFT.of(context), context.tr
    program = await context.services.programs.get(int(values["program_id"]))
    assert program is not None
    text = views_programs.progress_confirm(
        tr,
        context.fmt,
        program,
        percent=int(values["percent"]),
        day=date.fromisoformat(values["date"]),
        evidence=bool(values.get("evidence")),
        note=str(values["note"]),
    )
    await context.bot.send_message(
        chat_id(update),
        text,
        reply_markup=steps.step_markup(
            context,
            keyboard(
                [
                    InlineKeyboardButton(tr.t("programs.btn_save"), callback_data=Save().pack()),
                    InlineKeyboardButton(tr.t("common.cancel"), callback_data=Cancel().pack()),
                ]
            ),
        ),
    )
