"""/status of the key programs; officers' progress updates; admins' edits; report links."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

import jdatetime
from telegram import CallbackQuery, InlineKeyboardButton, InputFile, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import charts
from bot.access import Permission, can_update_program
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape, split_message
from bot.services.programs import Evidence, ProgramError
from bot.text import (
    normalize_text,
    parse_int,
    parse_jalali_date,
    parse_percent,
    parse_tracking_number,
)
from bot.views_figures import national_programs, program_detail, progress_bars, status_pages
from handlers import steps
from handlers.common import cancel, reply_not_text
from handlers.declare import button, command, guarded, stale
from handlers.ui import (
    keyboard,
    mixed_step_conversation,
    pager_row,
    rows,
    send_chunks,
)

DRAFT_KEY = "progress_draft"
EDIT_KEY = "program_edit"
MAX_FILE_NAME = 200
DATE_FIELDS = ("starts_on", "due_on")
TEXT_FIELDS = ("title_fa", "title_en", "target_fa", "target_en")
EDIT_FIELDS = ("title_fa", "title_en", "agency_id", "target_fa", "target_en", *DATE_FIELDS)


# Viewing (`pg:`), the progress-update flow (`pgf:`) and the admin's edit flow (`pge:`).
@dataclass(frozen=True, slots=True)
class ListButton(CallbackData, prefix="pg:l"):
    page: int


@dataclass(frozen=True, slots=True)
class OpenButton(CallbackData, prefix="pg:o"):
    number: int


@dataclass(frozen=True, slots=True)
class ChartButton(CallbackData, prefix="pg:c"):
    pass


@dataclass(frozen=True, slots=True)
class EvidenceButton(CallbackData, prefix="pg:e"):
    update_id: int


@dataclass(frozen=True, slots=True)
class UpdateButton(CallbackData, prefix="pg:u"):
    program_id: int


@dataclass(frozen=True, slots=True)
class PickProgram(CallbackData, prefix="pgf:p"):
    program_id: int


@dataclass(frozen=True, slots=True)
class NoEvidence(CallbackData, prefix="pgf:n"):
    pass


@dataclass(frozen=True, slots=True)
class Today(CallbackData, prefix="pgf:t"):
    pass


@dataclass(frozen=True, slots=True)
class Save(CallbackData, prefix="pgf:s"):
    pass


@dataclass(frozen=True, slots=True)
class Cancel(CallbackData, prefix="pgf:x"):
    pass


@dataclass(frozen=True, slots=True)
class EditField(CallbackData, prefix="pge:f"):
    field: str

    def valid(self) -> bool:
        return self.field in EDIT_FIELDS


@dataclass(frozen=True, slots=True)
class EditAgency(CallbackData, prefix="pge:a"):
    agency_id: int


class State(IntEnum):
    PROGRAM = 1
    PERCENT = 2
    NOTE = 3
    EVIDENCE = 4
    DATE = 5
    CONFIRM = 6


class EditState(IntEnum):
    FIELD = 11
    VALUE = 12


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None
    return chat.id


# --- /status ------------------------------------------------------------------------------


async def _status_page(context: RounaqContext, page: int) -> tuple[str, Any]:
    services, tr = context.services, context.tr
    programs = await services.programs.all()
    with_lights = [(p, services.programs.light(p)) for p in programs]
    pages = status_pages(tr, context.fmt, services.directory, with_lights)
    page = min(max(page, 1), len(pages))
    # A button per program, on every page: 27 short number buttons are the index.
    numbers = [p.number for p in programs]
    buttons = [
        InlineKeyboardButton(
            tr.t("programs.btn_open", number=context.fmt.plain_int(n)),
            callback_data=OpenButton(n).pack(),
        )
        for n in numbers
    ]
    markup = keyboard(
        *rows(buttons, 7),
        pager_row(tr, ListButton.prefix, page, len(pages)),
        [InlineKeyboardButton(tr.t("programs.btn_chart"), callback_data=ChartButton().pack())]
        if programs
        else [],
    )
    return pages[page - 1], markup


async def status(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if args:
        number = parse_int(args[0])
        if number is None or not await _send_program(update, context, number):
            await message.reply_text(context.tr.t("programs.not_found"))
        return
    if context.principal.can(Permission.VIEW_NATIONAL):
        # The ministry: every province's programs in brief; `/status <n>` still opens one
        # of this bot's province.
        services = context.services
        rows = await services.national.across_provinces(services.programs.rollup)
        for chunk in split_message(national_programs(context.tr, context.fmt, rows)):
            await message.reply_text(chunk)
        return
    text, markup = await _status_page(context, 1)
    await message.reply_text(text, reply_markup=markup)


async def list_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ListButton
) -> None:
    await query.answer()
    text, markup = await _status_page(context, data.page)
    await query.edit_message_text(text, reply_markup=markup)


async def _send_program(update: Update, context: RounaqContext, number: int) -> bool:
    services, tr, fmt = context.services, context.tr, context.fmt
    page = await services.programs.page(number)
    if page is None:
        return False
    today = services.clock.now().astimezone(services.settings.tz).date()
    text = program_detail(tr, fmt, services.directory, page, today)
    buttons: list[list[InlineKeyboardButton]] = []
    if can_update_program(context.principal, page.program.agency_id):
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("programs.btn_update"),
                    callback_data=UpdateButton(page.program.id).pack(),
                )
            ]
        )
    with_evidence = next((u for u in page.updates if u.evidence_file_id), None)
    if with_evidence is not None:
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("programs.btn_evidence"),
                    callback_data=EvidenceButton(with_evidence.id).pack(),
                )
            ]
        )
    buttons.append(
        [InlineKeyboardButton(tr.t("programs.btn_list"), callback_data=ListButton(1).pack())]
    )
    await send_chunks(context, _chat_id(update), text, keyboard(*buttons))
    return True


async def open_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: OpenButton
) -> None:
    if not await _send_program(update, context, data.number):
        await query.answer(context.tr.t("programs.not_found"), show_alert=True)
        return
    await query.answer()


async def chart_button(
    update: Update, context: RounaqContext, query: CallbackQuery, _: ChartButton
) -> None:
    await query.answer()
    tr, fmt = context.tr, context.fmt
    programs = await context.services.programs.all()
    png = await asyncio.to_thread(
        charts.horizontal_bars,
        fmt,
        tr.t("programs.chart_title"),
        progress_bars(tr, fmt, programs),
        axis_label=tr.t("programs.chart_axis"),
        limit=110,
    )
    await context.bot.send_photo(
        _chat_id(update),
        InputFile(png, filename="programs.png"),
        caption=tr.t("programs.chart_title"),
    )


async def evidence_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: EvidenceButton
) -> None:
    """Resend an update's evidence file to someone who may see the program."""
    found = await context.services.programs.evidence(data.update_id)
    if found is None:
        await stale(query, context)
        return
    await query.answer()
    kind, file_id = found
    if kind == "photo":
        await context.bot.send_photo(_chat_id(update), file_id)
    else:
        await context.bot.send_document(_chat_id(update), file_id)


