"""A report's card: its buttons (what this person can do with it now, its text, its
files) and redrawing it in place after an action, in a private chat or an agency group.

A follow-up to a press on the card (a picker, a confirmation, a prompt) remembers the
card it came from, so the card, not a new message, shows the result. The withdrawal's
question is remembered the same way, so a second press does not stack a second one.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.access import Permission, ReportAction
from bot.buttons.hq import OpenItem, SelectForAgenda
from bot.buttons.reports import (
    WITHDRAW_CONFIRMED,
    Act,
    ActOnCard,
    FilesButton,
    FullTextButton,
    OpenButton,
)
from bot.context import RounaqContext
from bot.formatting import escape, split_message
from bot.i18n import Translator
from bot.services.reports import ReportView
from bot.services.workflow import Outcome, available
from bot.views.common import (
    is_trimmed,
    report_card,
    report_with_history,
    status_label,
    tracking_number,
)
from handlers.ui import keyboard, rows, send_chunks
from storage.dto import ReportDTO
from storage.dto_workflow import TrackingDTO
from storage.models import ReportStatus

# user_data: the card a follow-up (a picker, a confirmation, a prompt) came from, by report.
CARDS_KEY = "wf_cards"
MAX_REMEMBERED_CARDS = 20
# user_data: the withdrawal's question still on screen, by report (a second press replaces it).
WITHDRAWAL_KEY = "wf_withdraw_asked"


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
    context: RounaqContext,
    report: ReportDTO,
    *,
    card: bool = True,
    tracking: TrackingDTO | None = None,
) -> InlineKeyboardMarkup | None:
    """What this person can do with this report now, and its files, as buttons (None: none).

    `card`: the buttons sit under the whole card (one message), which an action redraws.
    `tracking`: the report's, when it was read with the card (ReportView); else it is read.
    Only people who may see the report get its card, and the files button is checked
    again when pressed (handlers/myreports.files_button).
    """
    tr = context.tr
    if tracking is None:
        tracking = await context.services.workflow.tracking(report.id)
    actions = available(context.principal, report, tracking)
    found = action_rows(tr, report, actions, card=card) + hq_rows(context, report, tracking)
    if is_trimmed(report.description):
        label = tr.t("myreports.btn_full_text")
        found.append([InlineKeyboardButton(label, callback_data=FullTextButton(report.id).pack())])
    if report.attachments:
        label = tr.t("myreports.btn_files", n=report.attachments)
        found.append([InlineKeyboardButton(label, callback_data=FilesButton(report.id).pack())])
    return keyboard(*found)


def hq_rows(
    context: RounaqContext, report: ReportDTO, tracking: TrackingDTO
) -> list[list[InlineKeyboardButton]]:
    """The secretariat's part in a report the HQ holds (no agency action is theirs): an
    escalated one goes on the agenda; one on an agenda item opens that item."""
    if not context.principal.can(Permission.MANAGE_AGENDA):
        return []
    tr, fmt = context.tr, context.fmt
    if report.status == ReportStatus.ESCALATED:
        data = SelectForAgenda(report.id).pack()
        return [[InlineKeyboardButton(tr.t("hq.btn_to_agenda"), callback_data=data)]]
    if report.status == ReportStatus.ON_AGENDA and tracking.agenda_item_id is not None:
        label = tr.t("hq.btn_on_item", id=fmt.plain_int(tracking.agenda_item_id))
        data = OpenItem(tracking.agenda_item_id).pack()
        return [[InlineKeyboardButton(label, callback_data=data)]]
    return []


def remember_card(
    context: RounaqContext, report_id: int, chat_id: int, message_id: int, key: str = CARDS_KEY
) -> None:
    """The card a follow-up came from, kept with the user's data (it survives a restart);
    `key`: another message kept by report the same way (the withdrawal's question)."""
    if context.user_data is None:
        return
    cards: dict[str, list[int]] = context.user_data.setdefault(key, {})
    cards.pop(str(report_id), None)
    cards[str(report_id)] = [chat_id, message_id]
    while len(cards) > MAX_REMEMBERED_CARDS:
        cards.pop(next(iter(cards)))


def remembered_card(
    context: RounaqContext, report_id: int, key: str = CARDS_KEY
) -> tuple[int, int] | None:
    cards = context.user_data.get(key) if context.user_data is not None else None
    found = cards.get(str(report_id)) if isinstance(cards, dict) else None
    if isinstance(found, list) and len(found) == 2:
        return int(found[0]), int(found[1])
    return None


def forget_card(context: RounaqContext, report_id: int, key: str = CARDS_KEY) -> None:
    cards = context.user_data.get(key) if context.user_data is not None else None
    if isinstance(cards, dict):
        cards.pop(str(report_id), None)


async def redraw_group_message(
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
        tr.t("workflow.group_header", agency=escape(agency.name(context.lang)))
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


async def redraw_card(
    context: RounaqContext,
    report: ReportDTO,
    chat_id: int,
    message_id: int,
    *,
    view: ReportView | None = None,
) -> None:
    """Redraw the card in place; if it cannot be edited, send it anew (and take the old
    one's buttons off if that still can be done). `view`: the card as read with the action
    (Outcome.card); else it is read here."""
    tr, fmt, directory = context.tr, context.fmt, context.services.directory
    if view is None:
        view = await context.services.reports.view(context.principal, report.id)
    staff = context.principal.user_id != report.owner_id
    if view is None:
        # No longer this person's to see (reassigned away): the card says where it went.
        text = report_card(tr, fmt, directory, report, staff=staff)
        markup = None
    else:
        text = report_with_history(tr, fmt, directory, view, staff=staff)
        whole = len(split_message(text)) == 1
        markup = await report_keyboard(context, view.report, card=whole, tracking=view.tracking)
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


async def tell_too_late(
    update: Update, context: RounaqContext, data: dict[str, Any], report_id: int
) -> bool:
    """The report moved on while the text was being written (a colleague acted, the owner
    withdrew): say what it is now and that the text was not recorded, and redraw the card
    the prompt came from. False when the report cannot be read (the plain refusal)."""
    current = await context.services.reports.get(report_id)
    message = update.effective_message
    if current is None or message is None:
        return False
    staff = context.principal.user_id != current.owner_id
    await message.reply_text(
        context.tr.t(
            "workflow.too_late",
            number=tracking_number(context.fmt, current),
            status=status_label(context.tr, current.status, staff=staff),
        )
    )
    chat, card = data.get("chat"), data.get("message")
    if data.get("card") and isinstance(chat, int) and isinstance(card, int):
        await redraw_card(context, current, chat, card)
    return True


async def confirm_withdrawal(
    query: CallbackQuery, context: RounaqContext, report: ReportDTO
) -> None:
    """The owner's withdraw pressed: are you sure? Pressed again, the question is not
    asked twice."""
    tr = context.tr
    await query.answer()
    yes = InlineKeyboardButton(
        tr.t("workflow.btn_withdraw_yes"),
        callback_data=Act(WITHDRAW_CONFIRMED, report.id).pack(),
    )
    # "No" opens the report again: it stays as it was, in front of them.
    no = InlineKeyboardButton(
        tr.t("workflow.btn_withdraw_no"), callback_data=OpenButton(report.id).pack()
    )
    earlier = remembered_card(context, report.id, WITHDRAWAL_KEY)
    if earlier is not None:
        # Asked before (a double tap, or the button again later): one question stays, the
        # newest; one too old to delete at least loses its buttons.
        try:
            await context.bot.delete_message(*earlier)
        except BadRequest:
            with suppress(BadRequest):
                await context.bot.edit_message_reply_markup(*earlier, reply_markup=None)
    asked = await context.bot.send_message(
        query.from_user.id,
        tr.t("workflow.withdraw_confirm", number=tracking_number(context.fmt, report)),
        reply_markup=keyboard([yes, no]),
    )
    remember_card(context, report.id, asked.chat.id, asked.message_id, WITHDRAWAL_KEY)


async def answered_no(context: RounaqContext, query: CallbackQuery, report_id: int) -> None:
    """'No, keep it' (which opens the report again) pressed on the withdrawal's question:
    the question's buttons go, so a 'yes' pressed on it later withdraws nothing."""
    asked, message = remembered_card(context, report_id, WITHDRAWAL_KEY), query.message
    if asked is None or message is None or asked != (message.chat.id, message.message_id):
        return
    forget_card(context, report_id, WITHDRAWAL_KEY)
    with suppress(BadRequest):
        await query.edit_message_reply_markup(None)


def notice_pressed(query: CallbackQuery) -> bool:
    """The press came from a message in the private chat that shows this very button (a
    notice), not from a forged press on some other message."""
    message = query.message
    if not isinstance(message, Message) or message.chat.type != message.chat.PRIVATE:
        return False
    markup = message.reply_markup
    return markup is not None and any(
        b.callback_data == query.data for row in markup.inline_keyboard for b in row
    )


def open_row(context: RounaqContext, report: ReportDTO) -> list[InlineKeyboardButton]:
    label = context.tr.t("myreports.btn_open")
    return [InlineKeyboardButton(label, callback_data=OpenButton(report.id).pack())]


async def follow_state(
    context: RounaqContext, report: ReportDTO, chat_id: int, message_id: int
) -> None:
    """A notice keeps its words; its buttons follow the report's state."""
    actions = await context.services.workflow.available(context.principal, report)
    markup = keyboard(*action_rows(context.tr, report, actions), open_row(context, report))
    with suppress(BadRequest):  # an unchanged keyboard, or a message gone
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
