"""The Headquarters' session in the chat: /session.

The secretariat schedules a session (date and time, place, chair), invites agencies,
puts agenda items on it, sends the agenda, records who attended and what was decided,
checks the minutes (DOCX and a PNG of the decisions) and issues them. Invited agencies'
officers write their position on an item. Every button is a typed kind (`buttons.py`,
`ss:<verb>:<ids>` on the wire) with one handler, declared here with its permission.

    schedule.py      /session, a new session, one session's view, invitations
    agenda.py        items on the agenda, the agenda to the agencies, positions
    meeting.py       attendance and each item's outcome (decisions with their deadline)
    minutes_flow.py  the minutes to check, the edited version, issuing; objections upheld,
                     an overdue decision back on the next agenda
Reminders and overdue marks are written with their notices by `FollowUpService.run`
(the deadline job, handlers/deadlines.py, delivers them through the notice outbox).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import ConversationHandler, MessageHandler, filters

from bot.access import Permission
from bot.context import RounaqApp, RounaqContext
from handlers import flow
from handlers.declare import button, command
from handlers.sessions import agenda, meeting, minutes_flow, schedule
from handlers.sessions import buttons as b
from handlers.sessions.common import alerting
from storage.models_sessions import ItemOutcome

__all__ = ["COMMANDS", "register"]

# The sessions and their agendas are the secretariat's: asked in a group, privately.
COMMANDS = [
    command(
        "session",
        schedule.session_command,
        needs=Permission.MANAGE_AGENDA,
        answers_privately=True,
    )
]

# The secretariat's buttons (MANAGE_AGENDA), one handler per kind.
SECRETARIAT_BUTTONS: list[tuple[type[Any], Any]] = [
    (b.ViewSession, schedule.view_session),
    (b.Invite, schedule.invite),
    (b.InviteAgency, schedule.invite_agency),
    (b.InvitesDone, schedule.invites_done),
    (b.AddItems, agenda.add_items),
    (b.PutItem, agenda.put_item),
    (b.SendAgenda, agenda.send_agenda),
    (b.Attendance, meeting.attendance),
    (b.Postpone, meeting.settle(ItemOutcome.POSTPONED)),
    (b.Reject, meeting.settle(ItemOutcome.REJECTED)),
    (b.Reviewed, meeting.settle(ItemOutcome.REVIEWED)),
    (b.PickAgency, meeting.DECISION.toggle_press),
    (b.AgenciesPicked, meeting.DECISION.done_press),
    (b.PickDeadline, meeting.pick_deadline),
    (b.Minutes, minutes_flow.minutes),
    (b.Issue, minutes_flow.issue),
    (b.StopWaiting, minutes_flow.stop_waiting),
    (b.Uphold, minutes_flow.uphold),
    (b.Requeue, minutes_flow.requeue),
]


def prompts(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    """A session's time, place and chair, an attendee, a decision's text, a position."""
    secretariat = Permission.MANAGE_AGENDA
    buttons = [
        button(b.NewSession, alerting(schedule.new_session), needs=secretariat),
        button(b.Attendee, alerting(meeting.attendee), needs=secretariat),
        button(b.Decide, alerting(meeting.decide), needs=secretariat),
        # An officer's position: the agency is checked against the press (not a role).
        button(b.WritePosition, alerting(agenda.write_position)),
    ]
    answers = {
        "ss_when": schedule.got_when,
        "ss_place": schedule.got_place,
        "ss_chair": schedule.got_chair,
        "ss_attendee": meeting.got_attendee,
        "ss_decision": meeting.got_decision,
        "ss_position": agenda.got_position,
    }
    return flow.prompt(application, "prompt_sessions", buttons, answers)


def register(application: RounaqApp) -> None:
    for item in COMMANDS:
        application.add_handler(item.handler())
    for kind, callback in SECRETARIAT_BUTTONS:
        application.add_handler(button(kind, alerting(callback), needs=Permission.MANAGE_AGENDA))
    # The edited minutes, while awaited: the .docx, or anything else (answered
    # with the step's buttons). Before the fallback, which would call it a stray message.
    waiting = minutes_flow.WaitingForMinutes(application)
    send = button(b.SendEdited, alerting(minutes_flow.send_edited), needs=Permission.MANAGE_AGENDA)
    step: list[Any] = [
        MessageHandler(waiting & filters.Document.ALL, minutes_flow.got_edited_minutes),
        MessageHandler(waiting & ~filters.COMMAND, minutes_flow.not_a_docx),
    ]
    application.add_handler(flow.waiting_for("minutes_edit", [send], step, minutes_flow.awaited))
    # Any other new command ends the wait. Group -3: the prompts' handler takes every
    # command in group -2 (one handler per group), and the gate's TypeHandler all of -1.
    other_command = filters.UpdateType.MESSAGE & filters.COMMAND & ~filters.Regex(r"^/cancel\b")
    application.add_handler(MessageHandler(other_command & waiting, minutes_flow.moved_on), -3)
