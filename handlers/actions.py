"""Buttons on a report: the agency's actions and the owner's, checked in one place.

Callback data is `wf:<action>:<report id>` (reassign adds the agency id; a button on the
report's card adds `c`, so the card is redrawn in place after the action). Nothing in it is
trusted: the workflow service locks the report, checks the presser's right with
`bot.access.may` and the move against its transition table before anything changes, and
a forged or stale button gets the same answer as a report that does not exist.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.access import ReportAction
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape, split_message
from bot.i18n import Translator
from bot.services.workflow import EVENT_OF, TRANSITIONS, Outcome, WorkflowError
from bot.views import (
    is_trimmed,
    report_card,
    report_with_history,
    status_label,
    tracking_number,
    workflow_error,
)
from handlers import prompt
from handlers.declare import button
from handlers.notify import deliver
from handlers.ui import answer_quietly, callback, keyboard, rows, send_chunks
from storage.dto import ReportDTO

WITHDRAW_CONFIRMED = "wdy"
PROMPT_KIND = "wf"
# user_data: the card a follow-up (a picker, a confirmation, a prompt) came from, by report.
CARDS_KEY = "wf_cards"
MAX_REMEMBERED_CARDS = 20
A = ReportAction
# Actions that need words from the person: what to ask them for.
TEXT_ACTIONS = {a for a, t in TRANSITIONS.items() if t.needs_note} | {A.NOT_REMOVED}
ACTION_CODES = frozenset({a.value for a in A} | {WITHDRAW_CONFIRMED})


@dataclass(frozen=True, slots=True)
class Act(CallbackData, prefix="wf"):
    """An action on a report (`wdy`: the withdrawal, confirmed)."""

    action: str
    report_id: int

    def valid(self) -> bool:
        return self.action in ACTION_CODES


@dataclass(frozen=True, slots=True)
class ActOnCard(CallbackData, prefix="wf", suffix="c"):
    """The same, pressed on the report's card: the card itself shows the result."""

    action: str
    report_id: int

    def valid(self) -> bool:
        return self.action in ACTION_CODES


@dataclass(frozen=True, slots=True)
class Reassign(CallbackData, prefix="wf:rsg"):
    """Reassignment to the agency picked."""

    report_id: int
    agency_id: int


def action_button(
    tr: Translator, report: ReportDTO, action: ReportAction, *, card: bool = False
) -> InlineKeyboardButton:
    data = (ActOnCard if card else Act)(action.value, report.id)
    return InlineKeyboardButton(tr.t(f"workflow.btn_{action.value}"), callback_data=data.pack())


def action_rows(
    tr: Translator, report: ReportDTO, actions: list[ReportAction], *, card: bool = False
) -> list[list[InlineKeyboardButton]]:
    return rows([action_button(tr, report, a, card=card) for a in actions], 2)


async def report_keyboard(
    context: RounaqContext, report: ReportDTO, *, card: bool = True
) -> InlineKeyboardMarkup | None:
    """What this person can do with this report now, and its files, as buttons (None: none).

    `card`: the buttons sit under the whole card (one message), which an action redraws.
    Only people who may see the report get its card, and the files button is checked
    again when pressed (handlers/myreports.files_button).
    """
    tr = context.tr
    actions = await context.services.workflow.available(context.principal, report)
    found = action_rows(tr, report, actions, card=card)
    if is_trimmed(report.description):
        found.append(
            [
                InlineKeyboardButton(
                    tr.t("myreports.btn_full_text"), callback_data=callback("my", "t", report.id)
                )
            ]
        )
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


def _remember_card(context: RounaqContext, report_id: int, chat_id: int, message_id: int) -> None:
    """The card a follow-up came from, kept with the user's data (it survives a restart)."""
    if context.user_data is None:
        return
    cards: dict[str, list[int]] = context.user_data.setdefault(CARDS_KEY, {})
    cards.pop(str(report_id), None)
    cards[str(report_id)] = [chat_id, message_id]
    while len(cards) > MAX_REMEMBERED_CARDS:
        cards.pop(next(iter(cards)))


