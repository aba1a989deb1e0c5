"""The amount, the summary's buttons, and the submission."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, Update
from telegram.ext import ConversationHandler

from bot.context import RounaqContext
from bot.services.reports import ReportDraft, ReportError, Submission, amount_allowed
from bot.text import amount_readings, means_no_amount
from bot.views import report as views_report
from bot.views.common import tracking_number
from handlers import flow
from handlers.declare import stale
from handlers.myreports import OpenButton
from handlers.notify import notify_agency_of_new_report
from handlers.report.draft import DRAFT, State, Submit, send, step_shown
from handlers.report.files import remember_filed
from handlers.report.prompts import ask_category, ask_description, show_summary
from handlers.steps import chosen, remembered_markup, reprompt, retire
from handlers.ui import keyboard

# user_data: the summary last submitted and the report it became ([message id, report id]).
SENT_KEY = "report_sent"


def read_amount(context: RounaqContext, text: str) -> tuple[int | None, str | None]:
    """(the amount typed, or what to tell when there is none): one that can be read two
    ways ("۱.۵۰۰ میلیارد") names both, so the owner types the one they meant."""
    readings = [r for r in amount_readings(text, spoken=True) if amount_allowed(r)]
    if len(readings) == 1:
        return readings[0], None
    if len(readings) == 2:
        money = context.fmt.money
        return None, context.tr.t(
            "report.amount_ambiguous", one=money(readings[0]), other=money(readings[1])
        )
    return None, None


async def got_amount(update: Update, context: RounaqContext) -> int:
    _message, text = flow.typed(update)
    if means_no_amount(text):
        # "ندارد" typed beside the "No amount" button: the press it stands for.
        return await _no_amount(update, context)
    amount, ambiguous = read_amount(context, text)
    if amount is None:
        await reprompt(update, context, "report.amount_invalid", hint=ambiguous)
        return State.AMOUNT
    with DRAFT.edit(context) as draft:
        draft.amount, draft.amount_skipped = amount, False
    return await show_summary(update, context)


async def amount_at_summary(update: Update, context: RounaqContext) -> int:
    """Text typed at the preview: an amount (the owner saw a wrong figure there) is taken
    as the amount when the category has one, and the preview shown anew; anything else is
    answered with the preview's buttons."""
    _message, text = flow.typed(update)
    values = DRAFT.of(context)
    amount, ambiguous = read_amount(context, text)
    category = (
        context.services.directory.category(values.category_id)
        if values.category_id is not None
        else None
    )
    financial = category is not None and category.financial
    if not financial or amount is None:
        await reprompt(update, context, hint=ambiguous if financial else None)
        return State.CONFIRM
    with DRAFT.edit(context) as draft:
        draft.amount, draft.amount_skipped = amount, False
    return await show_summary(update, context)


async def skip_amount(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    return await _no_amount(update, context)


async def _no_amount(update: Update, context: RounaqContext) -> int:
    with DRAFT.edit(context) as draft:
        draft.amount, draft.amount_skipped = None, True
    return await show_summary(update, context)


async def edit_description(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    with DRAFT.edit(context) as draft:
        draft.description = None
    await ask_description(update, context)
    return State.DESCRIPTION


async def edit_category(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    with DRAFT.edit(context) as draft:  # the new category may not be financial
        draft.amount, draft.amount_skipped = None, False
    await ask_category(update, context)
    return State.CATEGORY


async def submit(update: Update, context: RounaqContext) -> int:
    choice = chosen(update, context)
    values = DRAFT.of(context)
    if values.unit_id is None or values.category_id is None or values.description is None:
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return ConversationHandler.END
    report_draft = ReportDraft(
        unit_id=values.unit_id,
        category_id=values.category_id,
        description=values.description,
        amount_rials=values.amount,
        attachments=tuple(values.attachments),
    )
    try:
        submission = await context.services.reports.submit(
            context.principal.user_id, report_draft, update_id=update.update_id
        )
    except ReportError as error:
        await choice.answer()
        return await _refused(update, context, error)
    # The report is committed; only now is the owner told it was received.
    await choice.answer()
    await choice.clear()
    await retire(context, DRAFT.key)  # a summary before it, or this one if typed
    if (
        choice.query is not None
        and choice.query.message is not None
        and context.user_data is not None
    ):
        context.user_data[SENT_KEY] = [choice.query.message.message_id, submission.report.id]
    await _received(update, context, submission)
    remember_filed(context, values.description_message, submission.report.id)
    # The draft goes last: if anything above fails for a moment, the press is handled
    # again from the same draft (and the service recognises the report as stored).
    DRAFT.drop(context)
    return ConversationHandler.END


async def sent_already(
    update: Update, context: RounaqContext, query: CallbackQuery, _: Submit
) -> None:
    """Submit pressed on a summary after the flow ended: the one that was submitted (a
    double tap) says which report it became; any other is an old button."""
    sent = context.user_data.get(SENT_KEY) if context.user_data is not None else None
    message = query.message
    report = None
    if (
        isinstance(sent, list)
        and len(sent) == 2
        and message is not None
        and sent[0] == message.message_id
    ):
        report = await context.services.reports.get(int(sent[1]))
    if report is None or report.owner_id != context.principal.user_id:
        await stale(query, context)
        return
    number = tracking_number(context.fmt, report)
    await query.answer(context.tr.t("report.already_submitted", number=number), show_alert=True)


async def _refused(update: Update, context: RounaqContext, error: ReportError) -> int:
    ends = error.reason in {"daily_limit", "unit_not_yours"}
    # Staying at the summary: its buttons again, so the owner can fix and submit.
    told = await send(
        update,
        context,
        context.tr.t(f"report.error_{error.reason}"),
        reply_markup=None if ends else remembered_markup(context),
    )
    if not ends:
        await step_shown(context, told)
    if ends:
        # Nothing left to resume: the next /report starts afresh.
        await retire(context, DRAFT.key)
        DRAFT.drop(context)
    return ConversationHandler.END if ends else State.CONFIRM


async def _received(update: Update, context: RounaqContext, submission: Submission) -> None:
    """The owner's receipt, then the agency's notice (once, however often this runs)."""
    tr, report = context.tr, submission.report
    open_report = InlineKeyboardButton(
        tr.t("myreports.btn_open"), callback_data=OpenButton(report.id).pack()
    )
    await send(
        update,
        context,
        views_report.submitted(tr, context.fmt, submission),
        reply_markup=keyboard([open_report]),
    )
    # Queued with this update's done mark (bot.outbox): a duplicate, this same press handled
    # again after a failure or a crash, queues it again and nothing is sent twice.
    await notify_agency_of_new_report(context, submission)
    reports = context.services.reports
    if not submission.duplicate or not await reports.agency_notified(report.id):
        await reports.mark_agency_notified(report.id, submission.agency.id)
