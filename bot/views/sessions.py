"""The HQ sessions' text: one item with what was said and decided, a session's head
line, and the line /agenda adds under an item put on a session."""

from __future__ import annotations

import jdatetime

from bot.context import RounaqContext
from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.minutes import MinutesContext, background_lines, date_in_words
from bot.services.sessions import ItemBrief
from storage.dto_sessions import SessionDTO
from storage.dto_workflow import DecisionDTO
from storage.models_workflow import AgencyResponse


def waits_for(context: RounaqContext, session: SessionDTO | None) -> str:
    """The line /agenda adds under an item put on a session."""
    if session is None:
        return ""
    return "\n" + context.tr.t(
        "sessions.waits_for",
        number=context.fmt.plain_int(session.number),
        date=context.fmt.date(session.starts_at),
    )


def when_text(tr: Translator, fmt: Presenter, session: SessionDTO) -> str:
    local = session.starts_at.astimezone(fmt.tz)
    j = jdatetime.date.fromgregorian(date=local.date())
    return tr.t(
        "sessions.when", date=date_in_words(fmt, j, fmt.weekday(local)), time=fmt.time(local)
    )


def decided_text(tr: Translator, fmt: Presenter, decision: DecisionDTO) -> str:
    """A session's decision recorded (its objection window opens with the minutes)."""
    return tr.t(
        "sessions.decided", id=fmt.plain_int(decision.id), deadline=fmt.date(decision.deadline_at)
    )


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
    if brief.outcome_in_words:
        lines.append(tr.t(f"sessions.outcome_{brief.outcome_in_words}"))
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
