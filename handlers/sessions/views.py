"""The session's screens: the list, and one session with its items and buttons (their
text is bot/views/sessions.py's)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.services.sessions import SessionPack
from bot.views.sessions import head, item_text
from handlers.sessions.buttons import (
    AddItems,
    Attendance,
    Decide,
    Invite,
    Minutes,
    NewSession,
    Postpone,
    Reject,
    Reviewed,
    SendAgenda,
    Uphold,
    ViewSession,
)
from handlers.sessions.common import minutes_context
from handlers.ui import keyboard
from storage.models_sessions import SessionStatus
from storage.models_workflow import AgencyResponse

Rows = list[list[InlineKeyboardButton]]


async def list_view(context: RounaqContext) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt = context.tr, context.fmt
    sessions = await context.services.sessions.sessions(context.principal)
    lines = [tr.t("sessions.list_title", count=fmt.number(len(sessions)))]
    buttons = []
    for s in sessions[:20]:
        lines.append(
            tr.t(
                "sessions.list_line",
                number=fmt.plain_int(s.number),
                date=fmt.date(s.starts_at),
                state=tr.t(f"sessions.status_{s.status}"),
                items=tr.plural("sessions.items_count", len(s.items), n=fmt.number(len(s.items))),
            )
        )
        label = tr.t("sessions.btn_open", number=fmt.plain_int(s.number))
        buttons.append([InlineKeyboardButton(label, callback_data=ViewSession(s.id).pack())])
    new = InlineKeyboardButton(tr.t("sessions.btn_new"), callback_data=NewSession().pack())
    return "\n".join(lines), keyboard(*buttons, [new])


def _scheduled_buttons(context: RounaqContext, pack: SessionPack) -> Rows:
    """Before the minutes: invite, add, send, attendance, each item's outcome."""
    tr, fmt, sid = context.tr, context.fmt, pack.session.id

    def button(key: str, data: CallbackData, **values: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(tr.t(key, **values), callback_data=data.pack())

    rows: Rows = [
        [button("sessions.btn_invite", Invite(sid)), button("sessions.btn_add", AddItems(sid))],
        [
            button("sessions.btn_send", SendAgenda(sid)),
            button("sessions.btn_attend", Attendance(sid)),
        ],
    ]
    for b in pack.items:
        if b.outcome is not None:
            continue
        n, item = fmt.plain_int(b.position), b.item.id
        if b.decision is not None:  # an overdue one, put back: followed up or postponed
            first = button("sessions.btn_reviewed", Reviewed(sid, item), n=n)
            rows.append([first, button("sessions.btn_postpone", Postpone(sid, item), n=n)])
            continue
        rows.append(
            [
                button("sessions.btn_decide", Decide(sid, item), n=n),
                button("sessions.btn_postpone", Postpone(sid, item), n=n),
                button("sessions.btn_reject", Reject(sid, item), n=n),
            ]
        )
    rows.append([button("sessions.btn_minutes", Minutes(sid))])
    return rows


async def _held_buttons(context: RounaqContext, pack: SessionPack) -> Rows:
    """After the minutes: uphold an objection, see the minutes again."""
    tr, fmt = context.tr, context.fmt
    upheld = await context.services.followups.upheld([b.decision for b in pack.items])
    rows: Rows = []
    for b in pack.items:
        for answer in b.decision.agencies if b.decision else ():
            pair = (answer.decision_id, answer.agency_id)
            if answer.state != AgencyResponse.OBJECTED or pair in upheld:
                continue
            name = context.services.directory.agency(answer.agency_id).name(context.lang)
            label = tr.t(
                "sessions.btn_uphold",
                agency=fmt.shorten(name, 30),
                id=fmt.plain_int(answer.decision_id),
            )
            rows.append([InlineKeyboardButton(label, callback_data=Uphold(*pair).pack())])
    minutes = Minutes(pack.session.id).pack()
    rows.append([InlineKeyboardButton(tr.t("sessions.btn_minutes"), callback_data=minutes)])
    return rows


async def session_view(
    context: RounaqContext, session_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    pack = await context.services.sessions.pack(context.principal, session_id)
    mc = minutes_context(context)
    parts = [head(mc, pack.session)]
    parts.extend(item_text(mc, b) for b in pack.items)
    if not pack.items:
        parts.append(context.tr.t("sessions.no_items"))
    buttons: Rows = []
    if context.principal.can(Permission.MANAGE_AGENDA):
        if pack.session.status == SessionStatus.SCHEDULED:
            buttons = _scheduled_buttons(context, pack)
        else:
            buttons = await _held_buttons(context, pack)
    return "\n\n".join(parts), keyboard(*buttons) if buttons else None
