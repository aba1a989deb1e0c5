"""The Headquarters' session in the chat: /session.

Callback data `ss:<verb>[:<id>...]`. The secretariat schedules a session (date and time,
place, chair), invites agencies, puts agenda items on it, sends the agenda, records who
attended and what was decided, checks the minutes (DOCX and a PNG of the decisions) and
issues them. Invited agencies' officers write their position on an item (`ss:po`).
"""

from __future__ import annotations

import asyncio
import re
from contextlib import suppress
from datetime import datetime
from typing import Any

import jdatetime
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.access import Permission, can_respond_to_decision
from bot.context import RounaqApp, RounaqContext
from bot.delivery import is_transient
from bot.formatting import Presenter, escape
from bot.i18n import Translator, get_translator
from bot.menu import MenuCommand
from bot.minutes import (
    MinutesContext,
    background_lines,
    build_minutes,
    date_in_words,
    decisions_png,
)
from bot.services.sessions import ItemBrief, SessionPack
from bot.services.workflow import WorkflowError
from bot.text import normalize_for_match, parse_jalali_date
from bot.views import workflow_error
from handlers import prompt
from handlers.common import deny
from handlers.notify import deliver
from handlers.ui import answer_quietly, callback, int_arg, keyboard, rows, send_chunks
from storage.dto_sessions import SessionDTO
from storage.models import Role
from storage.models_sessions import ItemOutcome, SessionStatus
from storage.models_workflow import AgencyResponse

COMMANDS = [MenuCommand("session", Permission.MANAGE_AGENDA)]
DRAFT_KEY = "session_decision_draft"
EDIT_KEY = "session_minutes_edit"  # the session whose edited minutes are awaited
DEADLINE_CHOICES = (10, 20, 30, 60)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})$")


def error_text(tr: Translator, error: WorkflowError) -> str:
    key = f"sessions.error_{error.reason}"
    return tr.t(key) if tr.has(key) else workflow_error(tr, error)


def when_text(tr: Translator, fmt: Presenter, session: SessionDTO) -> str:
    local = session.starts_at.astimezone(fmt.tz)
    j = jdatetime.date.fromgregorian(date=local.date())
    return tr.t(
        "sessions.when", date=date_in_words(fmt, j, fmt.weekday(local)), time=fmt.time(local)
    )


def _view(context: RounaqContext) -> MinutesContext:
    return MinutesContext(context.tr, context.fmt, context.services.directory, "")


def waits_for(context: RounaqContext, session: SessionDTO | None) -> str:
    """The line /agenda adds under an item put on a session."""
    if session is None:
        return ""
    return "\n" + context.tr.t(
        "sessions.waits_for",
        number=context.fmt.plain_int(session.number),
        date=context.fmt.date(session.starts_at),
    )


async def _say(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send_chunks(context, chat.id, text, markup)


# --- views -----------------------------------------------------------------------------


async def _list_view(context: RounaqContext) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt = context.tr, context.fmt
    sessions = await context.services.sessions.sessions(context.principal)
    lines = [tr.t("sessions.list_title", count=fmt.number(len(sessions)))]
    buttons = []
    for s in sessions[:20]:
        lines.append(
            tr.t(
                "sessions.list_line",
                number=fmt.plain_int(s.number),
                date=fmt.date(s.starts_at),
                state=tr.t(f"sessions.status_{s.status}"),
                items=fmt.number(len(s.items)),
            )
        )
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("sessions.btn_open", number=fmt.plain_int(s.number)),
                    callback_data=callback("ss", "v", s.id),
                )
            ]
        )
    buttons.append([InlineKeyboardButton(tr.t("sessions.btn_new"), callback_data="ss:new")])
    return "\n".join(lines), keyboard(*buttons)


