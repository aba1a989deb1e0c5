"""The description and its files: typed text, a long paste in parts, photos and documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import (
    Animation,
    InlineKeyboardButton,
    Message,
    PhotoSize,
    Update,
    Video,
    VideoNote,
)
from telegram.ext import filters

from bot.access import ReportAction
from bot.buttons.reports import OpenButton
from bot.context import RounaqContext
from bot.services.reports import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_ATTACHMENTS,
    Attachment,
    document_type_allowed,
    letters_and_digits,
)
from bot.text import normalize_text
from bot.views.common import tracking_number
from handlers import flow
from handlers.awaited import Awaited
from handlers.card import action_button
from handlers.report.draft import DRAFT, State, step_shown
from handlers.report.prompts import after_description, ask_attachments, continue_markup
from handlers.steps import remembered_markup, reprompt, step_markup
from handlers.ui import keyboard, message_of

# What the flow keeps as a file: photos and documents, and the video an owner films the
# obstacle with (a video, a round video note, a GIF: each sent again as it came).
ATTACHED = (
    filters.PHOTO | filters.Document.ALL | filters.VIDEO | filters.VIDEO_NOTE | filters.ANIMATION
)


def _media(message: Message) -> tuple[str, PhotoSize | Video | VideoNote | Animation] | None:
    """The message's photo (its largest size) or video, by the kind it is kept as."""
    if message.photo:
        return "photo", message.photo[-1]
    # A GIF comes as an animation and as a document of it: the animation is what it is.
    if message.animation:
        return "animation", message.animation
    if message.video:
        return "video", message.video
    if message.video_note:
        return "video_note", message.video_note
    return None


def has_file(message: Message) -> bool:
    return message.document is not None or _media(message) is not None


def check_description(context: RounaqContext, raw: str) -> tuple[str | None, str | None]:
    """(description, error message)."""
    text = normalize_text(raw)
    fmt = context.fmt
    if letters_and_digits(text) < DESCRIPTION_MIN:
        return None, context.tr.t("report.description_short", min=fmt.number(DESCRIPTION_MIN))
    if len(text) > DESCRIPTION_MAX:
        return None, context.tr.t(
            "report.description_long", max=fmt.number(DESCRIPTION_MAX), length=fmt.number(len(text))
        )
    return text, None


async def got_description(update: Update, context: RounaqContext) -> int:
    message = message_of(update)
    raw = message.text or message.caption or ""
    if has_file(message):
        refused = add_attachment(context, message)
        if refused:
            # The file only: its caption is still the owner's words, read as below.
            await message.reply_text(refused)
        if not raw:
            if not refused:
                await message.reply_text(context.tr.t("report.file_received_need_text"))
            return State.DESCRIPTION
    description, error = check_description(context, raw)
    if description is None:
        assert error is not None
        await message.reply_text(error)
        return State.DESCRIPTION
    with DRAFT.edit(context) as draft:
        draft.description = description
        draft.description_message = message.message_id
        draft.description_head = len(description)
    return await ask_attachments(update, context)


class DescriptionEdit(Awaited):
    """An edit of the message a held draft's description came from."""

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        values = DRAFT.held_in(user_data)
        return (
            values is not None
            and values.description is not None
            and values.description_message == message.message_id
        )


async def description_edited(update: Update, context: RounaqContext) -> None:
    """The message the description came from, edited before the report is submitted: its
    part of the description becomes the edited text. On a phone a typo is corrected by
    editing; sent again instead, the corrected text would be added to the old one. (Any
    other edit is answered by the gate: edits are not read.)"""
    message = update.edited_message
    values = DRAFT.held(context)
    # The filter (DescriptionEdit) let only such an edit in.
    assert message is not None
    assert values is not None
    assert values.description is not None
    edited, error = check_description(context, message.text or message.caption or "")
    if edited is None:
        await message.reply_text(error or "")
        return
    rest = values.description[values.description_head :]
    if len(edited + rest) > DESCRIPTION_MAX:
        fmt = context.fmt
        length = fmt.number(len(edited + rest))
        await message.reply_text(
            context.tr.t("report.description_long", max=fmt.number(DESCRIPTION_MAX), length=length)
        )
        return
    values.description, values.description_head = edited + rest, len(edited)
    DRAFT.put(context, values)
    tr = context.tr
    told = tr.t("report.description_edited", length=context.fmt.number(len(values.description)))
    if values.files_done:
        # Past the files: the amount is asked again, or a fresh preview shows the new words.
        await message.reply_text(told)
        await after_description(update, context)
    else:
        await continue_after(context, message, told)


