"""The Headquarters: /agenda (handlers/agenda.py and handlers/decide.py), /decisions and
/laws (handlers/decisions.py), declared here once with their permissions.

Each button kind (bot/buttons/hq.py) has its own handler, so the order below does not
matter; a press no kind takes gets the stale-button answer from handlers/fallback.py.
The HQ service checks the permission again before it writes.
"""

from __future__ import annotations

from telegram.ext import ConversationHandler

from bot.access import Permission
from bot.buttons.hq import (
    AddToItem,
    AgenciesChosen,
    AgendaHome,
    AgendaPage,
    Decide,
    DecisionsPage,
    Implemented,
    LawsCsv,
    Object,
    OpenItem,
    PickCause,
    PickDeadline,
    SelectForAgenda,
    StartBundle,
    ToggleAgency,
    ToggleReport,
    ViewDecision,
)
from bot.context import RounaqApp, RounaqContext
from handlers import agenda, decide, decisions, flow
from handlers.declare import button, command

# The HQ's agenda, its decisions and the obstructive-laws list are internal to the staff
# who hold these roles: typed in a group, they go to the asker's private chat.
COMMANDS = [
    command("agenda", agenda.agenda, needs=Permission.MANAGE_AGENDA, answers_privately=True),
    command(
        "decisions", decisions.decisions, needs=Permission.VIEW_DECISIONS, answers_privately=True
    ),
    command("laws", decisions.laws, needs=Permission.VIEW_LAWS, answers_privately=True),
]

AGENDA = Permission.MANAGE_AGENDA
DECISIONS = Permission.VIEW_DECISIONS


def prompts(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    """An agenda item's title and date, a decision's text, an agency's response."""
    buttons = [
        button(PickCause, agenda.pick_cause, needs=AGENDA),
        button(Decide, decide.decide, needs=AGENDA),
        button(Implemented, decisions.answer, needs=DECISIONS),
        button(Object, decisions.answer, needs=DECISIONS),
    ]
    answers = {
        "hq_title": agenda.got_title,
        "hq_date": agenda.got_date,
        "hq_decision": decide.got_decision_text,
        decisions.PROMPT_KIND: decisions.got_response,
    }
    return flow.prompt(application, "prompt_hq", buttons, answers)


def register(application: RounaqApp) -> None:
    for item in COMMANDS:
        application.add_handler(item.handler())
    for handler in (
        button(AgendaHome, agenda.home, needs=AGENDA),
        button(AgendaPage, agenda.turn_page, needs=AGENDA),
        button(ToggleReport, agenda.toggle_report, needs=AGENDA),
        button(SelectForAgenda, agenda.select_for_agenda, needs=AGENDA),
        button(StartBundle, agenda.start_bundle, needs=AGENDA),
        button(AddToItem, agenda.add_to_item, needs=AGENDA),
        button(OpenItem, agenda.open_item, needs=AGENDA),
        button(ToggleAgency, decide.DECISION.toggle_press, needs=AGENDA),
        button(AgenciesChosen, decide.DECISION.done_press, needs=AGENDA),
        button(PickDeadline, decide.pick_deadline, needs=AGENDA),
        button(DecisionsPage, decisions.turn_page, needs=DECISIONS),
        button(ViewDecision, decisions.view_decision, needs=DECISIONS),
        button(LawsCsv, decisions.laws_file, needs=Permission.VIEW_LAWS),
    ):
        application.add_handler(handler)