def _remembered_card(context: RounaqContext, report_id: int) -> tuple[int, int] | None:
    cards = context.user_data.get(CARDS_KEY) if context.user_data is not None else None
    found = cards.get(str(report_id)) if isinstance(cards, dict) else None
    if isinstance(found, list) and len(found) == 2:
        return int(found[0]), int(found[1])
    return None


def _forget_card(context: RounaqContext, report_id: int) -> None:
    cards = context.user_data.get(CARDS_KEY) if context.user_data is not None else None
    if isinstance(cards, dict):
        cards.pop(str(report_id), None)


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
    tr = context.tr
    action = A.WITHDRAW if code == WITHDRAW_CONFIRMED else A(code)
    message = query.message
    private_card = on_card and message is not None and message.chat.type == message.chat.PRIVATE
    workflow = context.services.workflow
    # This press was acted on before and a send failed after the commit: confirm and tell
    # everyone again rather than check the action anew (it is no longer possible).
    earlier = await workflow.replay(update.update_id)
    if earlier is not None:
        await _after(
            update,
            context,
            earlier,
            card=private_card,
            toast=tr.t(f"workflow.done_{_action_of(earlier.event)}"),
        )
        return
    try:
        report = await workflow.check(context.principal, action, report_id)
    except WorkflowError as error:
        await query.answer(workflow_error(tr, error), show_alert=True)
        return
    if (
        private_card
        and message is not None
        and (
            action in TEXT_ACTIONS or (action is A.REASSIGN and extra is None) or code == A.WITHDRAW
        )
    ):
        # A follow-up message asks for more; the card is redrawn once the action is done.
        _remember_card(context, report.id, message.chat.id, message.message_id)
    if action in TEXT_ACTIONS:
        await _ask_text(query, context, action, report, on_card=private_card)
        return
    if action is A.REASSIGN and extra is None:
        await _pick_agency(query, context, report)
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
                        callback_data=Act(WITHDRAW_CONFIRMED, report.id).pack(),
                    ),
                    # "No" opens the report again: it stays as it was, in front of them.
                    InlineKeyboardButton(
                        tr.t("workflow.btn_withdraw_no"),
                        callback_data=callback("my", "o", report.id),
                    ),
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
    await _after(
        update, context, outcome, card=private_card, toast=tr.t(f"workflow.done_{action.value}")
    )


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
    if message is not None and (on_card or message.chat.type != message.chat.PRIVATE):
        # The group's message or the card: redrawn once the text has been acted on.
        origin = {"chat": message.chat.id, "message": message.message_id, "card": on_card}
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
    await _after(
        update,
        context,
        outcome,
        origin=(data.get("chat"), data.get("message")),
        card=bool(data.get("card")),
    )
    return True