# user_data: the messages submitted reports' descriptions came from, [[message id, report
# id], ...], newest last: an edit of one after the submission is answered (filed_edit).
FILED_KEY = "report_filed_descriptions"
MAX_FILED = 20


def remember_filed(context: RounaqContext, message_id: int | None, report_id: int) -> None:
    """The description of report `report_id` came from message `message_id` (if known)."""
    if message_id is None or context.user_data is None:
        return
    filed = context.user_data.get(FILED_KEY)
    kept = [e for e in filed if e[0] != message_id] if isinstance(filed, list) else []
    context.user_data[FILED_KEY] = [*kept, [message_id, report_id]][-MAX_FILED:]


def _filed_report(user_data: Mapping[str, Any] | None, message_id: int) -> int | None:
    filed = user_data.get(FILED_KEY) if user_data is not None else None
    if not isinstance(filed, list):
        return None
    return next((int(e[1]) for e in filed if e[0] == message_id), None)


class FiledDescriptionEdit(Awaited):
    """An edit of the message a submitted report's description came from."""

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        return _filed_report(user_data, message.message_id) is not None


async def filed_edit(update: Update, context: RounaqContext) -> None:
    """The description's message edited after its report was submitted: on a phone an edit
    is how a typo is corrected, and it looks as if the report changed. It did not (the
    agency has it as submitted): the owner is told so, with the way to add what changed."""
    message = update.edited_message
    assert message is not None  # the filter (FiledDescriptionEdit) let only such an edit in
    report_id = _filed_report(context.user_data, message.message_id)
    report = await context.services.reports.get(report_id) if report_id is not None else None
    if report is None or report.owner_id != context.principal.user_id:
        await message.reply_text(context.tr.t("limits.edit_ignored"))
        return
    tr = context.tr
    text = tr.t("report.edited_after_submit", number=tracking_number(context.fmt, report))
    buttons = []
    if ReportAction.ADD_INFO in await context.services.workflow.available(
        context.principal, report
    ):
        text += "\n" + tr.t("report.edited_add_info", button=tr.t("workflow.btn_inf"))
        buttons.append([action_button(tr, report, ReportAction.ADD_INFO)])
    open_report = InlineKeyboardButton(
        tr.t("myreports.btn_open"), callback_data=OpenButton(report.id).pack()
    )
    await message.reply_text(text, reply_markup=keyboard(*buttons, [open_report]))


def add_attachment(context: RounaqContext, message: Message) -> str | None:
    """Store the file's id (never its bytes); an error message if it is refused."""
    tr = context.tr
    values = DRAFT.of(context)
    if len(values.attachments) >= MAX_ATTACHMENTS:
        return tr.t("report.too_many_files", max=context.fmt.number(MAX_ATTACHMENTS))
    attachment, error = _attachment(context, message)
    if attachment is not None:
        values.attachments.append(attachment)
        DRAFT.put(context, values)
    return error


def _attachment(context: RounaqContext, message: Message) -> tuple[Attachment | None, str | None]:
    """The message's photo, video or document as an attachment, or why it is refused."""
    tr = context.tr
    limit = context.settings.max_upload_bytes
    media = _media(message)
    if media is not None:
        kind, file = media
        if file.file_size and file.file_size > limit:
            return None, _too_big(context)
        mime_type = file.mime_type if isinstance(file, Video | Animation) else None
        attachment = Attachment(
            kind, file.file_id, file.file_unique_id, mime_type=mime_type, size=file.file_size
        )
        return attachment, None
    document = message.document
    assert document is not None
    if document.file_size and document.file_size > limit:
        return None, _too_big(context)
    if not document_type_allowed(document.mime_type, document.file_name):
        return None, tr.t("limits.file_type")
    attachment = Attachment(
        "document",
        document.file_id,
        document.file_unique_id,
        file_name=document.file_name,
        mime_type=document.mime_type,
        size=document.file_size,
    )
    return attachment, None


