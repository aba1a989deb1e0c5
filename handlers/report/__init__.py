"""Reporting a production obstacle: unit → category → description (+ files) → amount → confirm.

One flow in a few rooms: the draft and its kinds (draft), the questions (prompts), the
beginning (entry), the description and files (files), the amount and the submission
(confirm); the conversation that ties the steps together is here.
"""

from __future__ import annotations

from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.access import Permission
from bot.context import RounaqApp, RounaqContext
from handlers import flow
from handlers.declare import command
from handlers.report.confirm import (
    edit_category,
    edit_description,
    got_amount,
    skip_amount,
    submit,
)
from handlers.report.draft import (
    AttachmentsDone,
    CancelReport,
    EditCategory,
    EditDescription,
    NewDraft,
    PickCategory,
    PickUnit,
    Resume,
    SkipAmount,
    State,
    Submit,
)
from handlers.report.entry import begin, got_category, got_unit, new_draft, resume_draft
from handlers.report.files import attachments_done, got_description, got_file, more_description
from handlers.steps import button_state

# Private only: the flow posts a contact keyboard and the owner's details.
COMMANDS = [
    command("report", begin, needs=Permission.SUBMIT_REPORT, filters=filters.ChatType.PRIVATE)
]


def conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    text = filters.TEXT & ~filters.COMMAND
    files = filters.PHOTO | filters.Document.ALL
    return flow.conversation(
        "report",
        COMMANDS[0],
        {
            State.RESUME: button_state(
                application,
                CallbackQueryHandler(resume_draft, pattern=Resume.pattern()),
                CallbackQueryHandler(new_draft, pattern=NewDraft.pattern()),
            ),
            State.UNIT: button_state(
                application, CallbackQueryHandler(got_unit, pattern=rf"^{PickUnit.prefix}:")
            ),
            State.CATEGORY: button_state(
                application,
                CallbackQueryHandler(got_category, pattern=rf"^{PickCategory.prefix}:"),
            ),
            State.DESCRIPTION: flow.text_step(got_description, also=files),
            State.ATTACH: button_state(
                application,
                CallbackQueryHandler(attachments_done, pattern=AttachmentsDone.pattern()),
                # Text here is the rest of a long description (Telegram splits a paste).
                also=[MessageHandler(files, got_file), MessageHandler(text, more_description)],
                hint="report.files_expected",
            ),
            State.AMOUNT: button_state(
                application,
                CallbackQueryHandler(skip_amount, pattern=SkipAmount.pattern()),
                also=[MessageHandler(text, got_amount)],
                hint="common.text_expected",
            ),
            State.CONFIRM: button_state(
                application,
                CallbackQueryHandler(submit, pattern=Submit.pattern()),
                CallbackQueryHandler(edit_description, pattern=EditDescription.pattern()),
                CallbackQueryHandler(edit_category, pattern=EditCategory.pattern()),
                CallbackQueryHandler(flow.cancel_button, pattern=CancelReport.pattern()),
            ),
        },
        entry_button=r"^menu:report$",
    )


def register(application: RounaqApp) -> None:
    application.add_handler(conversation(application))
