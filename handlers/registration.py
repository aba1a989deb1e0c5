"""Registering a production unit: name → sector → county → permit → own contact."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.services.reports import letters_and_digits
from bot.services.units import UNIT_NAME_MAX, UNIT_NAME_MIN, TooManyUnitsError, UnitDraft
from bot.text import normalize_text
from bot.views.common import unit_summary
from handlers import drafts, flow
from handlers.declare import command
from handlers.start import RESUME_REGISTER
from handlers.steps import button_state, retire, shown, step_markup
from handlers.ui import chat_id, keyboard, rows
from storage.dto import Named
from storage.models import PermitStatus


@dataclass(slots=True)
class UnitFields:
    """The unit as far as the owner has told it; each step fills its field."""

    name: str | None = None
    sector_id: int | None = None
    county_id: int | None = None
    permit: str | None = None

    def ready(self, phone: str) -> UnitDraft | None:
        """The unit to register, or None when an earlier step's answer is missing (the
        draft was lost, e.g. to /cancel in another flow)."""
        if self.name is None or self.sector_id is None or self.county_id is None:
            return None
        if self.permit not in PERMITS:
            return None
        return UnitDraft(
            name=self.name,
            sector_id=self.sector_id,
            county_id=self.county_id,
            permit_status=PermitStatus(self.permit),
            phone=phone,
        )


DRAFT = drafts.Draft("unit_draft", UnitFields)
PREFIX = "reg"
PERMITS = frozenset(p.value for p in PermitStatus)


class PickSector(CallbackData, prefix="reg:sec"):
    sector_id: int


class PickCounty(CallbackData, prefix="reg:cty"):
    county_id: int


class PickPermit(CallbackData, prefix="reg:prm"):
    permit: str

    def valid(self) -> bool:
        return self.permit in PERMITS


class State(IntEnum):
    NAME = 1
    SECTOR = 2
    COUNTY = 3
    PERMIT = 4
    PHONE = 5


def _grid(
    context: RounaqContext, entries: Iterable[Named], kind: Callable[[int], CallbackData]
) -> InlineKeyboardMarkup | None:
    """A step's buttons for a pick among the directory's entries (sectors, counties),
    three a row, each carrying its entry's id."""
    buttons = [
        InlineKeyboardButton(e.name(context.lang), callback_data=kind(e.id).pack()) for e in entries
    ]
    return step_markup(context, keyboard(*rows(buttons, 3)))


Question = tuple[str, InlineKeyboardMarkup | None]


def _sector_question(context: RounaqContext) -> Question:
    name = DRAFT.of(context).name or ""
    return (
        context.tr.t("registration.ask_sector", name=context.fmt.name(name)),
        _grid(context, context.services.directory.sectors, PickSector),
    )


def _county_question(context: RounaqContext) -> Question:
    directory, sector_id = context.services.directory, DRAFT.of(context).sector_id
    sector = directory.sector(sector_id).name(context.lang) if sector_id is not None else ""
    return (
        context.tr.t("registration.ask_county", sector=escape(sector)),
        _grid(context, directory.counties, PickCounty),
    )


def _permit_question(context: RounaqContext) -> Question:
    tr = context.tr
    buttons = [
        [
            InlineKeyboardButton(
                tr.t(f"registration.permit_{p.value}"),
                callback_data=PickPermit(p.value).pack(),
            )
        ]
        for p in PermitStatus
    ]
    return tr.t("registration.ask_permit"), step_markup(context, keyboard(*buttons))


async def _shown(context: RounaqContext, message: Message | None) -> None:
    """The message now showing the step's buttons: the flow's earlier ones lose theirs."""
    if message is not None:
        await shown(context, DRAFT.key, message)


def asking(question: Callable[[RounaqContext], Question]) -> flow.Step:
    """A button step's question sent anew (after /language: flow.asked_again)."""

    async def ask(update: Update, context: RounaqContext) -> None:
        text, markup = question(context)
        await _shown(
            context, await context.bot.send_message(chat_id(update), text, reply_markup=markup)
        )

    return ask


async def ask_name(update: Update, context: RounaqContext) -> None:
    await context.bot.send_message(chat_id(update), context.tr.t("registration.ask_name"))


def step_of(values: UnitFields) -> State:
    """The step a registration left half-way is at: the first answer it lacks."""
    if values.name is None:
        return State.NAME
    if values.sector_id is None:
        return State.SECTOR
    if values.county_id is None:
        return State.COUNTY
    return State.PERMIT if values.permit is None else State.PHONE


async def begin(update: Update, context: RounaqContext) -> int:
    """Entry from /register or the greeting's button; "continue the registration" (offered
    where a report waits for it) asks its step again instead of starting over."""
    query = update.callback_query
    if query:
        await query.answer()
    held = DRAFT.held(context)
    if query is not None and query.data == RESUME_REGISTER and held is not None:
        state = step_of(held)
        await ASKS[state](update, context)
        return state
    DRAFT.put(context, UnitFields())
    await retire(context, DRAFT.key)  # begun again: the questions before are over
    await ask_name(update, context)
    return State.NAME


