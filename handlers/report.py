"""Reporting a production obstacle: unit → category → description (+ files) → amount → confirm."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.i18n import Translator
from bot.services.reports import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_ATTACHMENTS,
    Attachment,
    ReportDraft,
    ReportError,
    amount_allowed,
    document_type_allowed,
)
from bot.text import normalize_text, parse_amount_rials
from bot.views import CARD_DESCRIPTION_PREVIEW, is_trimmed, preview, tracking_number
from handlers.common import cancel, reply_not_text
from handlers.declare import command, guarded
from handlers.myreports import OpenButton
from handlers.notify import notify_agency_of_new_report
from handlers.steps import button_state, chosen, remembered_markup, reprompt, step_markup
from handlers.ui import keyboard, mixed_step_conversation, rows

log = logging.getLogger(__name__)


DRAFT_KEY = "report_draft"


@dataclass(frozen=True, slots=True)
class PickUnit(CallbackData, prefix="rep:unit"):
    unit_id: int


@dataclass(frozen=True, slots=True)
class PickCategory(CallbackData, prefix="rep:cat"):
    category_id: int


@dataclass(frozen=True, slots=True)
class Resume(CallbackData, prefix="rep:resume"):
    pass


@dataclass(frozen=True, slots=True)
class NewDraft(CallbackData, prefix="rep:new"):
    pass


@dataclass(frozen=True, slots=True)
class AttachmentsDone(CallbackData, prefix="rep:next"):
    pass


@dataclass(frozen=True, slots=True)
class SkipAmount(CallbackData, prefix="rep:skip"):
    pass


@dataclass(frozen=True, slots=True)
class Submit(CallbackData, prefix="rep:submit"):
    pass


@dataclass(frozen=True, slots=True)
class EditDescription(CallbackData, prefix="rep:edit:desc"):
    pass


@dataclass(frozen=True, slots=True)
class EditCategory(CallbackData, prefix="rep:edit:cat"):
    pass


@dataclass(frozen=True, slots=True)
class CancelReport(CallbackData, prefix="rep:cancel"):
    pass


class State(IntEnum):
    RESUME = 0  # /report again with a draft in hand: go on with it, or start over
    UNIT = 1
    CATEGORY = 2
    DESCRIPTION = 3
    ATTACH = 4
    AMOUNT = 5
    CONFIRM = 6


def _draft(context: RounaqContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.setdefault(DRAFT_KEY, {})
    assert isinstance(draft, dict)
    return draft


def _draft_lost(context: RounaqContext) -> bool:
    """The draft lacks what its earlier steps stored: a /cancel in another flow open beside
    this one discards every draft (handlers/common.py) but ends only that other flow."""
    return not {"unit_id", "category_id"} <= _draft(context).keys()


async def _start_again(update: Update, context: RounaqContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    await _send(update, context, context.tr.t("report.restart"))
    return ConversationHandler.END


async def _send(update: Update, context: RounaqContext, text: str, **kwargs: Any) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(chat.id, text, **kwargs)


# --- entry -------------------------------------------------------------------------------


async def begin(update: Update, context: RounaqContext) -> int:
    if update.callback_query:
        await update.callback_query.answer()
    draft = context.user_data.get(DRAFT_KEY) if context.user_data is not None else None
    if isinstance(draft, dict) and "category_id" in draft:
        # A draft in hand (the owner came back after a while, or a restart): /report must
        # not throw away what they wrote. Ask first.
        return await _ask_resume(update, context)
    return await _start(update, context)


async def _ask_resume(update: Update, context: RounaqContext) -> int:
    tr = context.tr
    buttons = keyboard(
        [InlineKeyboardButton(tr.t("report.btn_resume"), callback_data=Resume().pack())],
        [InlineKeyboardButton(tr.t("report.btn_new"), callback_data=NewDraft().pack())],
    )
    await _send(
        update, context, tr.t("report.resume_question"), reply_markup=step_markup(context, buttons)
    )
    return State.RESUME


async def resume_draft(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    draft = _draft(context)
    if "description" in draft:
        return await _after_description(update, context)
    await _ask_description(update, context)
    return State.DESCRIPTION


async def new_draft(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    return await _start(update, context)


async def _start(update: Update, context: RounaqContext) -> int:
    tr = context.tr
    units = await context.services.units.of_owner(context.principal.user_id)
    if not units:
        await _send(
            update,
            context,
            tr.t("report.no_units"),
            reply_markup=keyboard(
                [InlineKeyboardButton(tr.t("start.btn_register"), callback_data="menu:register")]
            ),
        )
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {"attachments": []}
    if len(units) == 1:
        _draft(context)["unit_id"] = units[0].id
        await _ask_category(update, context)
        return State.CATEGORY
    buttons = [
        InlineKeyboardButton(context.fmt.shorten(u.name, 40), callback_data=PickUnit(u.id).pack())
        for u in units
    ]
    await _send(
        update,
        context,
        tr.t("report.ask_unit"),
        reply_markup=step_markup(context, keyboard(*rows(buttons, 1))),
    )
    return State.UNIT


async def got_unit(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    picked = PickUnit.unpack(choice.data)
    unit_id = picked.unit_id if picked else None
    own = {u.id for u in await context.services.units.of_owner(context.principal.user_id)}
    if unit_id is None or unit_id not in own:
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return State.UNIT
    await choice.answer()
    _draft(context)["unit_id"] = unit_id
    await _ask_category(update, context)
    return State.CATEGORY


async def _ask_category(update: Update, context: RounaqContext) -> None:
    lang = context.lang
    buttons = [
        InlineKeyboardButton(c.name(lang), callback_data=PickCategory(c.id).pack())
        for c in context.services.directory.categories
    ]
    await _send(
        update,
        context,
        context.tr.t("report.ask_category"),
        reply_markup=step_markup(context, keyboard(*rows(buttons, 2))),
    )


async def got_category(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    picked = PickCategory.unpack(choice.data)
    category_id = picked.category_id if picked else None
    directory = context.services.directory
    if category_id is None or category_id not in {c.id for c in directory.categories}:
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return State.CATEGORY
    await choice.answer()
    draft = _draft(context)
    draft["category_id"] = category_id
    category = directory.category(category_id)
    await choice.edit(
        context.tr.t("report.category_chosen", category=escape(category.name(context.lang)))
    )
    if draft.get("description"):
        # Changing the category from the summary: everything else is already there.
        return await _after_description(update, context)
    await _ask_description(update, context)
    return State.DESCRIPTION


async def _ask_description(update: Update, context: RounaqContext) -> None:
    step_markup(context, None)  # a text step: no buttons to bring back
    await _send(
        update,
        context,
        context.tr.t(
            "report.ask_description",
            min=context.fmt.number(DESCRIPTION_MIN),
            max=context.fmt.number(DESCRIPTION_MAX),
        ),
    )


# --- description and files ---------------------------------------------------------------


def _check_description(context: RounaqContext, raw: str) -> tuple[str | None, str | None]:
    """(description, error message)."""
    text = normalize_text(raw)
    fmt = context.fmt
    if len(text) < DESCRIPTION_MIN:
        return None, context.tr.t("report.description_short", min=fmt.number(DESCRIPTION_MIN))
    if len(text) > DESCRIPTION_MAX:
        return None, context.tr.t(
            "report.description_long", max=fmt.number(DESCRIPTION_MAX), length=fmt.number(len(text))
        )
    return text, None


async def got_description(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    if _draft_lost(context):
        return await _start_again(update, context)
    raw = message.text or message.caption or ""
    if message.photo or message.document:
        error = _add_attachment(context, message)
        if error:
            await message.reply_text(error)
            return State.DESCRIPTION
        if not raw:
            await message.reply_text(context.tr.t("report.file_received_need_text"))
            return State.DESCRIPTION
    description, error = _check_description(context, raw)
    if description is None:
        assert error is not None
        await message.reply_text(error)
        return State.DESCRIPTION
    _draft(context)["description"] = description
    return await _ask_attachments(update, context)


async def _ask_attachments(update: Update, context: RounaqContext) -> int:
    tr = context.tr
    count = len(_draft(context).get("attachments", []))
    text = tr.t("report.ask_attachments", max=context.fmt.number(MAX_ATTACHMENTS))
    if count:
        text += "\n" + tr.plural("report.attachments_so_far", count)
    await _send(
        update,
        context,
        text,
        reply_markup=step_markup(context, _continue_markup(tr)),
    )
    return State.ATTACH


def _continue_markup(tr: Translator) -> InlineKeyboardMarkup | None:
    button = InlineKeyboardButton(
        tr.t("report.btn_continue"), callback_data=AttachmentsDone().pack()
    )
    return keyboard([button])


def _add_attachment(context: RounaqContext, message: Message) -> str | None:
    """Store the file's id (never its bytes); an error message if it is refused."""
    tr = context.tr
    draft = _draft(context)
    attachments: list[dict[str, Any]] = draft.setdefault("attachments", [])
    if len(attachments) >= MAX_ATTACHMENTS:
        return tr.t("report.too_many_files", max=context.fmt.number(MAX_ATTACHMENTS))
    limit = context.settings.max_upload_bytes
    if message.photo:
        photo = message.photo[-1]  # the largest size
        if photo.file_size and photo.file_size > limit:
            return tr.t("report.file_too_big", max=context.fmt.number(limit // (1024 * 1024)))
        attachments.append(
            {
                "kind": "photo",
                "file_id": photo.file_id,
                "file_unique_id": photo.file_unique_id,
                "size": photo.file_size,
            }
        )
        return None
    document = message.document
    assert document is not None
    if document.file_size and document.file_size > limit:
        return tr.t("report.file_too_big", max=context.fmt.number(limit // (1024 * 1024)))
    if not document_type_allowed(document.mime_type, document.file_name):
        return tr.t("limits.file_type")
    attachments.append(
        {
            "kind": "document",
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            "file_name": document.file_name,
            "mime_type": document.mime_type,
            "size": document.file_size,
        }
    )
    return None


async def got_file(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    error = _add_attachment(context, message)
    count = len(_draft(context).get("attachments", []))
    text = error or context.tr.plural("report.attachments_so_far", count)
    if error is None and message.caption:
        # A caption is the owner's words about the file: kept as typed text is, never lost.
        text += "\n" + _join_description(context, message.caption)
    # With the "continue" button again: the one on the prompt may have scrolled away.
    # Its own Continue, remembered again: another flow opened meanwhile may have replaced
    # the buttons this step remembered.
    await message.reply_text(text, reply_markup=step_markup(context, _continue_markup(context.tr)))
    return State.ATTACH


async def attachments_done(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    return await _after_description(update, context)


async def more_description(update: Update, context: RounaqContext) -> int:
    """Text after the description: the rest of a long paste (Telegram splits it), or more
    words the owner wants in. It joins the description, up to the limit. (The Continue
    label typed is taken as the press before this handler: see `button_state`.)"""
    message = update.effective_message
    assert message is not None
    text = _join_description(context, message.text or "")
    # Its own Continue, remembered again: another flow opened meanwhile may have replaced
    # the buttons this step remembered.
    await message.reply_text(text, reply_markup=step_markup(context, _continue_markup(context.tr)))
    return State.ATTACH


def _join_description(context: RounaqContext, words: str) -> str:
    """Add words to the draft's description, up to the limit; returns what to tell."""
    tr, fmt = context.tr, context.fmt
    draft = _draft(context)
    joined = (draft.get("description", "") + "\n" + normalize_text(words)).strip()
    if len(joined) > DESCRIPTION_MAX:
        # The draft keeps what it had: nothing typed so far is lost.
        return tr.t(
            "report.description_over",
            max=fmt.number(DESCRIPTION_MAX),
            length=fmt.number(len(draft.get("description", ""))),
        )
    draft["description"] = joined
    return tr.t("report.description_added", length=fmt.number(len(joined)))


async def _after_description(update: Update, context: RounaqContext) -> int:
    if _draft_lost(context):
        return await _start_again(update, context)
    draft = _draft(context)
    category = context.services.directory.category(draft["category_id"])
    if category.financial and "amount" not in draft:
        tr = context.tr
        await _send(
            update,
            context,
            tr.t("report.ask_amount"),
            reply_markup=step_markup(
                context,
                keyboard(
                    [
                        InlineKeyboardButton(
                            tr.t("report.btn_skip"), callback_data=SkipAmount().pack()
                        )
                    ]
                ),
            ),
        )
        return State.AMOUNT
    return await _show_summary(update, context)


# --- amount ------------------------------------------------------------------------------


async def got_amount(update: Update, context: RounaqContext) -> int:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    amount = parse_amount_rials(message.text)
    if amount is None or not amount_allowed(amount):
        await reprompt(update, context, "report.amount_invalid")
        return State.AMOUNT
    _draft(context)["amount"] = amount
    return await _show_summary(update, context)


async def skip_amount(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    _draft(context)["amount"] = None
    return await _show_summary(update, context)


# --- confirm -----------------------------------------------------------------------------


async def _show_summary(update: Update, context: RounaqContext) -> int:
    if _draft_lost(context):
        return await _start_again(update, context)
    draft = _draft(context)
    tr, fmt, directory, lang = context.tr, context.fmt, context.services.directory, context.lang
    unit = await context.services.units.get(draft["unit_id"])
    if unit is None:
        await _send(update, context, tr.t("report.restart"))
        return ConversationHandler.END
    category = directory.category(draft["category_id"])
    agency = context.services.reports.routed_agency(category.id, unit.sector_id, unit.county_id)
    lines = [
        tr.t("report.summary_title"),
        tr.t("report.card_unit", unit=fmt.name(unit.name)),
        tr.t("report.card_category", category=escape(category.name(lang))),
        tr.t("report.summary_agency", agency=escape(agency.name(lang))),
    ]
    if draft.get("amount"):
        lines.append(tr.t("report.card_amount", amount=fmt.money(draft["amount"])))
    if draft.get("attachments"):
        lines.append(tr.plural("report.card_attachments", len(draft["attachments"])))
    # A long description is shown by its start, so the summary stays one message; the
    # whole of it is submitted.
    description = draft["description"]
    lines += ["", escape(preview(description, CARD_DESCRIPTION_PREVIEW))]
    if is_trimmed(description):
        lines.append(tr.t("report.summary_trimmed", length=fmt.number(len(description))))
    lines += ["", tr.t("report.confirm_question")]
    buttons = keyboard(
        [InlineKeyboardButton(tr.t("report.btn_submit"), callback_data=Submit().pack())],
        [
            InlineKeyboardButton(
                tr.t("report.btn_edit_description"), callback_data=EditDescription().pack()
            ),
            InlineKeyboardButton(
                tr.t("report.btn_edit_category"), callback_data=EditCategory().pack()
            ),
        ],
        [InlineKeyboardButton(tr.t("report.btn_cancel"), callback_data=CancelReport().pack())],
    )
    await _send(update, context, "\n".join(lines), reply_markup=step_markup(context, buttons))
    return State.CONFIRM


async def edit_description(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    _draft(context).pop("description", None)
    await _ask_description(update, context)
    return State.DESCRIPTION


async def edit_category(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    _draft(context).pop("amount", None)  # the new category may not be financial
    await _ask_category(update, context)
    return State.CATEGORY


async def cancel_button(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    return await cancel(update, context)


async def submit(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    draft = _draft(context)
    tr = context.tr
    if not {"unit_id", "category_id", "description"} <= draft.keys():
        await choice.answer(tr.t("common.stale_button"), show_alert=True)
        return ConversationHandler.END
    report_draft = ReportDraft(
        unit_id=draft["unit_id"],
        category_id=draft["category_id"],
        description=draft["description"],
        amount_rials=draft.get("amount"),
        attachments=tuple(Attachment(**a) for a in draft.get("attachments", [])),
    )
    try:
        submission = await context.services.reports.submit(
            context.principal.user_id, report_draft, update_id=update.update_id
        )
    except ReportError as error:
        await choice.answer()
        ends = error.reason in {"daily_limit", "unit_not_yours"}
        # Staying at the summary: its buttons again, so the owner can fix and submit.
        await _send(
            update,
            context,
            tr.t(f"report.error_{error.reason}"),
            reply_markup=None if ends else remembered_markup(context),
        )
        if ends and context.user_data is not None:
            # Nothing left to resume: the next /report starts afresh.
            context.user_data.pop(DRAFT_KEY, None)
        return ConversationHandler.END if ends else State.CONFIRM
    # The report is committed; only now is the owner told it was received.
    await choice.answer()
    report, fmt = submission.report, context.fmt
    await choice.clear()
    # In the HQ's queue (nobody at the agency, or the HQ's own kind of obstacle): said so,
    # and no deadline promised.
    key = "report.submitted"
    if submission.unstaffed:
        key = "report.submitted_unstaffed"
    elif submission.to_hq:
        key = "report.submitted_hq"
    await _send(
        update,
        context,
        tr.t(
            key,
            number=tracking_number(fmt, report),
            agency=escape(submission.agency.name(context.lang)),
            due=fmt.date(report.due_at),
        ),
        reply_markup=keyboard(
            [
                InlineKeyboardButton(
                    tr.t("myreports.btn_open"), callback_data=OpenButton(report.id).pack()
                )
            ]
        ),
    )
    # A duplicate is this same press handled again (a retry after a failure, or a
    # redelivery after a crash): the agency is told unless that already happened.
    reports = context.services.reports
    if not submission.duplicate or not await reports.agency_notified(report.id):
        await notify_agency_of_new_report(context, submission)
        await reports.mark_agency_notified(report.id, submission.agency.id)
    # The draft goes last: if anything above fails for a moment, the press is handled
    # again from the same draft (and the service recognises the report as stored).
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    return ConversationHandler.END


# Private only: the flow posts a contact keyboard and the owner's details.
COMMANDS = [
    command("report", begin, needs=Permission.SUBMIT_REPORT, filters=filters.ChatType.PRIVATE)
]


def conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    text = filters.TEXT & ~filters.COMMAND
    files = filters.PHOTO | filters.Document.ALL
    with mixed_step_conversation():
        return ConversationHandler(
            entry_points=[
                COMMANDS[0].handler(),
                CallbackQueryHandler(
                    guarded(begin, Permission.SUBMIT_REPORT), pattern=r"^menu:report$"
                ),
            ],
            states={
                State.RESUME: button_state(
                    application,
                    CallbackQueryHandler(resume_draft, pattern=Resume.pattern()),
                    CallbackQueryHandler(new_draft, pattern=NewDraft.pattern()),
                ),
                State.UNIT: button_state(
                    application, CallbackQueryHandler(got_unit, pattern=rf"^{PickUnit.prefix}:")
                ),
                State.CATEGORY: button_state(
                    application,
                    CallbackQueryHandler(got_category, pattern=rf"^{PickCategory.prefix}:"),
                ),
                State.DESCRIPTION: [
                    MessageHandler(text | files, got_description),
                    MessageHandler(~filters.COMMAND, reply_not_text),
                ],
                State.ATTACH: button_state(
                    application,
                    CallbackQueryHandler(attachments_done, pattern=AttachmentsDone.pattern()),
                    # Text here is the rest of a long description (Telegram splits a paste).
                    also=[MessageHandler(files, got_file), MessageHandler(text, more_description)],
                    hint="report.files_expected",
                ),
                State.AMOUNT: button_state(
                    application,
                    CallbackQueryHandler(skip_amount, pattern=SkipAmount.pattern()),
                    also=[MessageHandler(text, got_amount)],
                    hint="common.text_expected",
                ),
                State.CONFIRM: button_state(
                    application,
                    CallbackQueryHandler(submit, pattern=Submit.pattern()),
                    CallbackQueryHandler(edit_description, pattern=EditDescription.pattern()),
                    CallbackQueryHandler(edit_category, pattern=EditCategory.pattern()),
                    CallbackQueryHandler(cancel_button, pattern=CancelReport.pattern()),
                ),
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            name="report",
            persistent=True,
            allow_reentry=True,
        )


def register(application: RounaqApp) -> None:
    application.add_handler(conversation(application))
