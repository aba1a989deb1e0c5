"""Text an owner types while an agency waits for their answer is offered as that answer.

Without it, an answer typed without first pressing "answer the question" was lost (the
owner got the generic hint). Now, when the owner has a report awaiting their answer and
writes something no flow took, the bot asks: "send this as your answer to 1405-0003?"
(one tap), or which report it answers when several wait. The text is kept in the user's
data (persisted with it, so a restart in between loses nothing) until it is sent or
dismissed; only the latest such text is kept. A text naming tracking numbers, none of
them a report asked about, is a question about those: the fallback opens them.

Callback data: `oa:<report id>` sends the kept text as the answer to that report;
`oa:x` dismisses it. The answer goes through `WorkflowService.act` like any other.
"""

from __future__ import annotations

from contextlib import suppress

from telegram import CallbackQuery, InlineKeyboardButton, Update
from telegram.error import BadRequest
from telegram.ext import MessageHandler, filters

from bot.access import ReportAction
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.services.workflow import WorkflowError
from bot.text import find_tracking_numbers, normalize_text
from bot.views.common import preview, status_label, tracking_number, workflow_error
from handlers import fallback
from handlers.declare import button
from handlers.myreports import OpenButton
from handlers.notify import deliver
from handlers.ui import answer_quietly, keyboard, message_of, rows

KEPT_KEY = "unsent_answer"  # user_data: {"text": ..., "reports": [ids offered]}
QUOTE_PREVIEW = 200


class SendAnswer(CallbackData, prefix="oa"):
    report_id: int


class Dismiss(CallbackData, prefix="oa:x"): ...


async def on_text(update: Update, context: RounaqContext) -> None:
    """Private text no flow took: an answer if a question waits, else the usual hint."""
    message = message_of(update)
    questions = await context.services.workflow.open_questions(context.principal.user_id)
    named = find_tracking_numbers(message.text or "")
    # A text about other reports only («گزارش ۱۴۰۵-۰۰۰۲ چی شد؟») is no answer: the fallback
    # opens them. One naming the report asked about may well be the answer.
    elsewhere = bool(named) and not any((r.year, r.seq) in named for r in questions)
    if not questions or elsewhere or context.user_data is None or not message.text:
        await fallback.stray_message(update, context)
        return
    tr, fmt = context.tr, context.fmt
    text = normalize_text(message.text)
    context.user_data[KEPT_KEY] = {"text": text, "reports": [r.id for r in questions]}
    quote = escape(preview(text, QUOTE_PREVIEW))
    if len(questions) == 1:
        report = questions[0]
        prompt = tr.t("workflow.offer_answer", number=tracking_number(fmt, report), quote=quote)
        choices = [
            InlineKeyboardButton(
                tr.t("workflow.btn_send_answer"), callback_data=SendAnswer(report.id).pack()
            )
        ]
    else:
        prompt = tr.t("workflow.offer_answer_which", quote=quote)
        choices = [
            InlineKeyboardButton(
                tr.t(
                    "workflow.btn_answer_to",
                    number=tracking_number(fmt, r),
                    unit=preview(r.unit_name, 24),
                ),
                callback_data=SendAnswer(r.id).pack(),
            )
            for r in questions
        ]
    dismiss = InlineKeyboardButton(
        tr.t("workflow.btn_not_an_answer"), callback_data=Dismiss().pack()
    )
    await message.reply_text(prompt, reply_markup=keyboard(*rows(choices, 1), [dismiss]))


async def dismiss(update: Update, context: RounaqContext, query: CallbackQuery, _: Dismiss) -> None:
    if context.user_data is not None:
        context.user_data.pop(KEPT_KEY, None)
    await answer_quietly(query)
    with suppress(BadRequest):
        await query.edit_message_text(context.tr.t("workflow.answer_dismissed"))


async def send_answer(
    update: Update, context: RounaqContext, query: CallbackQuery, data: SendAnswer
) -> None:
    tr, fmt = context.tr, context.fmt
    kept = context.user_data.get(KEPT_KEY) if context.user_data is not None else None
    workflow = context.services.workflow
    report_id: int | None = data.report_id
    # The same press handled again after a failed send: its outcome, not a new check.
    earlier = await workflow.replay(update.update_id)
    if earlier is None:
        if (
            report_id is None
            or not isinstance(kept, dict)
            or report_id not in kept.get("reports", [])
            or not isinstance(kept.get("text"), str)
        ):
            await query.answer(tr.t("common.stale_button"), show_alert=True)
            return
        try:
            earlier = await workflow.act(
                context.principal,
                ReportAction.ANSWER,
                report_id,
                note=kept["text"],
                update_id=update.update_id,
            )
        except WorkflowError as error:
            await query.answer(workflow_error(tr, error), show_alert=True)
            return
    if context.user_data is not None:
        context.user_data.pop(KEPT_KEY, None)
    report = earlier.report
    done = (
        tr.t("workflow.done_ans")
        + "\n"
        + tr.t(
            "workflow.now_status",
            number=tracking_number(fmt, report),
            status=status_label(tr, report.status),
        )
    )
    with suppress(BadRequest):  # unchanged: the same press handled again
        await query.edit_message_text(
            done,
            reply_markup=keyboard(
                [
                    InlineKeyboardButton(
                        tr.t("myreports.btn_open"), callback_data=OpenButton(report.id).pack()
                    )
                ]
            ),
        )
    await answer_quietly(query, tr.t("workflow.done_ans"))
    await deliver(context, earlier.notices)


def register(application: RounaqApp) -> None:
    """Registered just before the fallback: it sees only the text every flow declined."""
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_text)
    )
    application.add_handler(button(Dismiss, dismiss))
    # Nothing in the data is trusted: the kept text must name the report, the service acts.
    application.add_handler(button(SendAnswer, send_answer))
