"""Small keyboard and callback-data helpers shared by the feature modules."""

from __future__ import annotations

import asyncio
import functools
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Protocol

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

from bot import charts
from bot.callback_data import CallbackData
from bot.charts import Bar
from bot.context import RounaqContext
from bot.formatting import split_message
from bot.i18n import Translator
from bot.settings import PlatformName

MAX_CALLBACK_BYTES = 64


def callback(*parts: object) -> str:
    """Join callback-data parts; the 64-byte limit is checked here, not discovered in prod."""
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def int_arg(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 18 else None


async def remove_keyboard(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message; already gone (a replayed or forged press
    from another message) is fine, and must not stop the step that follows."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def edit_markup(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """The pressed message's buttons drawn anew (a toggled mark)."""
    with suppress(BadRequest):  # the same state pressed twice
        await query.edit_message_reply_markup(markup)


def rows(buttons: Sequence[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def pager_row(
    tr: Translator, page_button: Callable[[int], CallbackData] | str, page: int, pages: int
) -> list[InlineKeyboardButton]:
    """« previous | page x/y | next » ; empty when everything fits on one page.

    `page_button`: the feature's kind for a page (`AgendaPage`, or a function giving the
    kind with the view's other fields); a bare prefix still works for kinds not typed yet.
    """
    if pages <= 1:
        return []

    def data(number: int) -> str:
        if isinstance(page_button, str):
            return callback(page_button, number)
        return page_button(number).pack()

    row: list[InlineKeyboardButton] = []
    if page > 1:
        row.append(InlineKeyboardButton(tr.t("common.prev"), callback_data=data(page - 1)))
    row.append(
        InlineKeyboardButton(tr.t("common.page", page=page, pages=pages), callback_data=data(page))
    )
    if page < pages:
        row.append(InlineKeyboardButton(tr.t("common.next"), callback_data=data(page + 1)))
    return row


def keyboard(*button_rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    """The buttons as a markup, or None when there are none.

    PTB sends an empty InlineKeyboardMarkup as `{}`; no buttons must mean no reply_markup
    at all, so every keyboard is built here.
    """
    filled = [r for r in button_rows if r]
    return InlineKeyboardMarkup(filled) if filled else None


# Where a bot's chat opens from a link, per messenger (the emulator stands for Telegram).
_CHAT_LINK = {PlatformName.BALE: "https://ble.ir/{username}"}
_TELEGRAM_LINK = "https://t.me/{username}"


def chat_link(context: RounaqContext, start: str | None = None) -> str | None:
    """The address that opens the bot's private chat on this messenger (ble.ir on Bale),
    with `start` as the /start parameter (an invite's code); None without a username."""
    username = context.bot.username
    if not username:
        return None
    link = _CHAT_LINK.get(context.settings.resolved_platform, _TELEGRAM_LINK)
    return link.format(username=username) + (f"?start={start}" if start else "")


def private_chat_markup(context: RounaqContext) -> InlineKeyboardMarkup | None:
    """A link opening the person's private chat with the bot: someone told in a group to
    go there may never have opened it. None when the bot has no username to link to."""
    link = chat_link(context)
    if link is None:
        return None
    label = context.tr.t("common.btn_open_private")
    return keyboard([InlineKeyboardButton(label, url=link)])


@contextmanager
def mixed_step_conversation() -> Iterator[None]:
    """Build a ConversationHandler that mixes message and button steps (per_message=False).

    PTB warns that buttons are then tracked per chat rather than per message, which is
    exactly the intent: the flow's buttons belong to the user's current step.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*per_message=False.*", category=PTBUserWarning)
        yield


async def answer_quietly(
    query: CallbackQuery, text: str | None = None, *, show_alert: bool = False
) -> None:
    """Answer a button press that may already have been answered.

    A press handled again after a transient failure was answered the first time; Telegram
    then refuses a second answer ("query is too old"), which must not fail the retry.
    """
    with suppress(BadRequest):
        await query.answer(text, show_alert=show_alert)


async def send_chunks(
    context: RounaqContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send text of any length as messages of at most 4096 characters; the buttons go under
    the last part, where the reader ends up."""
    chunks = split_message(text)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await context.bot.send_message(chat_id, chunk, reply_markup=markup if last else None)


def chat_id(update: Update) -> int:
    """The chat an update came from (every update a handler here receives has one)."""
    chat = update.effective_chat
    assert chat is not None
    return chat.id


def reply_chat(update: Update, context: RounaqContext) -> int:
    """Where the answer to this update goes: its chat, or the person's private chat when
    the command answers privately and came from a group (handlers.declare)."""
    return context.principal.user_id if context.private_reply else chat_id(update)


def message_of(update: Update) -> Message:
    """The message an update carries (a command's, a text step's, a prompt's answer)."""
    message = update.effective_message
    assert message is not None
    return message


PageRenderer = Callable[[RounaqContext, int], Awaitable[tuple[str, InlineKeyboardMarkup | None]]]


async def show_page(
    update: Update, context: RounaqContext, render: PageRenderer, page: int = 1
) -> None:
    """A paged list's page: in place of the list when a page button was pressed, else as
    the reply to the command."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        text, markup = await render(context, page)
        await query.edit_message_text(text, reply_markup=markup)
        return
    text, markup = await render(context, page)
    await message_of(update).reply_text(text, reply_markup=markup)


class PageData(Protocol):
    @property
    def page(self) -> int: ...


def page_turner(
    render: PageRenderer,
) -> Callable[[Update, RounaqContext, CallbackQuery, PageData], Coroutine[Any, Any, None]]:
    """A paged list's page buttons: the page pressed, in place of the list."""

    async def turn(
        update: Update, context: RounaqContext, query: CallbackQuery, data: PageData
    ) -> None:
        await show_page(update, context, render, data.page)

    return turn


async def send_chart(
    update: Update,
    context: RounaqContext,
    title: str,
    bars: Sequence[Bar],
    *,
    filename: str | None = None,
    vertical: bool = False,
    **options: Any,
) -> None:
    """Bars drawn off the event loop (a chart takes a moment) and sent to the update's
    chat with their title as the caption; `options` go to the drawing."""
    draw = charts.vertical_bars if vertical else charts.horizontal_bars
    png = await asyncio.to_thread(functools.partial(draw, context.fmt, title, bars, **options))
    photo = png if filename is None else InputFile(png, filename=filename)
    await context.bot.send_photo(reply_chat(update, context), photo, caption=title)


def page_count(count: int, size: int) -> int:
    return max(1, -(-count // size))


async def say(
    update: Update,
    context: RounaqContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """A view sent to the chat the update came from (a command's or a pressed button's),
    or privately (reply_chat)."""
    if update.effective_chat is not None:
        await send_chunks(context, reply_chat(update, context), text, markup)


async def answer_opened(
    query: CallbackQuery, context: RounaqContext, opened: bool, not_found_key: str
) -> None:
    """A press that opens something, answered once it is sent: quietly, or with
    `not_found_key` as an alert when there was nothing (this person may see) to open."""
    if opened:
        await query.answer()
    else:
        await query.answer(context.tr.t(not_found_key), show_alert=True)


async def answer_with(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    view: tuple[str, InlineKeyboardMarkup | None],
) -> None:
    """A press answered with a view sent to its chat. The caller builds the view before
    calling: a refusal while building it is then the press's answer (an alert)."""
    await query.answer()
    text, markup = view
    await say(update, context, text, markup)


async def redraw(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> None:
    """The pressed message shows the view instead (a page, a toggled mark); a view one
    message cannot hold is sent anew, in parts, the buttons under the last."""
    if len(split_message(text)) > 1:
        await say(update, context, text, markup)
        return
    with suppress(BadRequest):  # "message is not modified": the same view pressed twice
        await query.edit_message_text(text, reply_markup=markup)
