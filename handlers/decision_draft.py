"""The steps a decision is drafted in, written once for the HQ's agenda (handlers/decide.py)
and a session's items (handlers/sessions/meeting.py): its text, the agencies it names (those
of the item's reports by default, then ☑/☐ toggles), the implementation deadline, and the
recording (each caller's service call).

The draft waits in user_data under the caller's key, for one item, until the caller has
recorded the decision; each caller keeps its own buttons and its own service call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.i18n import Translator
from bot.services.hq import DecisionTerms
from bot.services.workflow import Notice, WorkflowError
from handlers import asking, drafts
from handlers.declare import stale
from handlers.notify import deliver
from handlers.ui import answer_quietly, edit_markup, keyboard, message_of, redraw, rows, say
from storage.dto_workflow import DecisionDTO


class Item(Protocol):
    """A decision picker's press (`done`): the item's id."""

    @property
    def item(self) -> int: ...


class ItemAgency(Item, Protocol):
    """A decision picker's toggle: the item's and the agency's ids."""

    @property
    def agency(self) -> int: ...


class Record(Protocol):
    """The caller's service call that records the terms (the principal and, for a
    session's, the session given): the decision and its notices."""

    def __call__(
        self, terms: DecisionTerms, *, update_id: int | None = None
    ) -> Awaitable[tuple[DecisionDTO, list[Notice]]]: ...


def agency_picker(
    context: RounaqContext,
    chosen: set[int],
    make: Callable[[int, bool], CallbackData],
    done: CallbackData,
    done_label: str = "sessions.btn_done",
) -> InlineKeyboardMarkup | None:
    """Every agency as a ☑/☐ toggle (`make(agency, chosen)` is its button), then done."""
    buttons = [
        InlineKeyboardButton(
            ("☑ " if a.id in chosen else "☐ ")
            + context.fmt.shorten(a.short_name(context.lang), 36),
            callback_data=make(a.id, a.id in chosen).pack(),
        )
        for a in context.services.directory.agencies
    ]
    finish = InlineKeyboardButton(context.tr.t(done_label), callback_data=done.pack())
    return keyboard(*rows(buttons, 2), [finish])


@dataclass(slots=True)
class DecisionFields:
    """A decision being drafted for one item: begun whole once its text is accepted, so a
    stored draft missing any of these (an older version's) is dropped and read as none,
    and its buttons answer as stale ones do. `session` is a session item's."""

    item: int
    text: str
    agencies: list[int]
    session: int | None = None


@dataclass(frozen=True)
class DecisionDraft:
    """The caller's draft: its user_data key, and its own button kinds for an item's
    draft: toggle(item, agency), done(item) and deadline(item, days), with the deadlines
    offered. The toggle and done presses are handled here (`toggle_press`, `done_press`),
    the deadline's by the caller, which records the decision (`record`)."""

    key: str
    toggle: Callable[[int, int], CallbackData]
    done: Callable[[int], CallbackData]
    deadline: Callable[[int, int], CallbackData]
    deadlines: tuple[int, ...]
    # An agency gone from the directory: a stale press on the HQ's picker; on a session's
    # it may still be unticked (not ticked).
    gone_is_stale: bool
    # A toggle draws the picker again with its words (the HQ's) or its buttons alone.
    redraw: bool
    # Declared with the draft, so /cancel ends it.
    store: drafts.Draft[DecisionFields] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", drafts.Draft(self.key, DecisionFields))

    def of(self, context: drafts.HasUserData, item_id: int) -> DecisionFields | None:
        """The decision being drafted, if it is this item's (an older button is stale)."""
        draft = self.store.held(context)
        return draft if draft is not None and draft.item == item_id else None

    def toggled(
        self, context: drafts.HasUserData, draft: DecisionFields, agency_id: int
    ) -> set[int]:
        """`agency_id` named by the draft or no longer, kept; the agencies named now."""
        if agency_id in draft.agencies:
            draft.agencies.remove(agency_id)
        else:
            draft.agencies.append(agency_id)
        self.store.put(context, draft)
        return set(draft.agencies)

    async def toggled_agencies(
        self, context: RounaqContext, query: CallbackQuery, item_id: int, agency_id: int
    ) -> set[int] | None:
        """A ☑/☐ press answered: the agencies named now, or None after the stale answer
        (no draft for the item; an agency gone from the directory, if `gone_is_stale`).
        Otherwise a gone agency may be unticked, and ticking it changes nothing."""
        draft = self.of(context, item_id)
        known = {a.id for a in context.services.directory.agencies}
        if draft is None or (self.gone_is_stale and agency_id not in known):
            await stale(query, context)
            return None
        chosen = set(draft.agencies)
        if agency_id in chosen or agency_id in known:
            chosen = self.toggled(context, draft, agency_id)
        await query.answer()
        return chosen

    async def toggle_press(
        self, update: Update, context: RounaqContext, query: CallbackQuery, pressed: ItemAgency
    ) -> None:
        chosen = await self.toggled_agencies(context, query, pressed.item, pressed.agency)
        if chosen is None:
            return
        markup = self.picker(context, pressed.item, chosen)
        if self.redraw:
            await redraw(update, context, query, context.tr.t("hq.pick_agencies"), markup)
        else:
            await edit_markup(query, markup)

    async def done_press(
        self, update: Update, context: RounaqContext, query: CallbackQuery, pressed: Item
    ) -> None:
        await ask_deadline(update, context, query, pressed.item, self)

    def drop(self, context: drafts.HasUserData) -> None:
        """The decision recorded: the draft goes."""
        self.store.drop(context)

    def picker(
        self, context: RounaqContext, item_id: int, chosen: set[int]
    ) -> InlineKeyboardMarkup | None:
        """The item's agencies as ☑/☐ toggles, then "next"."""
        return agency_picker(
            context,
            chosen,
            lambda agency, _: self.toggle(item_id, agency),
            self.done(item_id),
            "hq.btn_next",
        )


