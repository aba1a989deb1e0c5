"""Steps that ask for a button: the buttons come back with every re-prompt, and typing a
button's label (either language, Arabic ي/ك, with or without its emoji) counts as pressing it.

A flow sends a button step's prompt with `step_markup(context, markup)`, which remembers the
buttons (in user_data, so a restart keeps them), and names the message it sent with
`shown`: once the flow moves on (another step asked, a re-prompt, the end) the buttons of
the messages named before are taken off, so none stays to be pressed later. The step's
handlers come from `button_state(...)`: the callback handlers, then the same callbacks
reached by a typed label, then whatever else the step accepts, then a re-prompt that sends
the remembered buttons. The callbacks read what was chosen through `chosen(update,
context)`, which is the same for a press and for a typed label.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.context import RounaqApp, RounaqContext
from bot.i18n import relabel
from bot.text import normalize_for_match
from handlers.awaited import Awaited
from handlers.ui import answer_quietly, remove_keyboard

log = logging.getLogger(__name__)

STEP_KEY = "step_buttons"
# The messages showing a flow's step buttons: [draft key, chat id, message id], oldest first.
SHOWN_KEY = "step_messages"
# The flow whose buttons STEP_KEY holds, when that flow names its messages (`shown`).
STEP_FLOW_KEY = "step_flow"
_SYMBOLS = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def label_key(text: str) -> str:
    """How a label is compared: letters and digits only (no emoji, quotes or bullets)."""
    return _SPACES.sub(" ", _SYMBOLS.sub(" ", normalize_for_match(text))).strip()


def step_markup(
    context: RounaqContext, markup: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup | None:
    """Remember a button step's buttons (for re-prompts and typed labels); returns them."""
    if context.user_data is None:
        return markup
    context.user_data.pop(STEP_FLOW_KEY, None)  # until `shown` names the flow
    if markup is None:
        context.user_data.pop(STEP_KEY, None)
        return markup
    context.user_data[STEP_KEY] = [
        [[b.text, b.callback_data] for b in row if isinstance(b.callback_data, str)]
        for row in markup.inline_keyboard
    ]
    return markup


async def shown(context: RounaqContext, flow: str, message: Message) -> Message:
    """`message` shows the step buttons of `flow` (its draft's key) now: the flow's earlier
    messages lose theirs (answered by typing, asked again, left behind). Returns it."""
    await retire(context, flow, keep=message.message_id)
    forget(context, message.chat_id, message.message_id)  # an edited one is named once
    if context.user_data is not None and message.reply_markup is not None:
        held = context.user_data.setdefault(SHOWN_KEY, [])
        held.append([flow, message.chat_id, message.message_id])
        context.user_data[STEP_FLOW_KEY] = flow
    return message


def forget(context: RounaqContext, chat_id: int, message_id: int) -> None:
    """The message's step buttons are gone already (an edit replaced them): `retire` must
    not ask Telegram to take them off again, which it refuses as "not modified" and counts
    towards the bot's rate limit all the same."""
    held = context.user_data.get(SHOWN_KEY) if context.user_data is not None else None
    if isinstance(held, list) and context.user_data is not None:
        context.user_data[SHOWN_KEY] = [
            entry for entry in held if (entry[1], entry[2]) != (chat_id, message_id)
        ]


async def retire(
    context: RounaqContext, flow: str | None = None, *, keep: int | None = None
) -> None:
    """Take the step buttons off `flow`'s messages (every flow's when None): the step was
    answered or the flow ended, so a press there could only be refused."""
    held = context.user_data.get(SHOWN_KEY) if context.user_data is not None else None
    if not isinstance(held, list) or context.user_data is None:
        return
    stays = []
    for entry in held:
        key, chat, message_id = entry
        if (flow is not None and key != flow) or message_id == keep:
            stays.append(entry)
            continue
        try:
            await context.bot.edit_message_reply_markup(chat, message_id, reply_markup=None)
        except BadRequest:
            pass  # gone already (deleted, or too old to edit): nothing left to press there
        except TelegramError as error:
            # Tidying only: the step's answer went out already, and handling the update
            # again would send it twice. Tried again when the flow next moves on.
            log.warning("step buttons of message %s left for now: %s", message_id, error)
            stays.append(entry)
    context.user_data[SHOWN_KEY] = stays


def remembered_markup(context: RounaqContext) -> InlineKeyboardMarkup | None:
    rows = context.user_data.get(STEP_KEY) if context.user_data is not None else None
    if not isinstance(rows, list):
        return None
    # In the person's language now: they may have switched it since (/language mid-flow).
    buttons = [
        [
            InlineKeyboardButton(relabel(str(label), context.lang), callback_data=str(data))
            for label, data in row
        ]
        for row in rows
        if row
    ]
    return InlineKeyboardMarkup(buttons) if buttons else None