async def got_name(update: Update, context: RounaqContext) -> int:
    message, text = flow.typed(update)
    name = normalize_text(text)
    tr = context.tr
    if letters_and_digits(name) < UNIT_NAME_MIN:
        # Emoji, dots or spaces alone name nothing an officer could look up.
        await message.reply_text(tr.t("registration.name_short", min=UNIT_NAME_MIN))
        return State.NAME
    if len(name) > UNIT_NAME_MAX:
        length = tr.plural("workflow.characters", len(name))
        await message.reply_text(tr.t("registration.name_length", max=UNIT_NAME_MAX, length=length))
        return State.NAME
    with DRAFT.edit(context) as draft:
        draft.name = name
    text, markup = _sector_question(context)
    await _shown(context, await message.reply_text(text, reply_markup=markup))
    return State.SECTOR


async def got_sector(update: Update, context: RounaqContext) -> int:
    directory = context.services.directory
    sectors = {s.id for s in directory.sectors}
    got = await flow.pick(update, context, PickSector, lambda p: p.sector_id in sectors)
    if got is None:
        return State.SECTOR
    choice, picked = got
    with DRAFT.edit(context) as draft:
        draft.sector_id = picked.sector_id
    await _shown(context, await choice.edit(*_county_question(context)))
    return State.COUNTY


async def got_county(update: Update, context: RounaqContext) -> int:
    counties = {c.id for c in context.services.directory.counties}
    got = await flow.pick(update, context, PickCounty, lambda p: p.county_id in counties)
    if got is None:
        return State.COUNTY
    choice, picked = got
    with DRAFT.edit(context) as draft:
        draft.county_id = picked.county_id
    await _shown(context, await choice.edit(*_permit_question(context)))
    return State.PERMIT


async def got_permit(update: Update, context: RounaqContext) -> int:
    got = await flow.pick(update, context, PickPermit)
    if got is None:
        return State.PERMIT
    choice, picked = got
    with DRAFT.edit(context) as draft:
        draft.permit = picked.permit
    tr = context.tr
    await choice.edit(
        tr.t("registration.permit_chosen", permit=tr.t(f"registration.permit_{picked.permit}"))
    )
    await retire(context, DRAFT.key)  # the permit's question, if the label was typed
    await _ask_contact(update, context)
    return State.PHONE


def _contact_keyboard(context: RounaqContext) -> ReplyKeyboardMarkup:
    # One-time: it hides once used, so every answer that stays in this step sends it again.
    return ReplyKeyboardMarkup(
        [[KeyboardButton(context.tr.t("registration.btn_share_contact"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _ask_contact(update: Update, context: RounaqContext, key: str = "ask_contact") -> None:
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(
        chat.id, context.tr.t(f"registration.{key}"), reply_markup=_contact_keyboard(context)
    )


async def got_contact(update: Update, context: RounaqContext) -> int:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert message.contact is not None
    assert user is not None
    if message.contact.user_id != user.id:
        # Only the sender's own number: a forwarded or picked contact proves nothing.
        await _ask_contact(update, context, "not_own_contact")
        return State.PHONE
    unit_draft = DRAFT.of(context).ready(message.contact.phone_number)
    if unit_draft is None:
        # A draft an older version left without an earlier answer: start again.
        DRAFT.drop(context)
        await message.reply_text(
            context.tr.t("registration.restart"), reply_markup=ReplyKeyboardRemove()
        )
        return ConversationHandler.END
    try:
        unit = await context.services.units.register(
            user.id, unit_draft, update_id=update.update_id
        )
    except TooManyUnitsError:
        await message.reply_text(
            context.tr.t("registration.too_many"), reply_markup=ReplyKeyboardRemove()
        )
        return ConversationHandler.END
    tr = context.tr
    await message.reply_text(tr.t("registration.done"), reply_markup=ReplyKeyboardRemove())
    await message.reply_text(
        unit_summary(tr, context.services.directory, unit),
        reply_markup=keyboard(
            [InlineKeyboardButton(tr.t("start.btn_report"), callback_data="menu:report")]
        ),
    )
    # The draft goes last: a reply that fails for a moment gets the contact handled again
    # from the same draft (the unit is recognised by the update's id, not stored twice).
    DRAFT.drop(context)
    return ConversationHandler.END


async def contact_expected(update: Update, context: RounaqContext) -> int:
    await _ask_contact(update, context, "contact_expected")
    return State.PHONE


# Private only: the flow posts a contact keyboard and the owner's details.
COMMANDS = [command("register", begin, needs=Permission.REGISTER_UNIT, private=True)]
# Each step's question, asked again (after /language, or when the registration goes on).
ASKS: dict[object, flow.Step] = {
    State.NAME: ask_name,
    State.SECTOR: asking(_sector_question),
    State.COUNTY: asking(_county_question),
    State.PERMIT: asking(_permit_question),
    State.PHONE: _ask_contact,
}


def conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    pattern = rf"^{PREFIX}:"
    return flow.conversation(
        "registration",
        COMMANDS[0],
        {
            State.NAME: flow.text_step(got_name),
            State.SECTOR: button_state(application, CallbackQueryHandler(got_sector, pattern)),
            State.COUNTY: button_state(application, CallbackQueryHandler(got_county, pattern)),
            State.PERMIT: button_state(application, CallbackQueryHandler(got_permit, pattern)),
            State.PHONE: [
                MessageHandler(filters.CONTACT, got_contact),
                MessageHandler(~filters.COMMAND, contact_expected),
            ],
        },
        draft=DRAFT,
        lost="registration.restart",
        entry_button=r"^menu:register(?::resume)?$",
        asks=ASKS,
    )


def register(application: RounaqApp) -> None:
    application.add_handler(conversation(application))
