"""Buttons on a report: the agency's actions and the owner's, checked in one place.

Callback data is `wf:<action>:<report id>` (reassign adds the agency id; a button on the
report's card adds `c`, so the card is redrawn in place after the action: handlers/card.py);
the kinds are in bot/buttons/reports.py. Nothing in it is trusted: the workflow service
locks the report, checks the presser's right with `bot.access.may` and the move against
its transition table before anything changes, and a forged or stale button gets the same
answer as a report that does not exist.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ConversationHandler

from bot.access import ReportAction
from bot.buttons.reports import WITHDRAW_CONFIRMED, Act, ActOnCard, Reassign
from bot.context import RounaqApp, RounaqContext
from bot.services.workflow import EVENT_OF, TRANSITIONS, Outcome, WorkflowError
from bot.views.common import status_label, tracking_number, workflow_error
from handlers import asking, flow
from handlers.admin.common import routing_picker
from handlers.card import (
    WITHDRAWAL_KEY,
    confirm_withdrawal,
    follow_state,
    forget_card,
    notice_pressed,
    open_row,
    redraw_card,
    redraw_group_message,
    remember_card,
    remembered_card,
    tell_too_late,
)
from handlers.declare import button
from handlers.notify import deliver
from handlers.ui import answer_quietly, keyboard
from storage.dto import ReportDTO
from storage.models import ReportStatus

PROMPT_KIND = "wf"
A = ReportAction
# Actions that need words from the person: what to ask them for.
TEXT_ACTIONS = {a for a, t in TRANSITIONS.items() if t.needs_note} | {A.NOT_REMOVED}


async def act(update: Update, context: RounaqContext, query: CallbackQuery, data: Act) -> None:
    await _press(update, context, query, data.action, data.report_id, None, on_card=False)


async def act_on_card(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ActOnCard
) -> None:
    await _press(update, context, query, data.action, data.report_id, None, on_card=True)


async def reassign(
    update: Update, context: RounaqContext, query: CallbackQuery, data: Reassign
) -> None:
    await _press(update, context, query, A.REASSIGN.value, data.report_id, data.agency_id)


async def _press(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    code: str,
    report_id: int,
    extra: int | None,
    *,
    on_card: bool = False,
) -> None:
    action = A.WITHDRAW if code == WITHDRAW_CONFIRMED else A(code)
    message = query.message
    private_card = on_card and message is not None and message.chat.type == message.chat.PRIVATE
    follow_up = (
        action in TEXT_ACTIONS
        or (action is A.REASSIGN and extra is None)
        or (action is A.WITHDRAW and code != WITHDRAW_CONFIRMED)
    )
    if not follow_up:
        if code == WITHDRAW_CONFIRMED:
            forget_card(context, report_id, WITHDRAWAL_KEY)
        await _act(update, context, query, action, report_id, extra, card=private_card)
        return
    try:
        report = await context.services.workflow.check(context.principal, action, report_id)
    except WorkflowError as error:
        # A refusal (not found, not now) is the press's alert: handlers/declare.button.
        await _refused(context, query, error, action, report_id, private_card=private_card)
        return
    if private_card and message is not None:
        # A follow-up message asks for more; the card is redrawn once the action is done.
        remember_card(context, report.id, message.chat.id, message.message_id)
    if action in TEXT_ACTIONS:
        await _ask_text(query, context, action, report, on_card=private_card)
    elif action is A.REASSIGN:
        await _pick_agency(query, context, report)
    else:
        await confirm_withdrawal(query, context, report)


async def _refused(
    context: RounaqContext,
    query: CallbackQuery,
    error: WorkflowError,
    action: ReportAction,
    report_id: int,
    *,
    private_card: bool,
) -> None:
    """The card still showed an older state (the owner answered or withdrew, a colleague
    acted): the alert says why, and the card now shows what can be done. A second tap of
    a button already acted on (before the card was redrawn) finds the report where the
    press wanted it: that is no refusal, and is told quietly. Any other refusal is raised
    to the press's alert."""
    message = query.message
    current = await context.services.reports.get(report_id) if error.reason == "not_now" else None
    if current is None:
        raise error
    card_here = private_card and message is not None
    # A notice (the agency's question, the resolution...) keeps its words but not its
    # buttons: pressed after the report moved on, it says where the report is now.
    notice_here = not private_card and notice_pressed(query)
    tr = context.tr
    status = status_label(tr, current.status, staff=context.principal.user_id != current.owner_id)
    if current.status == TRANSITIONS[action].target:
        await answer_quietly(query, tr.t("workflow.already_done", status=status))
    elif card_here:
        await answer_quietly(query, workflow_error(tr, error), show_alert=True)
    elif notice_here:
        number = tracking_number(context.fmt, current)
        await answer_quietly(
            query, tr.t("workflow.moved_on", number=number, status=status), show_alert=True
        )
    else:
        raise error
    if message is not None and card_here:
        await redraw_card(context, current, message.chat.id, message.message_id)
    elif message is not None and notice_here:
        await follow_state(context, current, message.chat.id, message.message_id)


async def _act(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    action: ReportAction,
    report_id: int,
    agency_id: int | None,
    *,
    card: bool,
) -> None:
    """Act on the press at once. act() checks it, and for a press acted on before whose
    send failed after the commit returns that outcome: everyone is told again."""
    try:
        outcome = await context.services.workflow.act(
            context.principal,
            action,
            report_id,
            agency_id=agency_id,
            update_id=update.update_id,
            with_card=card,  # the card redrawn in place, read in the action's transaction
        )
    except WorkflowError as error:
        await _refused(context, query, error, action, report_id, private_card=card)
        return
    toast = context.tr.t(_done_key(outcome))
    await _after(update, context, outcome, card=card, toast=toast)