def _typed_data(rows: Any, text: str | None) -> str | None:
    if not isinstance(rows, list) or not text:
        return None
    key = label_key(text)
    if not key:
        return None
    for row in rows:
        for label, data in row:
            if label_key(str(label)) == key:
                return str(data)
    return None


@dataclass(frozen=True, slots=True)
class Choice:
    """A button chosen by a press or by typing its label."""

    data: str
    query: CallbackQuery | None
    message: Message | None
    context: RounaqContext

    async def answer(self, text: str | None = None, *, show_alert: bool = False) -> None:
        if self.query is not None:
            await answer_quietly(self.query, text, show_alert=show_alert)
        elif text and self.message is not None:
            await self.message.reply_text(text)

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
        """Replace the pressed message; a typed choice gets a new message instead. The
        message that shows `text` (None when Telegram does not say)."""
        if self.query is not None:
            edited = await self.query.edit_message_text(text, reply_markup=markup)
            self._forget_pressed()  # `shown` names it again if it has buttons still
            return edited if isinstance(edited, Message) else None
        if self.message is not None:
            return await self.message.reply_text(text, reply_markup=markup)
        return None

    async def clear(self) -> None:
        """Take the buttons off the pressed message (a typed choice pressed none)."""
        if self.query is not None:
            await remove_keyboard(self.query)
            self._forget_pressed()

    def _forget_pressed(self) -> None:
        pressed = self.query.message if self.query is not None else None
        if pressed is not None:
            forget(self.context, pressed.chat.id, pressed.message_id)


def chosen(update: Update, context: RounaqContext) -> Choice:
    """What was chosen: the pressed button's data, or the data of the typed label."""
    if update.callback_query is not None:
        return Choice(update.callback_query.data or "", update.callback_query, None, context)
    message = update.effective_message
    rows = context.user_data.get(STEP_KEY) if context.user_data is not None else None
    data = _typed_data(rows, message.text if message is not None else None)
    return Choice(data or "", None, message, context)


class _TypedLabel(Awaited):
    """Text equal to a label of the buttons the user was last asked to press."""

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        return _typed_data(user_data.get(STEP_KEY), message.text) is not None


class _StepShown(Awaited):
    """The buttons last shown to the person are this step's. With two flows open (a report
    waiting at a button while /progress asks for a percentage), a message meant for the
    other flow is left to it instead of being taken for a wrong answer here."""

    def __init__(self, application: RounaqApp, patterns: Sequence[object]) -> None:
        super().__init__(application)
        self._patterns = patterns

    def _ours(self, data: object) -> bool:
        return any(
            not isinstance(p, re.Pattern) or p.match(str(data)) is not None for p in self._patterns
        )

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        rows = user_data.get(STEP_KEY)
        if not isinstance(rows, list):
            return False
        return any(self._ours(data) for row in rows for _label, data in row)


async def reprompt(
    update: Update, context: RounaqContext, hint_key: str = "common.use_buttons"
) -> None:
    """The hint, with the step's buttons again."""
    message = update.effective_message
    if message is None:
        return
    again = await message.reply_text(
        context.tr.t(hint_key), reply_markup=remembered_markup(context)
    )
    flow = context.user_data.get(STEP_FLOW_KEY) if context.user_data is not None else None
    if isinstance(flow, str):
        # The buttons come again under the hint: the earlier copies go.
        await shown(context, flow, again)


def button_state(
    application: RounaqApp,
    *buttons: CallbackQueryHandler[RounaqContext, Any],
    also: Sequence[BaseHandler[Update, RounaqContext, Any]] = (),
    hint: str = "common.use_buttons",
    typed: Callable[[Update, RounaqContext], Coroutine[Any, Any, object]] | None = None,
) -> list[BaseHandler[Update, RounaqContext, Any]]:
    """A step's handlers: its buttons, the same by typed label, `also`, then a re-prompt.
    `typed` takes other text instead of the re-prompt, while the buttons last shown are
    the step's (with another flow asking for text, that text is the other flow's)."""

    async def by_label(update: Update, context: RounaqContext) -> object:
        data = chosen(update, context).data
        for handler in buttons:
            pattern = handler.pattern
            if pattern is None or (isinstance(pattern, re.Pattern) and pattern.match(data)):
                return await handler.callback(update, context)
        await reprompt(update, context, hint)
        return None

    async def again(update: Update, context: RounaqContext) -> None:
        await reprompt(update, context, hint)

    shown = _StepShown(application, [handler.pattern for handler in buttons])
    return [
        *buttons,
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & _TypedLabel(application) & shown,
            by_label,
        ),
        *also,
        *([MessageHandler(filters.TEXT & ~filters.COMMAND & shown, typed)] if typed else []),
        MessageHandler(~filters.COMMAND & shown, again),
    ]
