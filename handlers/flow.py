"""What every multi-step flow (/register, /report, /progress, /editprogram) is built from:
the conversation itself, a text step, a pick among buttons, a plain press, its Cancel, and
the one /cancel that ends every flow open. What a button asks for outside a flow (a text:
"write the reason"; the edited minutes) is a conversation too: `waiting_for`, and
`prompt` for a text, whose asking side is handlers/asking.py.

The buttons' side of a step (re-prompts, typed labels) is handlers/steps.py; a flow's
draft (a dataclass of its fields, `drafts.Draft`, which /cancel drops with every other
flow's) is handlers/drafts.py.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, ReplyKeyboardRemove, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.ext.filters import BaseFilter

from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.state import runtime_of
from handlers import asking, drafts
from handlers.common import cancel, replying
from handlers.declare import Command, button
from handlers.start import (
    ChooseLanguage,
    choose_language,
    menu_buttons,
    refresh_menu,
    set_language,
)
from handlers.steps import Choice, chosen
from handlers.ui import answer_quietly, chat_id, keyboard, message_of, mixed_step_conversation

Kind = TypeVar("Kind", bound=CallbackData)
Step = Callable[[Update, RounaqContext], Coroutine[Any, Any, Any]]
StepHandlers = list[BaseHandler[Update, RounaqContext, Any]]
TEXT = filters.TEXT & ~filters.COMMAND


def conversation(
    name: str,
    entry: Command,
    states: Mapping[object, StepHandlers],
    *,
    draft: drafts.Draft[Any],
    lost: str,
    entry_button: str | None = None,
    asks: Mapping[object, Step] | None = None,
) -> ConversationHandler[RounaqContext]:
    """A flow entered by its command (or a button matching the `entry_button` pattern,
    behind the command's permission), kept across restarts, left by /cancel (which ends
    every flow open: `cancel_all`), and begun again by its command at any step.

    `asks`: each step's question, sent again in the language chosen when /language is
    answered at that step (`asked_again`); a step without one is left by the choice as
    a plain /language is answered (the greeting).

    Its entry keeps `draft` before the first step; a step reached without it (dropped as
    unreadable after an upgrade, or by a Cancel button of another flow) tells the person
    `lost` (a catalog key: start again) and ends, so no step reads a draft that is not
    there."""
    assert entry.callback is not None
    entries: StepHandlers = [entry.handler()]
    if entry_button is not None:
        entries.append(entry.shortcut(entry_button))
    with mixed_step_conversation():
        return ConversationHandler(
            entry_points=entries,
            states={
                state: [
                    *([asked_again(asks[state], draft)] if asks and state in asks else []),
                    *(while_held(step, draft, lost) for step in steps),
                ]
                for state, steps in states.items()
            },
            # Reached only through cancel_all, which answers once for every flow it ends.
            fallbacks=[CommandHandler("cancel", _ended)],
            name=name,
            persistent=True,
            allow_reentry=True,
        )


def asked_again(ask: Step, draft: drafts.Draft[Any]) -> CallbackQueryHandler[RounaqContext, Any]:
    """/language answered in the middle of a flow: the choice kept, the command menu in
    the new language, and the step's question (its buttons too) asked again in it, the
    draft kept. `ask` may name the state it leads to; none keeps the step. Without the
    draft the flow is over: the choice is answered as outside a flow."""

    async def chosen(
        update: Update, context: RounaqContext, query: CallbackQuery, data: ChooseLanguage
    ) -> object:
        if draft.held(context) is None:
            await choose_language(update, context, query, data)
            return ConversationHandler.END
        if not await set_language(context, query, data):
            return None  # a double tap: the step was asked again on the first press
        await refresh_menu(context, chat_id(update))
        return await ask(update, context)

    return button(ChooseLanguage, chosen)


WAITING = 1  # the one step of what a button asks for (waiting_for)


def prompt(
    application: RounaqApp,
    name: str,
    buttons: Sequence[BaseHandler[Update, RounaqContext, Any]],
    answers: Mapping[str, asking.PromptHandler],
) -> ConversationHandler[RounaqContext]:
    """A feature's one-text prompts (`waiting_for`): `buttons` may call `asking.ask`; the
    private text, while one of the `answers`' kinds is pending, goes to that kind's
    handler (which may ask the next question)."""
    kinds = frozenset(answers)
    runtime_of(application).prompt_handlers.update(answers)
    waiting = asking.Waiting(application, kinds)

    async def answered(update: Update, context: RounaqContext) -> None:
        await asking.take_answer(update, context, answers)

    step: StepHandlers = [
        MessageHandler(TEXT & waiting, answered),
        MessageHandler(~filters.COMMAND & waiting, asking.on_other),
    ]
    return waiting_for(
        name, buttons, step, lambda user_data: asking.pending_kind(user_data) in kinds
    )


def waiting_for(
    name: str,
    buttons: Sequence[BaseHandler[Update, RounaqContext, Any]],
    step: StepHandlers,
    waits: Callable[[Mapping[str, Any] | None], bool],
) -> ConversationHandler[RounaqContext]:
    """One thing a button asks for outside a flow (a text, the edited minutes), as a
    conversation: entered by `buttons` (each under its own permission), at its one `step`
    while `waits` (read from user_data after every press and answer) says so, else over.
    Keyed by the user alone: the button may be in a group, the answer comes in the
    private chat. Kept across restarts, left by /cancel. Another command drops what is
    awaited (group -2/-3, before the gate); the step, deaf without it, waits for the
    next press."""

    def state(context: RounaqContext) -> int:
        return WAITING if waits(context.user_data) else ConversationHandler.END

    with mixed_step_conversation():
        return ConversationHandler(
            entry_points=[then_state(button, state) for button in buttons],
            states={WAITING: [then_state(handler, state) for handler in step]},
            fallbacks=[CommandHandler("cancel", _ended)],
            name=name,
            persistent=True,
            allow_reentry=True,
            per_chat=False,
        )


def on(kind: type[CallbackData], step: Step) -> CallbackQueryHandler[RounaqContext, Any]:
    """A step's handler for the presses of one button kind."""
    return CallbackQueryHandler(step, pattern=kind.pattern())


