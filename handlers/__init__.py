"""Feature modules; `register_all` is the one place that decides their order."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.menu import MenuCommand
from bot.state import runtime_of
from handlers import (
    actions,
    admin,
    apikeys,
    asking,
    compliance,
    deadlines,
    digest,
    errors,
    fallback,
    flow,
    gate,
    hq,
    inbox,
    loans,
    myreports,
    national,
    open311,
    owner_answer,
    programs,
    registration,
    report,
    sessions,
    start,
    stats,
)

# The menu, in the order users see it.
MENU: list[MenuCommand] = [
    *start.COMMANDS[:1],
    *report.COMMANDS,
    *registration.COMMANDS,
    *myreports.COMMANDS,
    *inbox.COMMANDS,
    *hq.COMMANDS,
    *sessions.COMMANDS,
    *compliance.COMMANDS,
    *admin.COMMANDS,
    *apikeys.COMMANDS,
    *digest.COMMANDS,
    *national.COMMANDS,
    *programs.COMMANDS,
    *loans.COMMANDS,
    *stats.COMMANDS,
    *start.COMMANDS[1:],
]


def register_all(application: RounaqApp) -> None:
    runtime_of(application).menu = MENU
    # Order matters: the gate (group -1) runs before everything; within group 0 the first
    # matching handler wins, so conversations come before plain commands, and the fallback
    # that answers "unknown command" / "stale button" comes last.
    gate.register(application)
    # The edits the gate lets through (a feature claims them) before anything in group 0
    # could take an edited text for a new answer.
    report.register_edits(application)
    # /cancel before every flow and prompt: it ends them all, with one answer.
    flow.register(application)
    # Text someone was asked for by a button (only while waiting for it) beats everything:
    # each feature's one-text prompts, a conversation entered by the buttons that ask.
    for feature in (actions, hq, sessions, admin):
        application.add_handler(feature.prompts(application))
    asking.register(application)
    registration.register(application)
    report.register(application)
    # Before start: `/start inv_<code>` is an invite, not a greeting.
    admin.register(application)
    apikeys.register(application)
    # Before myreports: its bare-tracking-number handler would take "100" typed as a percent.
    programs.register(application)
    loans.register(application)
    stats.register(application)
    start.register(application)
    myreports.register(application)
    actions.register(application)
    inbox.register(application)
    hq.register(application)
    sessions.register(application)
    compliance.register(application)
    deadlines.register(application)
    digest.register(application)
    national.register(application)
    open311.register(application)
    # Text no flow took, from an owner whose answer an agency awaits: offered as the answer.
    owner_answer.register(application)
    fallback.register(application)
    errors.register(application)
