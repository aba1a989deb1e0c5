"""The session's screens: the list, one session with its items, and the line /agenda
adds under an item put on a session."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.formatting import escape
from bot.minutes import MinutesContext, background_lines
from bot.services.sessions import ItemBrief, SessionPack
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
from handlers.sessions.common import minutes_context, when_text
from handlers.ui import keyboard
from storage.dto_sessions import SessionDTO
from storage.models_sessions import ItemOutcome, SessionStatus
from storage.models_workflow import AgencyResponse

Rows = list[list[InlineKeyboardButton]]


def waits_for(context: RounaqContext, session: SessionDTO | None) -> str:
    """The line /agenda adds under an item put on a session."""
    if session is None:
        return ""
    return "\n" + context.tr.t(
        "sessions.waits_for",
        number=context.fmt.plain_int(session.number),
        date=context.fmt.date(session.starts_at),
    )


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


def item_text(mc: MinutesContext, brief: ItemBrief, *, for_agency: int | None = None) -> str:
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    lines = [
        tr.t(
            "sessions.item_head",
            number=fmt.plain_int(brief.position),
            title=escape(brief.item.title),
        )
    ]
    lines.extend(escape(line) for line in background_lines(mc, brief))
    for said in brief.said:
        if said.agency_id is not None and for_agency in (None, said.agency_id):
            agency = directory.agency(said.agency_id).name(lang)
            lines.append(
                tr.t("sessions.said_line", agency=escape(agency), text=escape(said.note[:300]))
            )
    for position in brief.positions:
        agency = directory.agency(position.agency_id).name(lang)
        lines.append(
            tr.t("sessions.position_line", agency=escape(agency), text=escape(position.text[:600]))
        )
    if brief.decision is not None:
        lines.append(
            tr.t(
                "sessions.decided_line",
                id=fmt.plain_int(brief.decision.id),
                text=escape(brief.decision.text[:600]),
                deadline=fmt.date(brief.decision.deadline_at),
            )
        )
    if brief.decision is not None and brief.outcome is None:  # an overdue one, put back
        owing = [
            directory.agency(a.agency_id).name(lang)
            for a in brief.decision.agencies
            if a.state != AgencyResponse.IMPLEMENTED
        ]
        if owing:
            agencies = escape(tr.t("sessions.list_separator").join(owing))
            lines.append(tr.t("sessions.requeued_line", agencies=agencies))
    if brief.outcome and (brief.decision is None or brief.outcome != ItemOutcome.DECIDED):
        lines.append(tr.t(f"sessions.outcome_{brief.outcome}"))
    return "\n".join(lines)


def head(mc: MinutesContext, session: SessionDTO) -> str:
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    invited = tr.t("sessions.list_separator").join(
        directory.agency(a.agency_id).name(lang)
        + (f" ({a.attendee})" if a.attended and a.attendee else "")
        for a in session.agencies
    )
    return tr.t(
        "sessions.head",
        number=fmt.plain_int(session.number),
        when=when_text(tr, fmt, session),
        place=escape(session.place),
        chair=escape(session.chair),
        state=tr.t(f"sessions.status_{session.status}"),
        invited=escape(invited) or tr.t("sessions.none"),
    )


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