async def ask_text(
    context: RounaqContext, query: CallbackQuery, kind: str, decided: int | None, **data: int
) -> None:
    """The press that starts a draft (its access already checked): the text is asked for,
    and handed to the prompt handler registered for `kind` with `data`. An item `decided`
    already (an older view's button) is told so at once, with the decision's number, not
    after the text, agencies and deadline."""
    if decided is not None:
        number = context.fmt.plain_int(decided)
        await query.answer(context.tr.t("hq.already_decided", id=number), show_alert=True)
        return
    await query.answer()
    await asking.ask(context, query.from_user.id, context.tr.t("hq.ask_decision"), kind, **data)


async def got_text(
    update: Update,
    context: RounaqContext,
    item_id: int,
    text: str,
    *,
    decision: DecisionDraft,
    error_text: Callable[[Translator, WorkflowError], str],
    session: int | None = None,
) -> bool:
    """The decision's text: refused in words (a wrong length is asked again), or kept in
    the draft with the item's agencies, which are then shown to edit."""
    message = message_of(update)
    try:
        decision_text = context.services.hq.check_text(text)
        _, reports, _ = await context.services.hq.item(context.principal, item_id)
    except WorkflowError as error:
        await message.reply_text(error_text(context.tr, error))
        return error.reason != "note_length"
    chosen = sorted({r.agency_id for r in reports})
    decision.store.put(context, DecisionFields(item_id, decision_text, chosen, session))
    markup = decision.picker(context, item_id, set(chosen))
    await message.reply_text(context.tr.t("hq.pick_agencies"), reply_markup=markup)
    return True


async def ask_deadline(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    item_id: int,
    decision: DecisionDraft,
) -> None:
    """The agencies are chosen: the deadline, in days, as buttons."""
    tr, draft = context.tr, decision.of(context, item_id)
    if draft is None:
        # The draft ended (/cancel, recorded): "next" is as stale as the picker's toggles,
        # not a request to pick agencies on a picker that shows them picked.
        await stale(query, context)
        return
    if not draft.agencies:
        await query.answer(tr.t("hq.pick_agencies"), show_alert=True)
        return
    await query.answer()
    choices = [
        InlineKeyboardButton(
            tr.t("hq.days", days=context.fmt.number(d)),
            callback_data=decision.deadline(item_id, d).pack(),
        )
        for d in decision.deadlines
    ]
    await say(update, context, tr.t("hq.pick_deadline"), keyboard(choices))


async def record(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    draft: DecisionFields,
    days: int,
    *,
    decision: DecisionDraft,
    service: Record,
    told: Callable[[DecisionDTO], str],
) -> None:
    """The deadline pressed: the drafted decision recorded by the caller's `service`, the
    secretariat `told` it, its notices delivered. The draft goes last: a retry after a
    failed send finds it and gets the recorded decision back (the service knows this
    update)."""
    terms = DecisionTerms(draft.item, draft.text, draft.agencies, days)
    recorded, notices = await service(terms, update_id=update.update_id)
    await answer_quietly(query)
    await say(update, context, told(recorded))
    await deliver(context, notices)
    decision.drop(context)
