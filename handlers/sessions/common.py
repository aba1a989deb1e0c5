"""What the session's screens share: error text, the agency's chats, a send that tells a
blocked chat from a transient failure, and the WorkflowError answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError

from bot.access import Principal
from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.delivery import is_transient
from bot.formatting import Presenter, split_message
from bot.i18n import Translator, get_translator
from bot.minutes import MinutesContext
from bot.services.sessions import SessionService
from bot.services.workflow import WorkflowError
from bot.views.common import workflow_error
from handlers import asking, drafts
from handlers.notify import outgoing, post
from handlers.ui import answer_quietly, message_of

# The session whose edited minutes are awaited.
EDIT_KEY = drafts.register("session_minutes_edit", "session_minutes")

T = TypeVar("T", bound=CallbackData)
Press = Callable[[Update, RounaqContext, CallbackQuery, T], Coroutine[Any, Any, None]]


def error_text(tr: Translator, error: WorkflowError) -> str:
    key = f"sessions.error_{error.reason}"
    return tr.t(key) if tr.has(key) else workflow_error(tr, error)


def alerting(callback: Press[T]) -> Press[T]:
    """A refused action (WorkflowError) is answered on the button, as an alert."""

    async def run(update: Update, context: RounaqContext, query: CallbackQuery, data: T) -> None:
        try:
            await callback(update, context, query, data)
        except WorkflowError as error:
            await answer_quietly(query, error_text(context.tr, error), show_alert=True)

    return run


# A SessionService call storing what was written about one agency on a session or an item.
AgencyText = Callable[[SessionService, Principal, int, int, str], Awaitable[None]]


def agency_text(store: AgencyText, on: str, done: str) -> asking.PromptHandler:
    """The prompt's answer about an agency on `on` (the "session" or the "item" kept by
    ask() with the "agency"): stored, then `done` said; a refusal answered in words."""

    @asking.refusing(error_text)
    async def run(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
        about, agency = int(data.get(on, 0)), int(data.get("agency", 0))
        await store(context.services.sessions, context.principal, about, agency, text)
        await message_of(update).reply_text(context.tr.t(done))
        return True

    return run


def minutes_context(context: RounaqContext) -> MinutesContext:
    return MinutesContext(context.tr, context.fmt, context.services.directory, "")


def in_language(context: RounaqContext, lang: str) -> tuple[Translator, Presenter]:
    return get_translator(lang), Presenter(lang=lang, tz=context.services.settings.tz)


async def agency_chats(context: RounaqContext, agency_id: int) -> list[tuple[int, str]]:
    """The agency's officers (each in their language) and its group chat."""
    services = context.services
    default = services.settings.default_language
    officers = await services.users.officers(agency_id)
    chats = [(u.id, context.language_of(u.id, u.language)) for u in officers]
    group = services.directory.agency(agency_id).group_chat_id
    if group is not None:
        chats.append((group, default))
    return chats


async def reached(send: Awaitable[object]) -> bool:
    """Await a send: False for a chat that cannot get it (blocked, gone); a transient
    failure propagates, so the update is handled again."""
    try:
        await send
    except Forbidden:
        return False
    except TelegramError as exc:
        if is_transient(exc):
            raise
        return False
    return True


async def send_to(
    context: RounaqContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Queue text of any length for an agency's chat, sent after the commit (bot.outbox):
    parts of at most 4096 characters, the buttons under the last."""
    chunks = split_message(text)
    last = len(chunks) - 1
    messages = [outgoing(chat_id, c, markup if i == last else None) for i, c in enumerate(chunks)]
    return await post(context, messages) > 0
