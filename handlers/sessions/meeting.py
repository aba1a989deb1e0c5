"""The session itself: who attended, and each item's outcome (a decision with its
agencies and deadline, postponed, rejected, or an overdue one followed up)."""

from __future__ import annotations

import functools
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, Update

from bot.context import RounaqContext
from bot.formatting import escape
from bot.services.sessions import SessionService
from bot.services.workflow import WorkflowError
from bot.views.sessions import decided_text
from handlers import asking, decision_draft
from handlers.decision_draft import DecisionDraft
from handlers.declare import stale
from handlers.sessions.buttons import (
    DEADLINE_CHOICES,
    AgenciesPicked,
    Attendance,
    Attendee,
    Decide,
    PickAgency,
    PickDeadline,
    Postpone,
    Reject,
    Reviewed,
)
from handlers.sessions.common import Press, agency_text, error_text
from handlers.sessions.views import session_view
from handlers.ui import answer_quietly, keyboard, rows, say
from storage.models_sessions import SessionStatus

# --- attendance ------------------------------------------------------------------------


async def attendance(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Attendance
) -> None:
    session = await context.services.sessions.get(context.principal, pressed.session)
    if not session.agencies:
        # Attendance is taken among the invited: with none, the press says so (the agenda
        # is not this step's business).
        await query.answer(context.tr.t("sessions.error_none_invited"), show_alert=True)
        return
    await query.answer()
    directory, fmt = context.services.directory, context.fmt
    people = [
        InlineKeyboardButton(
            ("✅ " if a.attended else "▫️ ")
            + fmt.shorten(directory.agency(a.agency_id).short_name(context.lang), 36),
            callback_data=Attendee(session.id, a.agency_id).pack(),
        )
        for a in session.agencies
    ]
    await say(update, context, context.tr.t("sessions.pick_attendee"), keyboard(*rows(people, 1)))


async def attendee(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Attendee
) -> None:
    await context.services.sessions.get(context.principal, pressed.session)
    await query.answer()
    agency = context.services.directory.agency(pressed.agency).name(context.lang)
    await asking.ask(
        context, query.from_user.id, context.tr.t("sessions.ask_attendee", agency=escape(agency)),
        "ss_attendee", session=pressed.session, agency=pressed.agency,
    )  # fmt: skip


# Who attended for an agency, as the secretariat writes it.
got_attendee = agency_text(SessionService.attend, "session", "sessions.attended")


# --- outcomes without a decision ---------------------------------------------------------


def settle(outcome: str) -> Press[Postpone | Reject | Reviewed]:
    """The press that gives an item this outcome and shows the session again."""

    async def run(
        update: Update,
        context: RounaqContext,
        query: CallbackQuery,
        pressed: Postpone | Reject | Reviewed,
    ) -> None:
        await context.services.sessions.settle(
            context.principal, pressed.session, pressed.item, outcome
        )
        await answer_quietly(query, context.tr.t(f"sessions.outcome_{outcome}"))
        text, markup = await session_view(context, pressed.session)
        await say(update, context, text, markup)

    return run


# --- a decision: its text, its agencies, its deadline ------------------------------------


DECISION = DecisionDraft(
    "session_decision_draft", PickAgency, AgenciesPicked, PickDeadline, DEADLINE_CHOICES,
    gone_is_stale=False, redraw=False,
)  # fmt: skip


async def decide(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Decide
) -> None:
    # An older view's button is refused here, not after the text, agencies and deadline.
    found = await context.services.sessions.get(context.principal, pressed.session)
    entry = next((i for i in found.items if i.agenda_item_id == pressed.item), None)
    if entry is None:
        raise WorkflowError("not_now")
    decided = entry.decision_id
    if decided is None and (entry.outcome is not None or found.status != SessionStatus.SCHEDULED):
        raise WorkflowError("not_now")
    if decided is None:
        context.services.sessions.check_held(found)
    await decision_draft.ask_text(
        context, query, "ss_decision", decided, session=pressed.session, item=pressed.item
    )


async def got_decision(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    return await decision_draft.got_text(
        update, context, int(data.get("item", 0)), text,
        decision=DECISION, error_text=error_text, session=int(data.get("session", 0)),
    )  # fmt: skip


async def pick_deadline(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: PickDeadline
) -> None:
    draft = DECISION.of(context, pressed.item)
    # A draft that is not a session item's is stale too.
    if draft is None or draft.session is None:
        await stale(query, context)
        return
    session_id, sessions = draft.session, context.services.sessions
    await decision_draft.record(
        update, context, query, draft, pressed.days, decision=DECISION,
        service=functools.partial(sessions.decide, context.principal, session_id),
        told=functools.partial(decided_text, context.tr, context.fmt),
    )  # fmt: skip
    text, markup = await session_view(context, session_id)
    await say(update, context, text, markup)