# --- the progress-update flow -------------------------------------------------------------


def _draft(context: RounaqContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.setdefault(DRAFT_KEY, {})
    assert isinstance(draft, dict)
    return draft


def _draft_lost(context: RounaqContext) -> bool:
    """The draft lost its program: a /cancel in another flow open beside this one discards
    every draft (handlers/common.py) but ends only that other flow."""
    return "program_id" not in _draft(context)


async def _start_again(update: Update, context: RounaqContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    await context.bot.send_message(_chat_id(update), context.tr.t("programs.restart"))
    return ConversationHandler.END


async def begin_progress(update: Update, context: RounaqContext) -> int:
    principal, tr = context.principal, context.tr
    programs = context.services.programs.updatable(principal, await context.services.programs.all())
    query = update.callback_query
    if query is not None:
        pressed = UpdateButton.unpack(query.data if isinstance(query.data, str) else None)
        program_id = pressed.program_id if pressed else None
        chosen = next((p for p in programs if p.id == program_id), None)
        if chosen is None:
            await query.answer(tr.t("programs.error.not_your_agency"), show_alert=True)
            return ConversationHandler.END
        await query.answer()
        assert context.user_data is not None
        context.user_data[DRAFT_KEY] = {"program_id": chosen.id}
        await _ask_percent(update, context, chosen.id)
        return State.PERCENT
    if not programs:
        await context.bot.send_message(_chat_id(update), tr.t("programs.no_programs"))
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {}
    if len(programs) == 1:
        _draft(context)["program_id"] = programs[0].id
        await _ask_percent(update, context, programs[0].id)
        return State.PERCENT
    fmt = context.fmt
    buttons = [
        InlineKeyboardButton(
            context.tr.t(
                "programs.btn_pick",
                number=fmt.plain_int(p.number),
                title=fmt.shorten(p.title(context.lang), 56),
            ),
            callback_data=PickProgram(p.id).pack(),
        )
        for p in programs
    ]
    await context.bot.send_message(
        _chat_id(update),
        tr.t("programs.choose_program"),
        reply_markup=steps.step_markup(context, keyboard(*rows(buttons, 1))),
    )
    return State.PROGRAM


async def got_program(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    picked = PickProgram.unpack(choice.data)
    program = await context.services.programs.get(picked.program_id) if picked else None
    if program is None or not can_update_program(context.principal, program.agency_id):
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return State.PROGRAM
    await choice.answer()
    _draft(context)["program_id"] = program.id
    await _ask_percent(update, context, program.id)
    return State.PERCENT


async def _ask_percent(update: Update, context: RounaqContext, program_id: int) -> None:
    program = await context.services.programs.get(program_id)
    assert program is not None
    fmt = context.fmt
    steps.step_markup(context, None)  # a text step
    await context.bot.send_message(
        _chat_id(update),
        context.tr.t(
            "programs.ask_percent",
            number=fmt.plain_int(program.number),
            title=escape(program.title(context.lang)),
            progress=fmt.percent(program.progress / 100),
        ),
    )


async def got_percent(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    if _draft_lost(context):
        return await _start_again(update, context)
    percent = parse_percent(message.text)
    if percent is None:
        await message.reply_text(
            context.tr.t("programs.bad_percent", text=escape(context.fmt.shorten(message.text, 40)))
        )
        return State.PERCENT
    _draft(context)["percent"] = percent
    await message.reply_text(context.tr.t("programs.ask_note"))
    return State.NOTE


async def got_note(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    if _draft_lost(context):
        return await _start_again(update, context)
    note = normalize_text(message.text)
    try:
        context.services.programs.check_update(None, note or "-", None)
    except ProgramError as error:
        await message.reply_text(context.tr.t(f"programs.error.{error.reason}"))
        return State.NOTE
    _draft(context)["note"] = note
    await message.reply_text(
        context.tr.t("programs.ask_evidence"),
        reply_markup=steps.step_markup(
            context,
            keyboard(
                [
                    InlineKeyboardButton(
                        context.tr.t("programs.btn_no_evidence"),
                        callback_data=NoEvidence().pack(),
                    )
                ]
            ),
        ),
    )
    return State.EVIDENCE


async def got_evidence(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    if _draft_lost(context):
        return await _start_again(update, context)
    if message.photo:
        photo = message.photo[-1]
        _draft(context)["evidence"] = {"kind": "photo", "file_id": photo.file_id}
    elif message.document is not None:
        name = (message.document.file_name or "")[:MAX_FILE_NAME] or None
        _draft(context)["evidence"] = {
            "kind": "document",
            "file_id": message.document.file_id,
            "file_name": name,
        }
    await _ask_date(update, context)
    return State.DATE


async def no_evidence(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    await choice.answer()
    await choice.clear()
    if _draft_lost(context):
        return await _start_again(update, context)
    _draft(context).pop("evidence", None)
    await _ask_date(update, context)
    return State.DATE


async def _ask_date(update: Update, context: RounaqContext) -> None:
    tr, fmt = context.tr, context.fmt
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    await context.bot.send_message(
        _chat_id(update),
        tr.t("programs.ask_date", example=fmt.short_date(today)),
        reply_markup=steps.step_markup(
            context,
            keyboard(
                [InlineKeyboardButton(tr.t("programs.btn_today"), callback_data=Today().pack())]
            ),
        ),
    )


async def got_date(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    if _draft_lost(context):
        return await _start_again(update, context)
    parsed = parse_jalali_date(message.text)
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    if parsed is None:
        await message.reply_text(
            context.tr.t(
                "programs.error.bad_date",
                text=escape(context.fmt.shorten(message.text, 40)),
                example=context.fmt.short_date(today),
            ),
            reply_markup=steps.remembered_markup(context),
        )
        return State.DATE
    day: date = parsed.togregorian()
    try:
        context.services.programs.check_update(None, "", day)
    except ProgramError as error:
        await message.reply_text(
            context.tr.t(f"programs.error.{error.reason}"),
            reply_markup=steps.remembered_markup(context),
        )
        return State.DATE
    _draft(context)["date"] = day.isoformat()
    await _confirm(update, context)
    return State.CONFIRM


async def today_button(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    await choice.answer()
    await choice.clear()
    if _draft_lost(context):
        return await _start_again(update, context)
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    _draft(context)["date"] = today.isoformat()
    await _confirm(update, context)
    return State.CONFIRM


async def _confirm(update: Update, context: RounaqContext) -> None:
    draft, tr, fmt = _draft(context), context.tr, context.fmt
    program = await context.services.programs.get(int(draft["program_id"]))
    assert program is not None
    text = tr.t(
        "programs.confirm",
        number=fmt.plain_int(program.number),
        title=escape(program.title(context.lang)),
        percent=fmt.percent(int(draft["percent"]) / 100),
        date=fmt.date(date.fromisoformat(draft["date"])),
        evidence=tr.t("programs.evidence_yes" if draft.get("evidence") else "programs.evidence_no"),
        note=escape(draft["note"]),
    )
    await context.bot.send_message(
        _chat_id(update),
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


async def save(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    draft, tr, fmt = _draft(context), context.tr, context.fmt
    if not {"program_id", "percent", "note", "date"} <= draft.keys():
        await choice.answer(tr.t("common.stale_button"), show_alert=True)
        return ConversationHandler.END
    evidence = Evidence(**draft["evidence"]) if draft.get("evidence") else None
    try:
        saved = await context.services.programs.post_update(
            context.principal,
            int(draft["program_id"]),
            percent=int(draft["percent"]),
            note=str(draft["note"]),
            reported_on=date.fromisoformat(draft["date"]),
            evidence=evidence,
        )
    except ProgramError as error:
        await choice.answer(tr.t(f"programs.error.{error.reason}"), show_alert=True)
        return ConversationHandler.END
    await choice.answer()
    await choice.clear()
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    program = await context.services.programs.get(saved.program_id)
    assert program is not None
    await context.bot.send_message(
        _chat_id(update),
        tr.t(
            "programs.saved",
            number=fmt.plain_int(program.number),
            percent=fmt.percent(saved.percent / 100),
        ),
        reply_markup=keyboard(
            [
                InlineKeyboardButton(
                    tr.t("programs.btn_list"), callback_data=OpenButton(program.number).pack()
                )
            ]
        ),
    )
    return ConversationHandler.END


async def cancel_button(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    await choice.answer()
    await choice.clear()
    return await cancel(update, context)


def progress_conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    text = filters.TEXT & ~filters.COMMAND
    files = filters.PHOTO | filters.Document.ALL
    with mixed_step_conversation():
        return ConversationHandler(
            entry_points=[
                PROGRESS.handler(),
                CallbackQueryHandler(
                    guarded(begin_progress, Permission.UPDATE_PROGRAMS),
                    pattern=UpdateButton.pattern(),
                ),
            ],
            states={
                State.PROGRAM: steps.button_state(
                    application, CallbackQueryHandler(got_program, pattern=PickProgram.pattern())
                ),
                State.PERCENT: [
                    MessageHandler(text, got_percent),
                    MessageHandler(~filters.COMMAND, reply_not_text),
                ],
                State.NOTE: [
                    MessageHandler(text, got_note),
                    MessageHandler(~filters.COMMAND, reply_not_text),
                ],
                State.EVIDENCE: steps.button_state(
                    application,
                    CallbackQueryHandler(no_evidence, pattern=NoEvidence.pattern()),
                    also=[MessageHandler(files, got_evidence)],
                ),
                State.DATE: steps.button_state(
                    application,
                    CallbackQueryHandler(today_button, pattern=Today.pattern()),
                    also=[MessageHandler(text, got_date)],
                    hint="common.text_expected",
                ),
                State.CONFIRM: steps.button_state(
                    application,
                    CallbackQueryHandler(save, pattern=Save.pattern()),
                    CallbackQueryHandler(cancel_button, pattern=Cancel.pattern()),
                ),
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="progress",
            persistent=True,
            allow_reentry=True,
        )


# --- admins: editing programs and loading a program set -----------------------------------


async def begin_edit(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    tr, fmt = context.tr, context.fmt
    number = parse_int(context.args[0]) if context.args else None
    program = await context.services.programs.by_number(number) if number else None
    if program is None:
        # A number given that names no program is told so, not asked for a number again.
        key = "programs.not_found" if context.args else "programs.edit_usage"
        await message.reply_text(tr.t(key))
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[EDIT_KEY] = {"program_id": program.id, "number": program.number}
    buttons = [
        InlineKeyboardButton(tr.t(f"programs.field.{f}"), callback_data=EditField(f).pack())
        for f in EDIT_FIELDS
    ]
    await message.reply_text(
        tr.t(
            "programs.edit_choose",
            number=fmt.plain_int(program.number),
            title=escape(program.title(context.lang)),
        ),
        reply_markup=steps.step_markup(context, keyboard(*rows(buttons, 2))),
    )
    return EditState.FIELD


def _edit_draft(context: RounaqContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.setdefault(EDIT_KEY, {})
    assert isinstance(draft, dict)
    return draft


async def edit_field(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    tr = context.tr
    picked = EditField.unpack(choice.data)
    field = picked.field if picked else ""
    if not field or "program_id" not in _edit_draft(context):
        await choice.answer(tr.t("common.stale_button"), show_alert=True)
        return EditState.FIELD
    await choice.answer()
    _edit_draft(context)["field"] = field
    label = tr.t(f"programs.field.{field}")
    if field == "agency_id":
        buttons = [
            InlineKeyboardButton(
                context.fmt.shorten(a.short_name(context.lang), 40),
                callback_data=EditAgency(a.id).pack(),
            )
            for a in context.services.directory.agencies
        ]
        await choice.edit(
            tr.t("programs.edit_ask_agency"),
            steps.step_markup(context, keyboard(*rows(buttons, 2))),
        )
        return EditState.VALUE
    if field in DATE_FIELDS:
        today = context.services.clock.now().astimezone(context.settings.tz).date()
        text = tr.t("programs.edit_ask_date", field=label, example=context.fmt.short_date(today))
    else:
        text = tr.t("programs.edit_ask", field=label)
    steps.step_markup(context, None)  # a text step
    await choice.edit(text)
    return EditState.VALUE


async def _apply_edit(update: Update, context: RounaqContext, value: Any) -> int:
    draft, tr = _edit_draft(context), context.tr
    try:
        await context.services.programs.edit(
            context.principal, int(draft["program_id"]), str(draft["field"]), value
        )
    except ProgramError as error:
        await context.bot.send_message(_chat_id(update), tr.t(f"programs.error.{error.reason}"))
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data.pop(EDIT_KEY, None)
    await context.bot.send_message(
        _chat_id(update),
        tr.t("programs.edit_done", number=context.fmt.plain_int(int(draft["number"]))),
    )
    return ConversationHandler.END


async def edit_value(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    draft, tr = _edit_draft(context), context.tr
    field = draft.get("field")
    text = normalize_text(message.text)
    if field in DATE_FIELDS:
        if text in (tr.t("programs.edit_clear"), "-"):
            return await _apply_edit(update, context, None)
        parsed: jdatetime.date | None = parse_jalali_date(text)
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
            await message.reply_text(tr.t("programs.error.text_length"))
            return EditState.VALUE
        return await _apply_edit(update, context, text)
    await steps.reprompt(update, context)
    return EditState.VALUE


async def edit_agency(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    picked = EditAgency.unpack(choice.data)
    if picked is None or _edit_draft(context).get("field") != "agency_id":
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return EditState.VALUE
    await choice.answer()
    await choice.clear()
    return await _apply_edit(update, context, picked.agency_id)


def edit_conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    with mixed_step_conversation():
        return ConversationHandler(
            entry_points=[EDITPROGRAM.handler()],
            states={
                EditState.FIELD: steps.button_state(
                    application, CallbackQueryHandler(edit_field, pattern=EditField.pattern())
                ),
                # Text for most fields; the agency is a button (typed names count).
                EditState.VALUE: steps.button_state(
                    application,
                    CallbackQueryHandler(edit_agency, pattern=EditAgency.pattern()),
                    also=[MessageHandler(filters.TEXT & ~filters.COMMAND, edit_value)],
                    hint="common.text_expected",
                ),
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="program_edit",
            persistent=True,
            allow_reentry=True,
        )


async def program_set_file(update: Update, context: RounaqContext) -> None:
    """An admin sends a TOML program set: new programs are added, known ones updated."""
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    tr = context.tr
    if (message.document.file_size or 0) > context.settings.max_upload_bytes:
        await message.reply_text(tr.t("loans.import_too_big"))
        return
    file = await context.bot.get_file(message.document.file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        result = await context.services.programs.load_set(context.principal, data)
    except ProgramError as error:
        await message.reply_text(
            tr.t(f"programs.error.{error.reason}", detail=escape(error.detail))
            if error.reason.startswith("file_") and error.reason != "file_empty"
            else tr.t(f"programs.error.{error.reason}")
        )
        return
    await message.reply_text(tr.t("programs.loaded", added=result.added, updated=result.updated))


# --- the secretariat: linking reports to programs -----------------------------------------


async def link_command(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    assert message is not None
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


STATUS = command("status", status, needs=Permission.VIEW_PROGRAMS)
PROGRESS = command("progress", begin_progress, needs=Permission.UPDATE_PROGRAMS)
# Tools that take arguments: in /help, not in the menu.
EDITPROGRAM = command("editprogram", begin_edit, needs=Permission.EDIT_PROGRAMS, in_menu=False)
LINK = command("link", link_command, needs=Permission.LINK_REPORTS, in_menu=False)
UNLINK = command("unlink", link_command, needs=Permission.LINK_REPORTS, in_menu=False)
COMMANDS = [STATUS, PROGRESS, EDITPROGRAM, LINK, UNLINK]


def register(application: RounaqApp) -> None:
    application.add_handler(progress_conversation(application))
    application.add_handler(edit_conversation(application))
    application.add_handler(STATUS.handler())
    application.add_handler(LINK.handler())
    application.add_handler(UNLINK.handler())
    application.add_handler(button(ListButton, list_button, needs=Permission.VIEW_PROGRAMS))
    application.add_handler(button(OpenButton, open_button, needs=Permission.VIEW_PROGRAMS))
    application.add_handler(button(ChartButton, chart_button, needs=Permission.VIEW_PROGRAMS))
    application.add_handler(button(EvidenceButton, evidence_button, needs=Permission.VIEW_PROGRAMS))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.Document.FileExtension("toml"),
            guarded(program_set_file, Permission.EDIT_PROGRAMS),
        )
    )