async def _pick_agency(query: CallbackQuery, context: RounaqContext, report: ReportDTO) -> None:
    tr, lang = context.tr, context.lang
    # Agencies with nobody in the bot are marked: a report sent there goes to the HQ.
    empty = await context.services.staffing.unstaffed()
    mark = tr.t("admin.routing_unstaffed_mark")
    buttons = [
        InlineKeyboardButton(
            (f"{mark} " if a.id in empty else "") + context.fmt.shorten(a.short_name(lang), 40),
            callback_data=Reassign(report.id, a.id).pack(),
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
    tr, fmt = context.tr, context.fmt
    report = outcome.report
    user = update.effective_user
    assert user is not None
    query = update.callback_query
    chat_id, message_id = origin
    if query is not None and query.message is not None:
        chat_id, message_id = query.message.chat.id, query.message.message_id
    in_group = isinstance(chat_id, int) and chat_id < 0
    confirmation = (
        tr.t(f"workflow.done_{_action_of(outcome.event)}")
        + "\n"
        + tr.t(
            "workflow.now_status",
            number=tracking_number(fmt, report),
            status=status_label(
                tr, report.status, staff=context.principal.user_id != report.owner_id
            ),
        )
    )
    open_row = [
        InlineKeyboardButton(
            tr.t("myreports.btn_open"), callback_data=callback("my", "o", report.id)
        )
    ]
    if query is None:
        # The reply to what was typed comes first, where the person is looking.
        await context.bot.send_message(user.id, confirmation, reply_markup=keyboard(open_row))
    target: tuple[int, int] | None = None
    if not in_group:
        if card and isinstance(chat_id, int) and isinstance(message_id, int):
            target = (chat_id, message_id)
        else:
            target = _remembered_card(context, report.id)
    if in_group and isinstance(message_id, int):
        await _redraw_group_message(context, outcome, user.full_name, chat_id, message_id)
    elif target is not None:
        await _redraw_card(context, report, *target)
        _forget_card(context, report.id)
        if query is not None and query.message is not None and not card:
            # The picker or the confirmation has served: its buttons go.
            with suppress(BadRequest):
                await query.edit_message_reply_markup(None)
    elif query is not None and query.message is not None:
        # A notice keeps its words; its buttons follow the report's new state.
        actions = await context.services.workflow.available(context.principal, report)
        with suppress(BadRequest):  # an unchanged keyboard
            await query.edit_message_reply_markup(
                keyboard(*action_rows(tr, report, actions), open_row)
            )
    if query is not None:
        await answer_quietly(query, toast)
        if not in_group and target is None:
            await context.bot.send_message(user.id, confirmation, reply_markup=keyboard(open_row))
    await deliver(context, outcome.notices)


async def _redraw_group_message(
    context: RounaqContext, outcome: Outcome, actor: str, chat_id: int, message_id: int
) -> None:
    """An agency group's message shows who took the report and what they did; the owner's
    phone only while the report is still that agency's."""
    tr, fmt, report = context.tr, context.fmt, outcome.report
    agency = context.services.directory.agency(report.agency_id)
    contact = (
        await context.services.reports.agency_contact(report)
        if agency.group_chat_id == chat_id
        else None
    )
    text = (
        tr.t(
            "workflow.group_header",
            agency=escape(agency.name(context.lang)),
        )
        + "\n\n"
        + report_card(tr, fmt, context.services.directory, report, staff=True, contact=contact)
        + "\n\n"
        + tr.t(
            f"workflow.by_{outcome.event}",
            name=context.fmt.name(actor),
            when=fmt.datetime(report.updated_at),
        )
    )
    markup = await report_keyboard(context, report)
    # The message may be gone or unchanged; the private confirmation suffices then.
    with suppress(BadRequest):
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )


async def _redraw_card(
    context: RounaqContext, report: ReportDTO, chat_id: int, message_id: int
) -> None:
    """Redraw the card in place; if it cannot be edited, send it anew (and take the old
    one's buttons off if that still can be done)."""
    tr, fmt, directory = context.tr, context.fmt, context.services.directory
    view = await context.services.reports.view(context.principal, report.id)
    staff = context.principal.user_id != report.owner_id
    if view is None:
        # No longer this person's to see (reassigned away): the card says where it went.
        text = report_card(tr, fmt, directory, report, staff=staff)
        markup = None
    else:
        text = report_with_history(tr, fmt, directory, view, staff=staff)
        markup = await report_keyboard(context, view.report, card=len(split_message(text)) == 1)
    if len(split_message(text)) == 1:
        try:
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
            return
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return  # already shows this (the same press handled again)
    with suppress(BadRequest):
        await context.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    await send_chunks(context, chat_id, text, markup)


def _action_of(event: str) -> str:
    for action, kind in EVENT_OF.items():
        if kind == event:
            return action.value
    return "note"


def register(application: RounaqApp) -> None:
    # Nothing in the data is trusted: the workflow service checks the presser's right.
    application.add_handler(button(Reassign, reassign))
    application.add_handler(button(ActOnCard, act_on_card))
    application.add_handler(button(Act, act))
    prompt.on(application, PROMPT_KIND, on_text)