def _item_text(mc: MinutesContext, brief: ItemBrief, *, for_agency: int | None = None) -> str:
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    lines = [
        tr.t(
            "sessions.item_head",
            number=fmt.plain_int(brief.position),
            title=escape(brief.item.title),
        )
    ]
    lines.extend(escape(line) for line in background_lines(mc, brief))
    for said in brief.said:
        if said.agency_id is not None and for_agency in (None, said.agency_id):
            lines.append(
                tr.t(
                    "sessions.said_line",
                    agency=escape(directory.agency(said.agency_id).name(lang)),
                    text=escape(said.note[:300]),
                )
            )
    for position in brief.positions:
        lines.append(
            tr.t(
                "sessions.position_line",
                agency=escape(directory.agency(position.agency_id).name(lang)),
                text=escape(position.text[:600]),
            )
        )
    if brief.decision is not None:
        lines.append(
            tr.t(
                "sessions.decided_line",
                id=fmt.plain_int(brief.decision.id),
                text=escape(brief.decision.text[:600]),
                deadline=fmt.date(brief.decision.deadline_at),
            )
        )
    if brief.outcome and (brief.decision is None or brief.outcome != ItemOutcome.DECIDED):
        lines.append(tr.t(f"sessions.outcome_{brief.outcome}"))
    return "\n".join(lines)


def _head(mc: MinutesContext, session: SessionDTO) -> str:
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    invited = tr.t("sessions.list_separator").join(
        directory.agency(a.agency_id).name(lang)
        + (f" ({a.attendee})" if a.attended and a.attendee else "")
        for a in session.agencies
    )
    return tr.t(
        "sessions.head",
        number=fmt.plain_int(session.number),
        when=when_text(tr, fmt, session),
        place=escape(session.place),
        chair=escape(session.chair),
        state=tr.t(f"sessions.status_{session.status}"),
        invited=escape(invited) or tr.t("sessions.none"),
    )


async def _session_view(
    context: RounaqContext, session_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt = context.tr, context.fmt
    pack = await context.services.sessions.pack(context.principal, session_id)
    session = pack.session
    parts = [_head(_view(context), session)]
    parts.extend(_item_text(_view(context), b) for b in pack.items)
    if not pack.items:
        parts.append(tr.t("sessions.no_items"))
    sid = session.id
    buttons: list[list[InlineKeyboardButton]] = []
    if session.status == SessionStatus.SCHEDULED and context.principal.can(
        Permission.MANAGE_AGENDA
    ):

        def button(key: str, *data: object, **values: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(tr.t(key, **values), callback_data=callback("ss", *data))

        buttons.append(
            [button("sessions.btn_invite", "iv", sid), button("sessions.btn_add", "ai", sid)]
        )
        buttons.append(
            [button("sessions.btn_send", "sa", sid), button("sessions.btn_attend", "at", sid)]
        )
        for b in pack.items:
            n = fmt.plain_int(b.position)
            if b.outcome is None and b.decision is not None:  # an overdue one, put back
                buttons.append(
                    [
                        button("sessions.btn_reviewed", "rv", sid, b.item.id, n=n),
                        button("sessions.btn_postpone", "pp", sid, b.item.id, n=n),
                    ]
                )
            elif b.outcome is None:
                buttons.append(
                    [
                        button("sessions.btn_decide", "d", sid, b.item.id, n=n),
                        button("sessions.btn_postpone", "pp", sid, b.item.id, n=n),
                        button("sessions.btn_reject", "rj", sid, b.item.id, n=n),
                    ]
                )
        buttons.append([button("sessions.btn_minutes", "m", sid)])
    elif context.principal.can(Permission.MANAGE_AGENDA):
        upheld = await context.services.followups.upheld([b.decision for b in pack.items])
        for b in pack.items:
            for answer in b.decision.agencies if b.decision else ():
                if answer.state != AgencyResponse.OBJECTED or (
                    (answer.decision_id, answer.agency_id) in upheld
                ):
                    continue
                name = context.services.directory.agency(answer.agency_id).name(context.lang)
                buttons.append(
                    [
                        InlineKeyboardButton(
                            tr.t(
                                "sessions.btn_uphold",
                                agency=context.fmt.shorten(name, 30),
                                id=fmt.plain_int(answer.decision_id),
                            ),
                            callback_data=callback(
                                "ss", "up", answer.decision_id, answer.agency_id
                            ),
                        )
                    ]
                )
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("sessions.btn_minutes"), callback_data=callback("ss", "m", sid)
                )
            ]
        )
    return "\n\n".join(parts), keyboard(*buttons) if buttons else None


