"""/editprogram: an admin changes one field of a program."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import jdatetime
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ConversationHandler,
    MessageHandler,
)

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.services.programs import ProgramError
from bot.text import normalize_text, parse_date, parse_int
from handlers import drafts, flow, steps
from handlers.declare import command
from handlers.programs.status import no_such_program
from handlers.ui import chat_id, keyboard, message_of, rows


@dataclass(slots=True)
class EditFields:
    """The program being edited (its number to name it in the answer) and the field."""

    program_id: int | None = None
    number: int | None = None
    field: str | None = None


DRAFT = drafts.Draft("program_edit", EditFields)
DATE_FIELDS = ("starts_on", "due_on")
TEXT_FIELDS = ("title_fa", "title_en", "target_fa", "target_en")
EDIT_FIELDS = ("title_fa", "title_en", "agency_id", "target_fa", "target_en", *DATE_FIELDS)


class EditField(CallbackData, prefix="pge:f"):
    field: str

    def valid(self) -> bool:
        return self.field in EDIT_FIELDS


class EditAgency(CallbackData, prefix="pge:a"):
    agency_id: int


class EditState(IntEnum):
    FIELD = 11
    VALUE = 12


async def begin_edit(update: Update, context: RounaqContext) -> int:
    message = message_of(update)
    tr = context.tr
    number = parse_int(context.args[0]) if context.args else None
    program = await context.services.programs.by_number(number) if number else None
    if program is None:
        # A number given that names no program is told so, not asked for a number again.
        if context.args:
            await message.reply_text(await no_such_program(context, context.args[0]))
        else:
            await message.reply_text(tr.t("programs.edit_usage"))
        return ConversationHandler.END
    DRAFT.put(context, EditFields(program.id, program.number))
    return await ask_field(update, context)


async def ask_field(update: Update, context: RounaqContext) -> int:
    """The program's fields to choose from (asked again in a language chosen at it)."""
    tr, fmt = context.tr, context.fmt
    program_id = DRAFT.of(context).program_id
    program = await context.services.programs.get(program_id) if program_id else None
    if program is None:
        return await _lost(update, context)
    buttons = [
        InlineKeyboardButton(tr.t(f"programs.field.{f}"), callback_data=EditField(f).pack())
        for f in EDIT_FIELDS
    ]
    sent = await context.bot.send_message(
        chat_id(update),
        tr.t(
            "programs.edit_choose",
            number=fmt.plain_int(program.number),
            title=escape(program.title(context.lang)),
        ),
        reply_markup=steps.step_markup(context, keyboard(*rows(buttons, 2))),
    )
    await steps.shown(context, DRAFT.key, sent)
    return EditState.FIELD


async def edit_field(update: Update, context: RounaqContext) -> int:
    got = await flow.pick(
        update, context, EditField, lambda _: DRAFT.of(context).program_id is not None
    )
    if got is None:
        return EditState.FIELD
    choice, picked = got
    with DRAFT.edit(context) as draft:
        draft.field = picked.field
    text, markup = _value_question(context, picked.field)
    await _value_shown(context, await choice.edit(text, markup))
    return EditState.VALUE


async def _value_shown(context: RounaqContext, message: Message | None) -> None:
    """The value's question is the step now: the picker's buttons go (a field chosen by
    its typed name left them), and the agencies' ones, if asked, are the flow's."""
    if message is not None and message.reply_markup is not None:
        await steps.shown(context, DRAFT.key, message)
    else:
        await steps.retire(context, DRAFT.key)


async def ask_value(update: Update, context: RounaqContext) -> int:
    """The chosen field's question (asked again in a language chosen at it)."""
    field = DRAFT.of(context).field
    if field is None:
        return await _lost(update, context)
    text, markup = _value_question(context, field)
    await _value_shown(
        context, await context.bot.send_message(chat_id(update), text, reply_markup=markup)
    )
    return EditState.VALUE


