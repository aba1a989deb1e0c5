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
from bot.state import runtime_of
from handlers import flow
from handlers.declare import button, command
from handlers.report import confirm, draft, entry, files, prompts
from handlers.report.draft import State
from handlers.steps import button_state

# Private only: the flow posts a contact keyboard and the owner's details.
COMMANDS = [command("report", entry.begin, needs=Permission.SUBMIT_REPORT, private=True)]


def conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    attached = files.ATTACHED
    return flow.conversation(
        "report",
        COMMANDS[0],
        {
            State.RESUME: button_state(
                application,
                flow.on(draft.Resume, entry.resume_draft),
                flow.on(draft.NewDraft, entry.new_draft),
                also=[MessageHandler(attached, files.file_not_yet("report.file_after_choice"))],
            ),
            # By prefix: a forged or old unit or category is answered by the step itself.
            State.UNIT: button_state(
                application,
                CallbackQueryHandler(entry.got_unit, pattern=rf"^{draft.PickUnit.prefix}:"),
                also=[
                    MessageHandler(attached, files.file_not_yet("report.file_after_description"))
                ],
            ),
            State.CATEGORY: button_state(
                application,
                CallbackQueryHandler(entry.got_category, pattern=rf"^{draft.PickCategory.prefix}:"),
                also=[
                    MessageHandler(attached, files.file_not_yet("report.file_after_description"))
                ],
            ),
            State.DESCRIPTION: flow.text_step(
                files.got_description, also=attached, not_text="report.description_not_text"
            ),
            State.ATTACH: button_state(
                application,
                flow.on(draft.AttachmentsDone, files.attachments_done),
                # Text here is the rest of a long description (Telegram splits a paste).
                also=[
                    MessageHandler(attached, files.got_file),
                    MessageHandler(flow.TEXT, files.more_description),
                ],
                hint="report.files_expected",
            ),
            State.AMOUNT: button_state(
                application,
                flow.on(draft.SkipAmount, confirm.skip_amount),
                # A file here is kept as at the files step (the owner found it late).
                also=[
                    MessageHandler(flow.TEXT, confirm.got_amount),
                    MessageHandler(attached, files.file_after(prompts.ask_amount)),
                ],
                hint="common.text_expected",
            ),
            State.CONFIRM: button_state(
                application,
                flow.on(draft.Submit, confirm.submit),
                flow.on(draft.EditDescription, confirm.edit_description),
                flow.on(draft.EditCategory, confirm.edit_category),
                flow.on(draft.CancelReport, flow.cancel_button),
                also=[MessageHandler(attached, files.file_after(prompts.show_summary))],
                typed=confirm.amount_at_summary,
            ),
        },
        draft=draft.DRAFT,
        lost="report.restart",
        entry_button=r"^menu:report(?::resume)?$",
        asks={
            State.RESUME: prompts.ask_resume,
            State.UNIT: entry.ask_unit,
            State.CATEGORY: prompts.ask_category,
            State.DESCRIPTION: prompts.ask_description,
            State.ATTACH: prompts.ask_attachments,
            State.AMOUNT: prompts.ask_amount,
            State.CONFIRM: prompts.show_summary,
        },
    )


def register_edits(application: RounaqApp) -> None:
    """The flow's edited messages: the description's own message corrected, before the
    report is submitted or after (the gate lets such an edit through and answers every
    other)."""
    edited = MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & files.DescriptionEdit(application),
        files.description_edited,
    )
    filed = MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & files.FiledDescriptionEdit(application),
        files.filed_edit,
    )
    for handler in (edited, filed):
        runtime_of(application).edit_claims.append(handler.check_update)
        application.add_handler(handler)


def register(application: RounaqApp) -> None:
    application.add_handler(conversation(application))
    # After the flow: its Submit pressed once the flow is over (a double tap).
    application.add_handler(button(draft.Submit, confirm.sent_already))
