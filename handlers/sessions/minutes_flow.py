"""The minutes: the DOCX and the decisions' picture to check, the secretariat's edited
version (awaited until it comes, /cancel or the stop button), issuing them to the
attending agencies; after the session, upholding an objection and putting an overdue
decision back on the next session's agenda."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.context import RounaqContext
from bot.formatting import escape
from bot.i18n import Translator
from bot.minutes import MinutesContext, build_minutes, decisions_png
from bot.services.sessions import SessionPack
from bot.services.workflow import WorkflowError
from handlers.awaited import Awaited
from handlers.notify import deliver
from handlers.sessions.buttons import (
    Issue,
    Minutes,
    Requeue,
    SendEdited,
    StopWaiting,
    Uphold,
    ViewSession,
)
from handlers.sessions.common import (
    EDIT_KEY,
    agency_chats,
    error_text,
    in_language,
    reached,
    send_to,
)
from handlers.ui import answer_quietly, chat_id, keyboard, message_of, say
from storage.dto_sessions import SessionDTO
from storage.models_sessions import SessionStatus


def minutes_filename(session: SessionDTO, lang: str) -> str:
    return f"minutes-{session.number}-{lang}.docx"


async def _minutes_files(
    context: RounaqContext, pack: SessionPack, lang: str
) -> tuple[bytes, bytes]:
    tr, fmt = in_language(context, lang)
    me = await context.services.users.get(context.principal.user_id)
    mc = MinutesContext(tr, fmt, context.services.directory, me.first_name if me else "")
    # python-docx and matplotlib are synchronous and take a moment: off the event loop.
    document = await asyncio.to_thread(build_minutes, mc, pack)
    picture = await asyncio.to_thread(decisions_png, mc, pack)
    return document, picture


def _draft_buttons(tr: Translator, session_id: int, *, edit: bool) -> InlineKeyboardMarkup | None:
    """Issue the minutes; then either send an edited version, or stop waiting for one."""
    if edit:
        second, data = "sessions.btn_edited", SendEdited(session_id).pack()
    else:
        second, data = "sessions.btn_stop_waiting", StopWaiting(session_id).pack()
    issue = InlineKeyboardButton(tr.t("sessions.btn_issue"), callback_data=Issue(session_id).pack())
    return keyboard([issue], [InlineKeyboardButton(tr.t(second), callback_data=data)])


async def minutes(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Minutes
) -> None:
    await answer_quietly(query)
    tr, fmt = context.tr, context.fmt
    pack = await context.services.sessions.pack(context.principal, pressed.session)
    document, picture = await _minutes_files(context, pack, context.lang)
    number = fmt.plain_int(pack.session.number)
    chat = chat_id(update)
    caption = tr.t("sessions.png_caption", number=number)
    await context.bot.send_photo(chat, picture, caption=caption)
    issued = pack.session.status == SessionStatus.ISSUED
    caption = tr.t(
        "sessions.minutes_issued_caption" if issued else "sessions.minutes_check", number=number
    )
    if not issued and context.services.clock.now() < pack.session.starts_at:
        # A draft before the meeting is fine to prepare; it is issued once it was held.
        caption += "\n" + tr.t(
            "sessions.minutes_before_held", when=fmt.datetime(pack.session.starts_at)
        )
    await context.bot.send_document(
        chat,
        document=document,
        filename=minutes_filename(pack.session, context.lang),
        caption=caption,
        reply_markup=None if issued else _draft_buttons(tr, pack.session.id, edit=True),
    )


async def issue(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Issue
) -> None:
    sessions = context.services.sessions
    session, notices = await sessions.issue(
        context.principal, pressed.session, update_id=update.update_id
    )
    await answer_quietly(query)
    assert context.user_data is not None
    context.user_data.pop(EDIT_KEY, None)  # issued: no edited version is awaited any more
    pack = await sessions.pack(context.principal, pressed.session)
    until = sessions.objection_until(session.minutes_issued_at or context.services.clock.now())
    files: dict[str, bytes] = {}
    sent = 0
    for invited in (a for a in session.agencies if a.attended):
        for chat, lang in await agency_chats(context, invited.agency_id):
            # The secretariat's edited file, when it sent one, is the minutes for everyone.
            if session.minutes_file_id is None and lang not in files:
                files[lang] = (await _minutes_files(context, pack, lang))[0]
            tr, fmt = in_language(context, lang)
            caption = tr.t(
                "sessions.minutes_to_agency",
                number=fmt.plain_int(session.number),
                until=fmt.date(until),
            )
            edited = session.minutes_file_id
            filename = None if edited else minutes_filename(session, lang)
            sent += await reached(
                context.bot.send_document(
                    chat, edited or files[lang], caption=caption, filename=filename
                )
            )
    await deliver(context, notices)
    tr, fmt = context.tr, context.fmt
    text = tr.t(
        "sessions.issued",
        number=fmt.plain_int(session.number),
        count=fmt.number(sent),
        until=fmt.date(until),
    )
    await say(update, context, text)


# --- the secretariat's edited minutes -----------------------------------------------------


def awaited(user_data: Mapping[str, Any] | None) -> bool:
    """The edited minutes are awaited from this user (they pressed "send the edited
    minutes", and neither sent them nor stopped since)."""
    return bool(user_data and user_data.get(EDIT_KEY))


class WaitingForMinutes(Awaited):
    """A private message from someone who pressed "send the edited minutes"."""

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        return awaited(user_data)


async def send_edited(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: SendEdited
) -> None:
    await context.services.sessions.get(context.principal, pressed.session)
    await query.answer()
    assert context.user_data is not None
    context.user_data[EDIT_KEY] = pressed.session
    markup = _draft_buttons(context.tr, pressed.session, edit=False)
    await context.bot.send_message(
        query.from_user.id, context.tr.t("sessions.ask_edited"), reply_markup=markup
    )


async def stop_waiting(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: StopWaiting
) -> None:
    assert context.user_data is not None
    waiting = context.user_data.pop(EDIT_KEY, None) is not None
    await answer_quietly(query)
    key = "sessions.edited_stopped" if waiting else "sessions.edited_not_waiting"
    await say(update, context, context.tr.t(key))


async def moved_on(update: Update, context: RounaqContext) -> None:
    """Another command while the edited minutes are awaited: the user moved on, as with
    any prompt (handlers/asking.py); the draft's buttons still offer both ways."""
    if context.user_data is not None:
        context.user_data.pop(EDIT_KEY, None)


async def _ask_again(update: Update, context: RounaqContext, key: str) -> None:
    assert context.user_data is not None
    session_id = int(context.user_data.get(EDIT_KEY) or 0)
    markup = _draft_buttons(context.tr, session_id, edit=False)
    await say(update, context, context.tr.t(key), markup)


async def not_a_docx(update: Update, context: RounaqContext) -> None:
    """Text, a sticker, a photo: say what is awaited, with the step's buttons."""
    await _ask_again(update, context, "sessions.edited_expected")


async def got_edited_minutes(update: Update, context: RounaqContext) -> None:
    message = message_of(update)
    assert message.document is not None
    assert context.user_data is not None
    name = message.document.file_name or ""
    if not name.lower().endswith(".docx"):
        await _ask_again(update, context, "sessions.edited_not_docx")
        return
    session_id = int(context.user_data.get(EDIT_KEY) or 0)
    try:
        await context.services.sessions.keep_edited_minutes(
            context.principal, session_id, message.document.file_id, name
        )
    except WorkflowError as error:
        context.user_data.pop(EDIT_KEY, None)
        await message.reply_text(error_text(context.tr, error))
        return
    context.user_data.pop(EDIT_KEY, None)
    issue_button = InlineKeyboardButton(
        context.tr.t("sessions.btn_issue"), callback_data=Issue(session_id).pack()
    )
    await message.reply_text(
        context.tr.t("sessions.edited_kept"), reply_markup=keyboard([issue_button])
    )


# --- after the minutes -----------------------------------------------------------------


async def uphold(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Uphold
) -> None:
    followups = context.services.followups
    title = await followups.uphold(context.principal, pressed.decision, pressed.agency)
    await answer_quietly(query, context.tr.t("sessions.upheld"))
    for chat, lang in await agency_chats(context, pressed.agency):
        tr, fmt = in_language(context, lang)
        text = tr.t(
            "sessions.upheld_agency",
            decision=fmt.plain_int(pressed.decision),
            subject=escape(title),
        )
        await send_to(context, chat, text, None)


async def requeue(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: Requeue
) -> None:
    followups, fmt = context.services.followups, context.fmt
    session = await followups.requeue(context.principal, pressed.decision, pressed.agency)
    await answer_quietly(query)
    agency = context.services.directory.agency(pressed.agency).name(context.lang)
    text = context.tr.t(
        "sessions.requeued",
        decision=fmt.plain_int(pressed.decision),
        number=fmt.plain_int(session.number),
        date=fmt.date(session.starts_at),
        agency=escape(agency),
    )
    label = context.tr.t("sessions.btn_open", number=fmt.plain_int(session.number))
    button = InlineKeyboardButton(label, callback_data=ViewSession(session.id).pack())
    await say(update, context, text, keyboard([button]))
