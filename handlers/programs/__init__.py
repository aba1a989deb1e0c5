"""The key programs, one flow per module: /status (status), /progress (progress),
/editprogram (edit), a program set sent as a file (upload), /link and /unlink (links)."""

from __future__ import annotations

from bot.access import Permission
from bot.buttons.programs import OpenButton
from bot.context import RounaqApp
from handlers.declare import button
from handlers.programs import edit, links, progress, status, upload
from handlers.programs.edit import EditAgency, EditField
from handlers.programs.progress_steps import PickProgram
from handlers.programs.status import (
    ChartButton,
    EvidenceButton,
    ListButton,
    UpdateButton,
)

COMMANDS = [status.STATUS, progress.PROGRESS, edit.EDITPROGRAM, links.LINK, links.UNLINK]

__all__ = [
    "COMMANDS",
    "ChartButton",
    "EditAgency",
    "EditField",
    "EvidenceButton",
    "ListButton",
    "OpenButton",
    "PickProgram",
    "UpdateButton",
    "register",
]


def register(application: RounaqApp) -> None:
    # Order matters: the conversations first, so a step's text is theirs, not a command's.
    application.add_handler(progress.progress_conversation(application))
    application.add_handler(edit.edit_conversation(application))
    application.add_handler(status.STATUS.handler())
    application.add_handler(links.LINK.handler())
    application.add_handler(links.UNLINK.handler())
    needs = Permission.VIEW_PROGRAMS
    application.add_handler(button(ListButton, status.list_button, needs=needs))
    application.add_handler(button(OpenButton, status.open_button, needs=needs))
    application.add_handler(button(ChartButton, status.chart_button, needs=needs))
    application.add_handler(button(EvidenceButton, status.evidence_button, needs=needs))
    application.add_handler(upload.upload_handler())