def text_step(
    on_text: Step,
    *,
    also: BaseFilter | None = None,
    not_text: str = "common.text_expected",
) -> StepHandlers:
    """A step that takes typed text (and what `also` matches): anything else (a voice
    note, a sticker...) is told what the step takes, by the catalog key `not_text`, and the
    step stays."""
    accepted = TEXT if also is None else TEXT | also
    return [MessageHandler(accepted, on_text), MessageHandler(~filters.COMMAND, replying(not_text))]


def typed(update: Update) -> tuple[Message, str]:
    """The message a text step took, and its text (the step's filter let only text in)."""
    message = message_of(update)
    assert message.text is not None
    return message, message.text


async def pick(
    update: Update,
    context: RounaqContext,
    kind: type[Kind],
    allowed: Callable[[Kind], bool] = lambda _picked: True,
) -> tuple[Choice, Kind] | None:
    """A button step's answer read as `kind` and answered. None, after the stale-button
    alert, when it is not this kind's or no longer `allowed` (an old message's button)."""
    choice = chosen(update, context)
    picked = kind.unpack(choice.data)
    if picked is None or not allowed(picked):
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return None
    await choice.answer()
    return choice, picked


async def pressed(update: Update, context: RounaqContext) -> Choice:
    """A plain button of the step pressed (or its label typed): answered, and the buttons
    taken off the message, so the step cannot be answered twice."""
    choice = chosen(update, context)
    await choice.answer()
    await choice.clear()
    return choice


async def cancel_button(update: Update, context: RounaqContext) -> int:
    """A flow's own Cancel button: the same as /cancel."""
    await pressed(update, context)
    return await cancel(update, context)


Run = Callable[[], Coroutine[Any, Any, Any]]


class Around(BaseHandler[Update, RounaqContext, Any]):
    """A step's handler, matched as it is, run inside `around` (which calls `run` or not,
    and says the conversation's next state)."""

    def __init__(
        self,
        step: BaseHandler[Update, RounaqContext, Any],
        around: Callable[[Update, RounaqContext, Run], Coroutine[Any, Any, object]],
    ) -> None:
        super().__init__(step.callback, block=step.block)
        self.step, self.around = step, around

    def check_update(self, update: object) -> object:
        return self.step.check_update(update)

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, RounaqContext, Any, Any, Any, Any],
        check_result: object,
        context: RounaqContext,
    ) -> object:
        def run() -> Coroutine[Any, Any, Any]:
            return self.step.handle_update(update, application, check_result, context)

        return await self.around(update, context, run)


def while_held(
    step: BaseHandler[Update, RounaqContext, Any], draft: drafts.Draft[Any], lost: str
) -> Around:
    """The step, while its flow's draft is held; without it the flow is over: `lost` is
    said and the conversation ends (see `conversation`)."""

    async def around(update: Update, context: RounaqContext, run: Run) -> object:
        if draft.held(context) is not None:
            return await run()
        if update.callback_query is not None:
            await answer_quietly(update.callback_query)
        await context.bot.send_message(
            chat_id(update), context.tr.t(lost), reply_markup=ReplyKeyboardRemove()
        )
        return ConversationHandler.END

    return Around(step, around)


def then_state(
    step: BaseHandler[Update, RounaqContext, Any], state: Callable[[RounaqContext], object]
) -> Around:
    """The step, whose conversation's next state is read after it ran (`state`)."""

    async def around(update: Update, context: RounaqContext, run: Run) -> object:
        await run()
        return state(context)

    return Around(step, around)


async def _ended(update: Update, context: RounaqContext) -> int:
    return ConversationHandler.END


async def cancel_all(update: Update, context: RounaqContext) -> None:
    """/cancel: every conversation open in this chat ends through its own /cancel (PTB's
    dispatch gives an update to one handler per group, so a conversation's own fallback
    would end only the first), every draft is dropped (the one-text prompts', the HQ's
    half-made decision), and one answer says so. With nothing under way it says that,
    with the menu; in a group with nothing of this chat open it says nothing."""
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == message.chat.PRIVATE
    was_open = drafts.any_open(context.user_data)
    ended = False
    application = context.application
    for group in list(application.handlers.values()):
        for handler in group:
            # In a group, only what is open in that group (a prompt is the private chat's).
            if not isinstance(handler, ConversationHandler) or not (private or handler.per_chat):
                continue
            check = handler.check_update(update)
            if check is not None:
                await handler.handle_update(update, application, check, context)
                ended = True
    # A conversation without its draft or pending text was over already: ended quietly.
    if was_open and (private or ended):
        await cancel(update, context)
    elif private:
        await message.reply_text(
            context.tr.t("common.nothing_to_cancel"),
            reply_markup=keyboard(*menu_buttons(context, with_help=True)),
        )


def register(application: RounaqApp) -> None:
    """/cancel, first in group 0: before any conversation or prompt could take it."""
    application.add_handler(CommandHandler("cancel", cancel_all))