def _too_big(context: RounaqContext) -> str:
    limit = context.settings.max_upload_bytes
    return context.tr.t("report.file_too_big", max=context.fmt.number(limit // (1024 * 1024)))


async def got_file(update: Update, context: RounaqContext) -> int:
    message = message_of(update)
    error = add_attachment(context, message)
    count = len(DRAFT.of(context).attachments)
    text = error or context.tr.plural("report.attachments_so_far", count)
    if error is None and message.caption:
        # A caption is the owner's words about the file: kept as typed text is, never lost.
        text += "\n" + join_description(context, message.caption)
    await continue_after(context, message, text)
    return State.ATTACH


async def continue_after(context: RounaqContext, message: Message, text: str) -> None:
    """`text` in answer to `message`, with the files step's Continue: the one on the prompt
    may have scrolled away. Its own, remembered again: another flow opened meanwhile may
    have replaced the buttons this step remembered."""
    markup = step_markup(context, continue_markup(context.tr))
    await step_shown(context, await message.reply_text(text, reply_markup=markup))


def file_after(ask: flow.Step) -> flow.Step:
    """A photo or document sent after the files step (at the amount, at the preview): kept
    as one sent there (its caption joins the description), then `ask` asks the step again
    (returning its state). A file sent later is still evidence, never dropped."""

    async def kept(update: Update, context: RounaqContext) -> object:
        message = message_of(update)
        error = add_attachment(context, message)
        text = error or context.tr.plural(
            "report.attachments_so_far", len(DRAFT.of(context).attachments)
        )
        if error is None and message.caption:
            text += "\n" + join_description(
                context, message.caption, added="report.caption_added", over="report.caption_over"
            )
        await message.reply_text(text)
        return await ask(update, context)

    return kept


def file_not_yet(key: str) -> flow.Step:
    """A photo or document at a step before files are taken: before the description there
    is nothing to attach it to (its caption would pass for the description); at "go on, or
    start again?" which report it belongs to is the answer. The owner is told, by the
    catalog's `key`, when to send it, with the step's buttons again. With another flow in
    front (/progress asking for a percent) there are no buttons to point at: the key's
    `_alone` wording says when to send it and no more."""

    async def told(update: Update, context: RounaqContext) -> None:
        if remembered_markup(context) is None:
            await message_of(update).reply_text(context.tr.t(f"{key}_alone"))
            return
        await reprompt(update, context, key)

    return told


async def attachments_done(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    # The flow's guard (flow.conversation) let this step run only with its draft held.
    with DRAFT.edit(context) as draft:
        draft.files_done = True
    return await after_description(update, context)


async def more_description(update: Update, context: RounaqContext) -> int:
    """Text after the description: the rest of a long paste (Telegram splits it), or more
    words the owner wants in. It joins the description, up to the limit. (The Continue
    label typed is taken as the press before this handler: see `button_state`.)"""
    message = message_of(update)
    await continue_after(context, message, join_description(context, message.text or ""))
    return State.ATTACH


def join_description(
    context: RounaqContext,
    words: str,
    *,
    added: str = "report.description_added",
    over: str = "report.description_over",
) -> str:
    """Add words to the draft's description, up to the limit; returns what to tell: the
    catalog's `added` or `over` (the files step's ask for Continue; a later step's not)."""
    tr, fmt = context.tr, context.fmt
    values = DRAFT.of(context)
    joined = ((values.description or "") + "\n" + normalize_text(words)).strip()
    if len(joined) > DESCRIPTION_MAX:
        # The draft keeps what it had: nothing typed so far is lost.
        return tr.t(
            over,
            max=fmt.number(DESCRIPTION_MAX),
            length=fmt.number(len(values.description or "")),
        )
    values.description = joined
    DRAFT.put(context, values)
    return tr.t(added, length=fmt.number(len(joined)))