def _value_question(context: RounaqContext, field: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the value step asks for `field`: the agencies as buttons, or a text to type."""
    tr = context.tr
    label = tr.t(f"programs.field.{field}")
    if field == "agency_id":
        buttons = [
            InlineKeyboardButton(
                context.fmt.shorten(a.short_name(context.lang), 40),
                callback_data=EditAgency(a.id).pack(),
            )
            for a in context.services.directory.agencies
        ]
        markup = steps.step_markup(context, keyboard(*rows(buttons, 2)))
        return tr.t("programs.edit_ask_agency"), markup
    steps.step_markup(context, None)  # a text step
    if field in DATE_FIELDS:
        today = context.services.clock.now().astimezone(context.settings.tz).date()
        example = context.fmt.short_date(today)
        return tr.t("programs.edit_ask_date", field=label, example=example), None
    return tr.t("programs.edit_ask", field=label), None


async def _apply_edit(update: Update, context: RounaqContext, value: Any) -> int:
    draft, tr = DRAFT.of(context), context.tr
    # The flow ends here either way: none of its buttons is left to press.
    await steps.retire(context, DRAFT.key)
    if draft.program_id is None or draft.number is None or draft.field is None:
        return await _lost(update, context)
    try:
        await context.services.programs.edit(
            context.principal, draft.program_id, draft.field, value
        )
    except ProgramError as error:
        await context.bot.send_message(chat_id(update), tr.t(f"programs.error.{error.reason}"))
        return ConversationHandler.END
    DRAFT.drop(context)
    await context.bot.send_message(
        chat_id(update),
        tr.t("programs.edit_done", number=context.fmt.plain_int(draft.number)),
    )
    return ConversationHandler.END


async def _lost(update: Update, context: RounaqContext) -> int:
    """A draft held without what the first steps stored (left so by an older version)."""
    await steps.retire(context, DRAFT.key)
    DRAFT.drop(context)
    await context.bot.send_message(chat_id(update), context.tr.t("programs.edit_restart"))
    return ConversationHandler.END


async def edit_value(update: Update, context: RounaqContext) -> int:
    message, typed = flow.typed(update)
    field, tr = DRAFT.of(context).field, context.tr
    text = normalize_text(typed)
    if field in DATE_FIELDS:
        if text in (tr.t("programs.edit_clear"), "-"):
            return await _apply_edit(update, context, None)
        parsed: jdatetime.date | None = parse_date(text)
        if parsed is None:
            today = context.services.clock.now().astimezone(context.settings.tz).date()
            await message.reply_text(
                tr.t(
                    "programs.error.bad_date",
                    text=escape(context.fmt.shorten(text, 40)),
                    example=context.fmt.short_date(today),
                )
            )
            return EditState.VALUE
        return await _apply_edit(update, context, parsed.togregorian())
    if field in TEXT_FIELDS:
        if not 1 <= len(text) <= 500:
            length = tr.plural("workflow.characters", len(text))
            await message.reply_text(tr.t("programs.error.text_length", length=length))
            return EditState.VALUE
        return await _apply_edit(update, context, text)
    await steps.reprompt(update, context)
    return EditState.VALUE


async def edit_agency(update: Update, context: RounaqContext) -> int:
    got = await flow.pick(
        update, context, EditAgency, lambda _: DRAFT.of(context).field == "agency_id"
    )
    if got is None:
        return EditState.VALUE
    choice, picked = got
    await choice.clear()
    return await _apply_edit(update, context, picked.agency_id)


def edit_conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    return flow.conversation(
        "program_edit",
        EDITPROGRAM,
        draft=DRAFT,
        lost="programs.edit_restart",
        asks={EditState.FIELD: ask_field, EditState.VALUE: ask_value},
        states={
            EditState.FIELD: steps.button_state(application, flow.on(EditField, edit_field)),
            # Text for most fields; the agency is a button (typed names count).
            EditState.VALUE: steps.button_state(
                application,
                flow.on(EditAgency, edit_agency),
                also=[MessageHandler(flow.TEXT, edit_value)],
                hint="common.text_expected",
            ),
        },
    )


# A tool that takes an argument: in /help, not in the menu. Its answers are typed, so it
# runs in the private chat (a bot in a group reads commands only).
EDITPROGRAM = command(
    "editprogram", begin_edit, needs=Permission.EDIT_PROGRAMS, in_menu=False, private=True
)
