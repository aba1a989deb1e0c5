"""/session: the list, a new session (date and time, place, chair), one session's view
and its invitations."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from telegram import CallbackQuery, Update

from bot.context import RounaqContext
from bot.text import normalize_for_match, parse_date
from handlers import asking
from handlers.decision_draft import agency_picker
from handlers.sessions.buttons import Invite, InviteAgency, InvitesDone, NewSession, ViewSession
from handlers.sessions.common import error_text
from handlers.sessions.views import list_view, session_view
from handlers.ui import answer_with, edit_markup, message_of, redraw, say

_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})$")


async def session_command(update: Update, context: RounaqContext) -> None:
    text, markup = await list_view(context)
    await say(update, context, text, markup)


async def new_session(
    update: Update, context: RounaqContext, query: CallbackQuery, _: NewSession
) -> None:
    await query.answer()
    text = context.tr.t("sessions.ask_when", example=_example_day(context))
    await asking.ask(context, query.from_user.id, text, "ss_when")


async def view_session(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: ViewSession
) -> None:
    await answer_with(update, context, query, await session_view(context, pressed.session))


def _invitations(context: RounaqContext, session_id: int, chosen: set[int]) -> Any:
    # The buttons carry the state they set, so a press handled twice does not undo itself.
    return agency_picker(
        context,
        chosen,
        lambda agency, on: InviteAgency(session_id, agency, int(not on)),
        InvitesDone(session_id),
    )


async def invite(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Invite
) -> None:
    session = await context.services.sessions.get(context.principal, pressed.session)
    await query.answer()
    markup = _invitations(context, session.id, {a.agency_id for a in session.agencies})
    # In place of the view, which done brings back: pressed twice, one picker, not two.
    await redraw(update, context, query, context.tr.t("sessions.pick_invited"), markup)


async def invites_done(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: InvitesDone
) -> None:
    text, markup = await session_view(context, pressed.session)
    await query.answer()
    await redraw(update, context, query, text, markup)


async def invite_agency(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: InviteAgency
) -> None:
    sessions = context.services.sessions
    await sessions.invite(
        context.principal, pressed.session, pressed.agency, invited=bool(pressed.invited)
    )
    session = await sessions.get(context.principal, pressed.session)
    await query.answer()
    chosen = {a.agency_id for a in session.agencies}
    await edit_markup(query, _invitations(context, session.id, chosen))


def parse_when(text: str, tz: Any) -> datetime | None:
    """«۱۴۰۵/۱۰/۱۵ ۱۰:۰۰» -> an aware datetime; the time is required."""
    cleaned = normalize_for_match(text).strip()
    match = _TIME_RE.search(cleaned)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    day = parse_date(cleaned[: match.start()].strip())
    if day is None or hour > 23 or minute > 59:
        return None
    g = day.togregorian()
    return datetime(g.year, g.month, g.day, hour, minute, tzinfo=tz)


def _example_day(context: RounaqContext) -> str:
    """The example given for a session's date: tomorrow, so that the example followed to
    the letter (with its 10:00) is never refused as a time gone by."""
    return context.fmt.short_date(context.services.clock.now() + timedelta(days=1))


async def got_when(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    message = message_of(update)
    tr, now = context.tr, context.services.clock.now()
    when = parse_when(text, context.services.settings.tz)
    if when is None:
        await message.reply_text(tr.t("sessions.bad_when", example=_example_day(context)))
        return False
    if when < now:
        await message.reply_text(tr.t("workflow.error_date_past"))
        return False
    # The number is fixed now: the same answer handled twice schedules one session.
    number = await context.services.sessions.next_number()
    return await asking.ask_next(
        update, context, tr.t("sessions.ask_place"), "ss_place",
        when=when.isoformat(), number=number,
    )  # fmt: skip


@asking.refusing(error_text)
async def got_place(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    place = context.services.sessions.check_name(text)
    return await asking.ask_next(
        update, context, context.tr.t("sessions.ask_chair"), "ss_chair",
        when=data.get("when"), place=place, number=data.get("number"),
    )  # fmt: skip


@asking.refusing(error_text)
async def got_chair(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    sessions = context.services.sessions
    session = await sessions.schedule(
        context.principal,
        number=int(data.get("number") or await sessions.next_number()),
        starts_at=datetime.fromisoformat(str(data.get("when"))),
        place=str(data.get("place", "")),
        chair=text,
    )
    view, markup = await session_view(context, session.id)
    await say(update, context, context.tr.t("sessions.scheduled") + "\n\n" + view, markup)
    return True
