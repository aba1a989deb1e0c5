"""Buttons on a report: the agency's actions and the owner's, checked in one place.

Callback data is `wf:<action>:<report id>` (reassign adds the agency id). Nothing in it is
trusted: the workflow service locks the report, checks the presser's right with
`bot.access.may` and the move against its transition table before anything changes, and
a forged or stale button gets the same answer as a report that does not exist.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.access import ReportAction
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.i18n import Translator
from bot.services.workflow import EVENT_OF, TRANSITIONS, Outcome, WorkflowError
from bot.views import report_card, status_label, tracking_number, workflow_error
from handlers import prompt
from handlers.notify import deliver
from handlers.ui import answer_quietly, callback, int_arg, keyboard, rows
from storage.dto import ReportDTO

PREFIX = "wf"
WITHDRAW_CONFIRMED = "wdy"
PROMPT_KIND = "wf"
A = ReportAction
# Actions that need words from the person: what to ask them for.
TEXT_ACTIONS = {a for a, t in TRANSITIONS.items() if t.needs_note} | {A.NOT_REMOVED}


def action_rows(
    tr: Translator, report: ReportDTO, actions: list[ReportAction]
) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(
            tr.t(f"workflow.btn_{a.value}"), callback_data=callback(PREFIX, a, report.id)
        )
        for a in actions
    ]
    return rows(buttons, 2)


async def report_keyboard(context: RounaqContext, report: ReportDTO) -> InlineKeyboardMarkup | None:
    """What this person can do with this report now, and its files, as buttons (None: none).

    Only people who may see the report get its card, and the files button is checked
    again when pressed (handlers/myreports.files_button).
    """
    tr = context.tr
    actions = await context.services.workflow.available(context.principal, report)
    found = action_rows(tr, report, actions)
    if report.attachments:
        found.append(
            [
                InlineKeyboardButton(
                    tr.t("myreports.btn_files", n=report.attachments),
                    callback_data=callback("my", "f", report.id),
                )
            ]
        )
    return keyboard(*found) if found else None


def _parse(data: str | None) -> tuple[str, int, int | None] | None:
    if not data:
        return None
    parts = data.split(":")
    if parts[0] != PREFIX or len(parts) not in (3, 4):
        return None
    report_id = int_arg(parts[2])
    extra = int_arg(parts[3]) if len(parts) == 4 else None
    if report_id is None or (len(parts) == 4 and extra is None):
        return None
    return parts[1], report_id, extra


async def on_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    tr = context.tr
    parsed = _parse(query.data)
    code = parsed[0] if parsed else ""
    if parsed is None or (code not in {a.value for a in A} and code != WITHDRAW_CONFIRMED):
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    _, report_id, extra = parsed
    action = A.WITHDRAW if code == WITHDRAW_CONFIRMED else A(code)
    if extra is not None and action is not A.REASSIGN:
        # Only a reassignment names a second id; anything else with one was forged.
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    workflow = context.services.workflow
    # This press was acted on before and a send failed after the commit: confirm and tell
    # everyone again rather than check the action anew (it is no longer possible).
    earlier = await workflow.replay(update.update_id)
    if earlier is not None:
        await answer_quietly(query, tr.t(f"workflow.done_{_action_of(earlier.event)}"))
        await _after(update, context, earlier)
        return
    try:
        report = await workflow.check(context.principal, action, report_id)
    except WorkflowError as error:
        await query.answer(workflow_error(tr, error), show_alert=True)
        return
    if action in TEXT_ACTIONS:
        await _ask_text(update, context, action, report)
        return
    if action is A.REASSIGN and extra is None:
        await _pick_agency(update, context, report)
        return
    if action is A.WITHDRAW and code != WITHDRAW_CONFIRMED:
        await query.answer()
        await context.bot.send_message(
            query.from_user.id,
            tr.t("workflow.withdraw_confirm", number=tracking_number(context.fmt, report)),
            reply_markup=keyboard(
                [
                    InlineKeyboardButton(
                        tr.t("workflow.btn_withdraw_yes"),
                        callback_data=callback(PREFIX, WITHDRAW_CONFIRMED, report.id),
                    )
                ]
            ),
        )
        return
    try:
        outcome = await workflow.act(
            context.principal, action, report_id, agency_id=extra, update_id=update.update_id
        )
    except WorkflowError as error:
        await query.answer(workflow_error(tr, error), show_alert=True)
        return
    await answer_quietly(query, tr.t(f"workflow.done_{action.value}"))
    await _after(update, context, outcome)


async def _ask_text(
    update: Update, context: RounaqContext, action: ReportAction, report: ReportDTO
) -> None:
    query = update.callback_query
    assert query is not None
    message = query.message
    origin: dict[str, Any] = {}
    if message is not None and message.chat.type != message.chat.PRIVATE:
        origin = {"chat": message.chat.id, "message": message.message_id}
    text = context.tr.t(f"workflow.ask_{action.value}", number=tracking_number(context.fmt, report))
    asked = await prompt.ask(
        context,
        query.from_user.id,
        text,
        PROMPT_KIND,
        action=action.value,
        report=report.id,
        **origin,
    )
    if not asked:
        await query.answer(context.tr.t("workflow.open_private"), show_alert=True)
        return
    await query.answer()


async def on_text(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    message = update.effective_message
    assert message is not None
    tr = context.tr
    try:
        action = A(str(data["action"]))
        report_id = int(data["report"])
    except (KeyError, ValueError):
        return True
    try:
        outcome = await context.services.workflow.act(
            context.principal, action, report_id, note=text, update_id=update.update_id
        )
    except WorkflowError as error:
        await message.reply_text(workflow_error(tr, error))
        return error.reason != "note_length"
    await _after(update, context, outcome, origin=(data.get("chat"), data.get("message")))
    return True


async def _pick_agency(update: Update, context: RounaqContext, report: ReportDTO) -> None:
    query = update.callback_query
    assert query is not None
    tr, lang = context.tr, context.lang
    buttons = [
        InlineKeyboardButton(
            context.fmt.shorten(a.short_name(lang), 40),
            callback_data=callback(PREFIX, A.REASSIGN, report.id, a.id),
        )
        for a in context.services.directory.agencies
        if a.id != report.agency_id
    ]
    await query.answer()
    await context.bot.send_message(
        query.from_user.id,
        tr.t("workflow.pick_agency", number=tracking_number(context.fmt, report)),
        reply_markup=keyboard(*rows(buttons, 2)),
    )


async def _after(
    update: Update,
    context: RounaqContext,
    outcome: Outcome,
    *,
    origin: tuple[Any, Any] = (None, None),
) -> None:
    """Confirm to the actor, refresh the message acted from, tell everyone concerned."""
    tr, fmt = context.tr, context.fmt
    report = outcome.report
    user = update.effective_user
    assert user is not None
    query = update.callback_query
    chat_id, message_id = origin
    if query is not None and query.message is not None:
        chat_id, message_id = query.message.chat.id, query.message.message_id
    in_group = isinstance(chat_id, int) and chat_id < 0
    if in_group and isinstance(message_id, int):
        # An agency group's message shows who took the report and what they did.
        text = (
            tr.t(
                "workflow.group_header",
                agency=escape(
                    context.services.directory.agency(report.agency_id).name(context.lang)
                ),
            )
            + "\n\n"
            + report_card(tr, fmt, context.services.directory, report, staff=True)
            + "\n\n"
            + tr.t(
                f"workflow.by_{outcome.event}",
                name=fmt.name(user.full_name),
                when=fmt.datetime(report.updated_at),
            )
        )
        markup = await report_keyboard(context, report)
        # The message may be gone or unchanged; the private confirmation suffices then.
        with suppress(BadRequest):
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
    elif query is not None and query.message is not None:
        # The pressed message keeps only what can still be done, and the way to open it.
        actions = await context.services.workflow.available(context.principal, report)
        open_row = [
            InlineKeyboardButton(
                tr.t("myreports.btn_open"), callback_data=callback("my", "o", report.id)
            )
        ]
        with suppress(BadRequest):  # an unchanged keyboard
            await query.edit_message_reply_markup(
                keyboard(*action_rows(tr, report, actions), open_row)
            )
    if query is None or not in_group:
        await context.bot.send_message(
            user.id,
            tr.t(
                f"workflow.done_{_action_of(outcome.event)}",
            )
            + "\n"
            + tr.t(
                "workflow.now_status",
                number=tracking_number(fmt, report),
                status=status_label(
                    tr, report.status, staff=context.principal.user_id != report.owner_id
                ),
            ),
            reply_markup=keyboard(
                [
                    InlineKeyboardButton(
                        tr.t("myreports.btn_open"), callback_data=callback("my", "o", report.id)
                    )
                ]
            ),
        )
    await deliver(context, outcome.notices)


def _action_of(event: str) -> str:
    for action, kind in EVENT_OF.items():
        if kind == event:
            return action.value
    return "note"


def register(application: RounaqApp) -> None:
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"))
    prompt.on(application, PROMPT_KIND, on_text)
