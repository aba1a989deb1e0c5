"""The description and its files: typed text, a long paste in parts, photos and documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Message, Update

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
from handlers import flow
from handlers.awaited import Awaited
from handlers.report.draft import DRAFT, State, step_shown
from handlers.report.prompts import after_description, ask_attachments, continue_markup
from handlers.steps import step_markup
from handlers.ui import message_of


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
    if message.photo or message.document:
        error = add_attachment(context, message)
        if error:
            await message.reply_text(error)
            return State.DESCRIPTION
        if not raw:
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
    """The message's photo or document as an attachment, or why it is refused."""
    tr = context.tr
    limit = context.settings.max_upload_bytes
    if message.photo:
        photo = message.photo[-1]  # the largest size
        if photo.file_size and photo.file_size > limit:
            return None, _too_big(context)
        return Attachment("photo", photo.file_id, photo.file_unique_id, size=photo.file_size), None
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


def join_description(context: RounaqContext, words: str) -> str:
    """Add words to the draft's description, up to the limit; returns what to tell."""
    tr, fmt = context.tr, context.fmt
    values = DRAFT.of(context)
    joined = ((values.description or "") + "\n" + normalize_text(words)).strip()
    if len(joined) > DESCRIPTION_MAX:
        # The draft keeps what it had: nothing typed so far is lost.
        return tr.t(
            "report.description_over",
            max=fmt.number(DESCRIPTION_MAX),
            length=fmt.number(len(values.description or "")),
        )
    values.description = joined
    DRAFT.put(context, values)
    return tr.t("report.description_added", length=fmt.number(len(joined)))