async def _ask_text(
    query: CallbackQuery,
    context: RounaqContext,
    action: ReportAction,
    report: ReportDTO,
    *,
    on_card: bool = False,
) -> None:
    message = query.message
    origin: dict[str, Any] = {}
    in_group = message is not None and message.chat.type != message.chat.PRIVATE
    if message is not None and (on_card or in_group or notice_pressed(query)):
        # The group's message or the card: redrawn once the text has been acted on; a
        # notice's buttons follow the report's new state.
        origin = {"chat": message.chat.id, "message": message.message_id, "card": on_card}
    text = context.tr.t(f"workflow.ask_{action.value}", number=tracking_number(context.fmt, report))
    await asking.ask_presser(
        context, query, text, PROMPT_KIND, action=action.value, report=report.id, **origin
    )


@asking.refusing(workflow_error)
async def on_text(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
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
        if error.reason != "not_now" or not await tell_too_late(update, context, data, report_id):
            raise
        return True
    await _after(
        update,
        context,
        outcome,
        origin=(data.get("chat"), data.get("message")),
        card=bool(data.get("card")),
    )
    return True


async def _pick_agency(query: CallbackQuery, context: RounaqContext, report: ReportDTO) -> None:
    question, buttons = await routing_picker(
        context,
        context.tr.t("workflow.pick_agency", number=tracking_number(context.fmt, report)),
        lambda agency: Reassign(report.id, agency),
        leave_out=report.agency_id,
    )
    try:
        await context.bot.send_message(
            query.from_user.id, question, reply_markup=keyboard(*buttons)
        )
    except Forbidden:
        # Pressed in the agency's group by an officer who never opened the bot's chat:
        # the picker has nowhere to go, as a text prompt has not (asking.ask_presser).
        await answer_quietly(query, context.tr.t("workflow.open_private"), show_alert=True)
        return
    await answer_quietly(query)


def _confirmation(context: RounaqContext, outcome: Outcome) -> str:
    tr, report = context.tr, outcome.report
    status = status_label(tr, report.status, staff=context.principal.user_id != report.owner_id)
    return (
        tr.t(_done_key(outcome))
        + "\n"
        + tr.t("workflow.now_status", number=tracking_number(context.fmt, report), status=status)
    )


async def _after(
    update: Update,
    context: RounaqContext,
    outcome: Outcome,
    *,
    origin: tuple[Any, Any] = (None, None),
    card: bool = False,
    toast: str | None = None,
) -> None:
    """Show the result where the person acted, then tell everyone concerned.

    On the report's card (or a picker, confirmation or prompt that came from it) the card
    itself is redrawn: status, history and the buttons of the new state; a new card is
    sent only when the old one cannot be edited (deleted, too old, grown too long). An
    agency group's message is redrawn in the group. A notice keeps its text, its buttons
    follow the new state, and a confirmation states the new status. Typed text always
    gets a reply.
    """
    report = outcome.report
    user = update.effective_user
    assert user is not None
    query = update.callback_query
    chat_id, message_id = origin
    if query is not None and query.message is not None:
        chat_id, message_id = query.message.chat.id, query.message.message_id
    in_group = isinstance(chat_id, int) and chat_id < 0
    confirmation = _confirmation(context, outcome)
    buttons = keyboard(open_row(context, report))
    if query is None:
        # The reply to what was typed comes first, where the person is looking.
        await context.bot.send_message(user.id, confirmation, reply_markup=buttons)
    target: tuple[int, int] | None = None
    if not in_group:
        if card and isinstance(chat_id, int) and isinstance(message_id, int):
            target = (chat_id, message_id)
        else:
            target = remembered_card(context, report.id)
    if in_group and isinstance(message_id, int):
        assert isinstance(chat_id, int)
        await redraw_group_message(context, outcome, user.full_name, chat_id, message_id)
    elif target is not None:
        await redraw_card(context, report, *target, view=outcome.card)
        forget_card(context, report.id)
        if query is not None and query.message is not None and not card:
            # The picker or the confirmation has served: its buttons go.
            with suppress(BadRequest):
                await query.edit_message_reply_markup(None)
    elif (
        isinstance(chat_id, int)
        and isinstance(message_id, int)
        and (query is None or notice_pressed(query))
    ):
        # A notice pressed, or the one a typed answer's prompt came from; not any message
        # a press with other data names (an inbox keeps its filters).
        await follow_state(context, report, chat_id, message_id)
    if query is not None:
        await answer_quietly(query, toast)
        if not in_group and target is None:
            await context.bot.send_message(user.id, confirmation, reply_markup=buttons)
    await deliver(context, outcome.notices)


def _done_key(outcome: Outcome) -> str:
    """What the actor is told was done. A report reassigned to the HQ, or to an agency that
    nobody works on the bot, went on to the HQ's queue: that is what they are told."""
    action = _action_of(outcome.event)
    if action == ReportAction.REASSIGN and outcome.report.status == ReportStatus.ESCALATED:
        return f"workflow.done_{ReportAction.ESCALATE.value}"
    return f"workflow.done_{action}"


def _action_of(event: str) -> str:
    for action, kind in EVENT_OF.items():
        if kind == event:
            return action.value
    return "note"


# Nothing in the data is trusted: the workflow service checks the presser's right.


def prompts(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    """The reason or note an action's button asks for."""
    buttons = [button(ActOnCard, act_on_card), button(Act, act)]
    return flow.prompt(application, "prompt_actions", buttons, {PROMPT_KIND: on_text})


def register(application: RounaqApp) -> None:
    application.add_handler(button(Reassign, reassign))