# --- /session ----------------------------------------------------------------------------


async def session_command(update: Update, context: RounaqContext) -> None:
    if not context.principal.can(Permission.MANAGE_AGENDA):
        await deny(update, context)
        return
    text, markup = await _list_view(context)
    await _say(update, context, text, markup)


def _agency_picker(
    context: RounaqContext,
    verb: str,
    first: int,
    chosen: set[int],
    done: str,
    done_label: str = "sessions.btn_done",
) -> InlineKeyboardMarkup | None:
    # The invitation picker's buttons carry the state they set, so a press handled twice
    # does not undo itself; the decision draft lives in user_data and is toggled.
    buttons = [
        InlineKeyboardButton(
            ("☑ " if a.id in chosen else "☐ ")
            + context.fmt.shorten(a.short_name(context.lang), 36),
            callback_data=callback(
                "ss", verb, first, a.id, *([int(a.id not in chosen)] if verb == "ia" else [])
            ),
        )
        for a in context.services.directory.agencies
    ]
    finish = InlineKeyboardButton(context.tr.t(done_label), callback_data=done)
    return keyboard(*rows(buttons, 2), [finish])


async def _edit_markup(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    with suppress(BadRequest):  # the same state pressed twice
        await query.edit_message_reply_markup(markup)


async def session_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    tr, fmt, sessions = context.tr, context.fmt, context.services.sessions
    parts = (query.data or "").split(":")[1:]
    verb = parts[0] if parts else ""
    nums = [int_arg(p) for p in parts[1:]]
    if any(n is None for n in nums):
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    ids = [int(n or 0) for n in nums]
    if verb == "po" and len(ids) == 2:
        await _ask_position(update, context, ids[0], ids[1])
        return
    if not context.principal.can(Permission.MANAGE_AGENDA):
        await deny(update, context)
        return
    try:
        if verb == "new" and not ids:
            await query.answer()
            example = fmt.short_date(context.services.clock.now())
            await prompt.ask(
                context, query.from_user.id, tr.t("sessions.ask_when", example=example), "ss_when"
            )
        elif verb == "v" and len(ids) == 1:
            text, markup = await _session_view(context, ids[0])
            await query.answer()
            await _say(update, context, text, markup)
        elif verb == "iv" and len(ids) == 1:
            session = await sessions.get(context.principal, ids[0])
            await query.answer()
            chosen = {a.agency_id for a in session.agencies}
            markup = _agency_picker(
                context, "ia", session.id, chosen, callback("ss", "v", session.id)
            )
            await _say(update, context, tr.t("sessions.pick_invited"), markup)
        elif verb == "ia" and len(ids) == 3:
            await sessions.invite(context.principal, ids[0], ids[1], invited=bool(ids[2]))
            session = await sessions.get(context.principal, ids[0])
            await query.answer()
            chosen = {a.agency_id for a in session.agencies}
            await _edit_markup(
                update,
                _agency_picker(context, "ia", session.id, chosen, callback("ss", "v", session.id)),
            )
        elif verb == "ai" and len(ids) == 1:
            free = await sessions.free_items(context.principal)
            await query.answer()
            if not free:
                await _say(update, context, tr.t("sessions.no_free_items"))
                return
            buttons = [
                [
                    InlineKeyboardButton(
                        tr.t(
                            "sessions.btn_put",
                            id=fmt.plain_int(i.id),
                            title=context.fmt.shorten(i.title, 40),
                        ),
                        callback_data=callback("ss", "+", ids[0], i.id),
                    )
                ]
                for i in free[:30]
            ]
            await _say(update, context, tr.t("sessions.pick_items"), keyboard(*buttons))
        elif verb == "+" and len(ids) == 2:
            await sessions.put_item(context.principal, ids[0], ids[1])
            await answer_quietly(query, tr.t("sessions.put_done"))
            text, markup = await _session_view(context, ids[0])
            await _say(update, context, text, markup)
        elif verb == "sa" and len(ids) == 1:
            session = await sessions.mark_agenda_sent(context.principal, ids[0])
            await answer_quietly(query)
            sent = await _send_agenda(context, session.id)
            await _say(update, context, tr.t("sessions.agenda_sent", count=fmt.number(sent)))
        elif verb == "at" and len(ids) == 1:
            session = await sessions.get(context.principal, ids[0])
            await query.answer()
            people = [
                InlineKeyboardButton(
                    ("✅ " if a.attended else "▫️ ")
                    + context.fmt.shorten(
                        context.services.directory.agency(a.agency_id).short_name(context.lang), 36
                    ),
                    callback_data=callback("ss", "ap", session.id, a.agency_id),
                )
                for a in session.agencies
            ]
            if not people:
                await _say(update, context, tr.t("sessions.error_nothing_selected"))
                return
            await _say(update, context, tr.t("sessions.pick_attendee"), keyboard(*rows(people, 1)))
        elif verb == "ap" and len(ids) == 2:
            await sessions.get(context.principal, ids[0])
            await query.answer()
            agency = context.services.directory.agency(ids[1]).name(context.lang)
            await prompt.ask(
                context, query.from_user.id, tr.t("sessions.ask_attendee", agency=escape(agency)),
                "ss_attendee", session=ids[0], agency=ids[1],
            )  # fmt: skip
        elif verb == "d" and len(ids) == 2:
            await sessions.get(context.principal, ids[0])
            await query.answer()
            await prompt.ask(
                context, query.from_user.id, context.tr.t("hq.ask_decision"), "ss_decision",
                session=ids[0], item=ids[1],
            )  # fmt: skip
        elif verb in ("pp", "rj", "rv") and len(ids) == 2:
            outcome = {
                "pp": ItemOutcome.POSTPONED,
                "rj": ItemOutcome.REJECTED,
                "rv": ItemOutcome.REVIEWED,
            }[verb]
            await sessions.settle(context.principal, ids[0], ids[1], outcome)
            await answer_quietly(query, tr.t(f"sessions.outcome_{outcome}"))
            text, markup = await _session_view(context, ids[0])
            await _say(update, context, text, markup)
        elif verb == "a" and len(ids) == 2:
            draft = _draft(context, ids[0])
            if draft is None:
                await query.answer(tr.t("common.stale_button"), show_alert=True)
                return
            picked: list[int] = draft["agencies"]
            if ids[1] in picked:
                picked.remove(ids[1])
            elif ids[1] in {a.id for a in context.services.directory.agencies}:
                picked.append(ids[1])
            await query.answer()
            await _edit_markup(
                update,
                _agency_picker(
                    context, "a", ids[0], set(picked), callback("ss", "n", ids[0]), "hq.btn_next"
                ),
            )
        elif verb == "n" and len(ids) == 1:
            draft = _draft(context, ids[0])
            if draft is None or not draft["agencies"]:
                await query.answer(tr.t("hq.pick_agencies"), show_alert=True)
                return
            await query.answer()
            choices = [
                InlineKeyboardButton(
                    tr.t("hq.days", days=fmt.number(d)),
                    callback_data=callback("ss", "dl", ids[0], d),
                )
                for d in DEADLINE_CHOICES
            ]
            await _say(update, context, tr.t("hq.pick_deadline"), keyboard(choices))
        elif verb == "dl" and len(ids) == 2:
            await _decide(update, context, ids[0], ids[1])
        elif verb == "m" and len(ids) == 1:
            await answer_quietly(query)
            await _send_minutes_for_check(update, context, ids[0])
        elif verb == "is" and len(ids) == 1:
            await _issue(update, context, ids[0])
        elif verb == "up" and len(ids) == 2:
            title = await context.services.followups.uphold(context.principal, ids[0], ids[1])
            await answer_quietly(query, tr.t("sessions.upheld"))
            for chat_id, lang in await _agency_chats(context, ids[1]):
                local_tr, local_fmt = _in_language(context, lang)
                text = local_tr.t(
                    "sessions.upheld_agency",
                    decision=local_fmt.plain_int(ids[0]),
                    subject=escape(title),
                )
                await _send(context, chat_id, text, None)
        elif verb == "ed" and len(ids) == 1:
            await sessions.get(context.principal, ids[0])
            await query.answer()
            assert context.user_data is not None
            context.user_data[EDIT_KEY] = ids[0]
            await context.bot.send_message(query.from_user.id, tr.t("sessions.ask_edited"))
        elif verb == "rq" and len(ids) == 2:
            session = await context.services.followups.requeue(context.principal, ids[0], ids[1])
            await answer_quietly(query)
            await _say(
                update,
                context,
                tr.t(
                    "sessions.requeued",
                    decision=fmt.plain_int(ids[0]),
                    number=fmt.plain_int(session.number),
                    date=fmt.date(session.starts_at),
                ),
            )
        else:
            await query.answer(tr.t("common.stale_button"), show_alert=True)
    except WorkflowError as error:
        await answer_quietly(query, error_text(tr, error), show_alert=True)


# --- scheduling prompts ---------------------------------------------------------------------


def _parse_when(text: str, tz: Any) -> datetime | None:
    """«۱۴۰۵/۱۰/۱۵ ۱۰:۰۰» -> an aware datetime; the time is required."""
    cleaned = normalize_for_match(text).strip()
    match = _TIME_RE.search(cleaned)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    day = parse_jalali_date(cleaned[: match.start()].strip())
    if day is None or hour > 23 or minute > 59:
        return None
    g = day.togregorian()
    return datetime(g.year, g.month, g.day, hour, minute, tzinfo=tz)


async def got_when(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    message = update.effective_message
    assert message is not None
    tr, fmt = context.tr, context.fmt
    when = _parse_when(text, context.services.settings.tz)
    if when is None:
        await message.reply_text(
            tr.t("sessions.bad_when", example=fmt.short_date(context.services.clock.now()))
        )
        return False
    if when < context.services.clock.now():
        await message.reply_text(tr.t("workflow.error_date_past"))
        return False
    # The number is fixed now: the same answer handled twice schedules one session.
    number = await context.services.sessions.next_number()
    await prompt.ask(
        context,
        message.chat.id,
        tr.t("sessions.ask_place"),
        "ss_place",
        when=when.isoformat(),
        number=number,
    )
    return True


async def got_place(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    try:
        place = context.services.sessions.check_name(text)
    except WorkflowError as error:
        await message.reply_text(error_text(context.tr, error))
        return False
    await prompt.ask(
        context, message.chat.id, context.tr.t("sessions.ask_chair"), "ss_chair",
        when=data.get("when"), place=place, number=data.get("number"),
    )  # fmt: skip
    return True


async def got_chair(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    sessions = context.services.sessions
    try:
        session = await sessions.schedule(
            context.principal,
            number=int(data.get("number") or await sessions.next_number()),
            starts_at=datetime.fromisoformat(str(data.get("when"))),
            place=str(data.get("place", "")),
            chair=text,
        )
    except WorkflowError as error:
        await message.reply_text(error_text(context.tr, error))
        return error.reason not in ("note_length",)
    view, markup = await _session_view(context, session.id)
    await _say(update, context, context.tr.t("sessions.scheduled") + "\n\n" + view, markup)
    return True


async def got_attendee(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    session_id = int(data.get("session", 0))
    try:
        await context.services.sessions.attend(
            context.principal, session_id, int(data.get("agency", 0)), text
        )
    except WorkflowError as error:
        await message.reply_text(error_text(context.tr, error))
        return error.reason != "note_length"
    await message.reply_text(context.tr.t("sessions.attended"))
    return True


# --- decisions -------------------------------------------------------------------------------


def _draft(context: RounaqContext, item_id: int) -> dict[str, Any] | None:
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("item") != item_id:
        return None
    return draft


async def got_decision(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    item_id, session_id = int(data.get("item", 0)), int(data.get("session", 0))
    try:
        decision_text = context.services.hq.check_text(text)
        _, reports, _ = await context.services.hq.item(context.principal, item_id)
    except WorkflowError as error:
        await message.reply_text(error_text(context.tr, error))
        return error.reason != "note_length"
    chosen = sorted({r.agency_id for r in reports})
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {
        "item": item_id,
        "session": session_id,
        "text": decision_text,
        "agencies": chosen,
    }
    await message.reply_text(
        context.tr.t("hq.pick_agencies"),
        reply_markup=_agency_picker(
            context, "a", item_id, set(chosen), callback("ss", "n", item_id), "hq.btn_next"
        ),
    )
    return True


async def _decide(update: Update, context: RounaqContext, item_id: int, days: int) -> None:
    query = update.callback_query
    assert query is not None
    tr, fmt = context.tr, context.fmt
    draft = _draft(context, item_id)
    if draft is None or days not in DEADLINE_CHOICES:
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    session_id = int(draft["session"])
    decision, notices = await context.services.sessions.decide(
        context.principal,
        session_id,
        item_id,
        text=draft["text"],
        agency_ids=draft["agencies"],
        deadline_days=days,
        update_id=update.update_id,
    )
    await answer_quietly(query)
    await _say(
        update,
        context,
        tr.t(
            "sessions.decided",
            id=fmt.plain_int(decision.id),
            deadline=fmt.date(decision.deadline_at),
        ),
    )
    await deliver(context, notices)
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    text, markup = await _session_view(context, session_id)
    await _say(update, context, text, markup)


# --- the agenda to the agencies, positions -------------------------------------------------------


async def _agency_chats(context: RounaqContext, agency_id: int) -> list[tuple[int, str]]:
    services = context.services
    default = services.settings.default_language
    chats = [(u.id, u.language or default) for u in await services.users.officers(agency_id)]
    group = services.directory.agency(agency_id).group_chat_id
    if group is not None:
        chats.append((group, default))
    return chats


def _in_language(context: RounaqContext, lang: str) -> tuple[Translator, Presenter]:
    return get_translator(lang), Presenter(lang=lang, tz=context.services.settings.tz)


async def _send_agenda(context: RounaqContext, session_id: int) -> int:
    """The agenda to each invited agency's officers and group; returns the messages sent."""
    pack = await context.services.sessions.pack(context.principal, session_id)
    sent = 0
    for invited in pack.session.agencies:
        for chat_id, lang in await _agency_chats(context, invited.agency_id):
            tr, fmt = _in_language(context, lang)
            local = MinutesContext(tr, fmt, context.services.directory, "")
            text = "\n\n".join(
                [tr.t("sessions.agenda_to_agency"), _head(local, pack.session)]
                + [_item_text(local, b, for_agency=invited.agency_id) for b in pack.items]
            )
            buttons = [
                InlineKeyboardButton(
                    tr.t("sessions.btn_position", n=fmt.plain_int(b.position)),
                    callback_data=callback("ss", "po", b.item.id, invited.agency_id),
                )
                for b in pack.items
            ]
            if await _send(context, chat_id, text, keyboard(*rows(buttons, 2))):
                sent += 1
    return sent


async def _send(
    context: RounaqContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    try:
        await send_chunks(context, chat_id, text, markup)
    except Forbidden:
        return False
    except TelegramError as exc:
        if is_transient(exc):
            raise
        return False
    return True


async def _ask_position(
    update: Update, context: RounaqContext, item_id: int, agency_id: int
) -> None:
    query = update.callback_query
    assert query is not None
    tr = context.tr
    if not can_respond_to_decision(context.principal, agency_id):
        await query.answer(tr.t("workflow.error_not_found"), show_alert=True)
        return
    asked = await prompt.ask(
        context, query.from_user.id, tr.t("sessions.ask_position"), "ss_position",
        item=item_id, agency=agency_id,
    )  # fmt: skip
    await query.answer(None if asked else tr.t("workflow.open_private"), show_alert=not asked)


async def got_position(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    try:
        await context.services.sessions.write_position(
            context.principal, int(data.get("item", 0)), int(data.get("agency", 0)), text
        )
    except WorkflowError as error:
        await message.reply_text(error_text(context.tr, error))
        return error.reason != "note_length"
    await message.reply_text(context.tr.t("sessions.position_saved"))
    return True


# --- the minutes ----------------------------------------------------------------------------


async def _minutes_files(
    context: RounaqContext, pack: SessionPack, lang: str
) -> tuple[bytes, bytes]:
    tr, fmt = _in_language(context, lang)
    me = await context.services.users.get(context.principal.user_id)
    mc = MinutesContext(tr, fmt, context.services.directory, me.first_name if me else "")
    # python-docx and matplotlib are synchronous and take a moment: off the event loop.
    document = await asyncio.to_thread(build_minutes, mc, pack)
    picture = await asyncio.to_thread(decisions_png, mc, pack)
    return document, picture


def minutes_filename(session: SessionDTO, lang: str) -> str:
    return f"minutes-{session.number}-{lang}.docx"


async def _send_minutes_for_check(update: Update, context: RounaqContext, session_id: int) -> None:
    tr, fmt = context.tr, context.fmt
    pack = await context.services.sessions.pack(context.principal, session_id)
    document, picture = await _minutes_files(context, pack, context.lang)
    chat = update.effective_chat
    assert chat is not None
    number = fmt.plain_int(pack.session.number)
    await context.bot.send_photo(
        chat.id, picture, caption=tr.t("sessions.png_caption", number=number)
    )
    issued = pack.session.status == SessionStatus.ISSUED
    markup = None
    if not issued:
        markup = keyboard(
            [
                InlineKeyboardButton(
                    tr.t("sessions.btn_issue"), callback_data=callback("ss", "is", session_id)
                )
            ],
            [
                InlineKeyboardButton(
                    tr.t("sessions.btn_edited"), callback_data=callback("ss", "ed", session_id)
                )
            ],
        )
    await context.bot.send_document(
        chat.id,
        document=document,
        filename=minutes_filename(pack.session, context.lang),
        caption=tr.t(
            "sessions.minutes_issued_caption" if issued else "sessions.minutes_check", number=number
        ),
        reply_markup=markup,
    )


async def _issue(update: Update, context: RounaqContext, session_id: int) -> None:
    query = update.callback_query
    assert query is not None
    tr, fmt, sessions = context.tr, context.fmt, context.services.sessions
    session, notices = await sessions.issue(
        context.principal, session_id, update_id=update.update_id
    )
    await answer_quietly(query)
    pack = await sessions.pack(context.principal, session_id)
    files: dict[str, bytes] = {}
    sent = 0
    for invited in session.agencies:
        if not invited.attended:
            continue
        for chat_id, lang in await _agency_chats(context, invited.agency_id):
            # The secretariat's edited file, when it sent one, is the minutes for everyone.
            if session.minutes_file_id is None and lang not in files:
                files[lang] = (await _minutes_files(context, pack, lang))[0]
            local_tr, local_fmt = _in_language(context, lang)
            try:
                await context.bot.send_document(
                    chat_id,
                    document=session.minutes_file_id or files[lang],
                    filename=None if session.minutes_file_id else minutes_filename(session, lang),
                    caption=local_tr.t(
                        "sessions.minutes_to_agency",
                        number=local_fmt.plain_int(session.number),
                        until=local_fmt.date(
                            sessions.objection_until(
                                session.minutes_issued_at or context.services.clock.now()
                            )
                        ),
                    ),
                )
                sent += 1
            except Forbidden:
                continue
            except TelegramError as exc:
                if is_transient(exc):
                    raise
    await deliver(context, notices)
    await _say(
        update,
        context,
        tr.t(
            "sessions.issued",
            number=fmt.plain_int(session.number),
            count=fmt.number(sent),
            until=fmt.date(
                sessions.objection_until(session.minutes_issued_at or context.services.clock.now())
            ),
        ),
    )


# --- the secretariat's edited minutes -----------------------------------------------------


class _WaitingForMinutes(filters.MessageFilter):
    """A private .docx from someone who pressed "send the edited minutes"."""

    def __init__(self, application: RounaqApp) -> None:
        super().__init__(name="WaitingForMinutes")
        self._application = application

    def filter(self, message: Message) -> bool:
        user, document = message.from_user, message.document
        if user is None or document is None or message.chat.type != message.chat.PRIVATE:
            return False
        data = self._application.user_data.get(user.id)
        return bool(data and data.get(EDIT_KEY))


async def got_edited_minutes(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    assert context.user_data is not None
    tr = context.tr
    name = message.document.file_name or ""
    if not name.lower().endswith(".docx"):
        await message.reply_text(tr.t("sessions.edited_not_docx"))
        return
    session_id = int(context.user_data.get(EDIT_KEY) or 0)
    try:
        await context.services.sessions.keep_edited_minutes(
            context.principal, session_id, message.document.file_id, name
        )
    except WorkflowError as error:
        context.user_data.pop(EDIT_KEY, None)
        await message.reply_text(error_text(tr, error))
        return
    context.user_data.pop(EDIT_KEY, None)
    issue = InlineKeyboardButton(
        tr.t("sessions.btn_issue"), callback_data=callback("ss", "is", session_id)
    )
    await message.reply_text(tr.t("sessions.edited_kept"), reply_markup=keyboard([issue]))


# --- reminders and overdue marks (called by the deadline job) ------------------------------


async def send_followups(context: RounaqContext) -> int:
    """Remind agencies before a decision's deadline; after it, mark it overdue and tell
    the agency and the secretariat. Returns the messages sent."""
    services = context.services
    followups = services.followups
    now = services.clock.now()
    sent = 0
    for due in await followups.due(now):
        chats = await _agency_chats(context, due.agency_id)
        if due.kind == "overdue":
            default = services.settings.default_language
            hq_chats = [
                (u.id, u.language or default)
                for u in await services.users.holders(Role.SECRETARIAT)
            ]
        else:
            hq_chats = []
        for chat_id, lang in chats:
            tr, fmt = _in_language(context, lang)
            text = tr.t(
                f"sessions.{due.kind}_agency",
                decision=fmt.plain_int(due.decision.id),
                subject=escape(due.title),
                deadline=fmt.date(due.decision.deadline_at),
            )
            button = InlineKeyboardButton(
                tr.t("hq.btn_implemented_n", id=fmt.plain_int(due.decision.id)),
                callback_data=callback("dc", "i", due.decision.id, due.agency_id),
            )
            sent += await _send(context, chat_id, text, keyboard([button]))
        for chat_id, lang in hq_chats:
            tr, fmt = _in_language(context, lang)
            text = tr.t(
                "sessions.overdue_hq",
                agency=escape(services.directory.agency(due.agency_id).name(lang)),
                decision=fmt.plain_int(due.decision.id),
                subject=escape(due.title),
                deadline=fmt.date(due.decision.deadline_at),
            )
            button = InlineKeyboardButton(
                tr.t("sessions.btn_requeue"),
                callback_data=callback("ss", "rq", due.decision.id, due.agency_id),
            )
            sent += await _send(context, chat_id, text, keyboard([button]))
        await followups.done(due, now)
    return sent


def register(application: RounaqApp) -> None:
    application.add_handler(CommandHandler("session", session_command))
    application.add_handler(CallbackQueryHandler(session_button, pattern=r"^ss:"))
    application.add_handler(MessageHandler(_WaitingForMinutes(application), got_edited_minutes))
    prompt.on(application, "ss_when", got_when)
    prompt.on(application, "ss_place", got_place)
    prompt.on(application, "ss_chair", got_chair)
    prompt.on(application, "ss_attendee", got_attendee)
    prompt.on(application, "ss_decision", got_decision)
    prompt.on(application, "ss_position", got_position)
