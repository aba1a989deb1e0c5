"""Recording the HQ's decision on an agenda item: its text, the agencies it names, and
the implementation deadline.

The text is asked for (a prompt); the draft waits in user_data between the buttons and
goes only once the decision is recorded, so a retry finds it (the service knows the
update and returns the decision it recorded). Declared in handlers/hq.py with
MANAGE_AGENDA.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.buttons_hq import DEADLINE_CHOICES, AgenciesChosen, Decide, PickDeadline, ToggleAgency
from bot.context import RounaqContext
from bot.services.workflow import WorkflowError
from bot.views import workflow_error
from bot.views_hq import decided_text
from handlers import prompt
from handlers.declare import stale
from handlers.notify import deliver
from handlers.ui import answer_quietly, keyboard, redraw, rows, say

# Listed in handlers.common.DRAFT_KEYS: /cancel drops it.
DECISION_KEY = "decision_draft"


def _draft(context: RounaqContext, item_id: int) -> dict[str, Any] | None:
    assert context.user_data is not None
    draft = context.user_data.get(DECISION_KEY)
    if not isinstance(draft, dict) or draft.get("item") != item_id:
        return None
    return draft


def _agency_picker(
    context: RounaqContext, item_id: int, chosen: list[int]
) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(
            ("☑ " if a.id in chosen else "☐ ")
            + context.fmt.shorten(a.short_name(context.lang), 36),
            callback_data=ToggleAgency(item_id, a.id).pack(),
        )
        for a in context.services.directory.agencies
    ]
    done = InlineKeyboardButton(
        context.tr.t("hq.btn_next"), callback_data=AgenciesChosen(item_id).pack()
    )
    return keyboard(*rows(buttons, 2), [done])


async def decide(
    update: Update, context: RounaqContext, query: CallbackQuery, data: Decide
) -> None:
    _, _, decision = await context.services.hq.item(context.principal, data.item_id)
    if decision is not None:  # an older view's button: the text, agencies and deadline
        # would all be asked for, then refused at the last press
        number = context.fmt.plain_int(decision.id)
        await query.answer(context.tr.t("hq.already_decided", id=number), show_alert=True)
        return
    await query.answer()
    await prompt.ask(
        context,
        query.from_user.id,
        context.tr.t("hq.ask_decision"),
        "hq_decision",
        item=data.item_id,
    )


async def got_decision_text(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    item_id = int(data.get("item", 0))
    try:
        _, reports, _ = await context.services.hq.item(context.principal, item_id)
    except WorkflowError as error:
        await message.reply_text(workflow_error(context.tr, error))
        return True
    try:
        decision_text = context.services.hq.check_text(text)
    except WorkflowError as error:
        await message.reply_text(workflow_error(context.tr, error))
        return False
    # The agencies of the bundled reports are named by default; the secretariat edits.
    chosen = sorted({r.agency_id for r in reports})
    assert context.user_data is not None
    context.user_data[DECISION_KEY] = {"item": item_id, "text": decision_text, "agencies": chosen}
    await message.reply_text(
        context.tr.t("hq.pick_agencies"), reply_markup=_agency_picker(context, item_id, chosen)
    )
    return True


async def toggle_agency(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ToggleAgency
) -> None:
    draft = _draft(context, data.item_id)
    known = {a.id for a in context.services.directory.agencies}
    if draft is None or data.agency_id not in known:
        await stale(query, context)
        return
    chosen: list[int] = draft["agencies"]
    if data.agency_id in chosen:
        chosen.remove(data.agency_id)
    else:
        chosen.append(data.agency_id)
    await query.answer()
    markup = _agency_picker(context, data.item_id, chosen)
    await redraw(update, context, query, context.tr.t("hq.pick_agencies"), markup)


async def agencies_chosen(
    update: Update, context: RounaqContext, query: CallbackQuery, data: AgenciesChosen
) -> None:
    tr = context.tr
    draft = _draft(context, data.item_id)
    if draft is None or not draft["agencies"]:
        await query.answer(tr.t("hq.pick_agencies"), show_alert=True)
        return
    await query.answer()
    choices = [
        InlineKeyboardButton(
            tr.t("hq.days", days=context.fmt.number(d)),
            callback_data=PickDeadline(data.item_id, d).pack(),
        )
        for d in DEADLINE_CHOICES
    ]
    await say(update, context, tr.t("hq.pick_deadline"), keyboard(choices))


async def pick_deadline(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickDeadline
) -> None:
    draft = _draft(context, data.item_id)
    if draft is None:
        await stale(query, context)
        return
    decision, notices = await context.services.hq.decide(
        context.principal,
        data.item_id,
        text=draft["text"],
        agency_ids=draft["agencies"],
        deadline_days=data.days,
        update_id=update.update_id,
    )
    await answer_quietly(query)
    await say(update, context, decided_text(context.tr, context.fmt, decision))
    await deliver(context, notices)
    # The draft goes last: a retry after a failed send finds it and gets the recorded
    # decision back (the service knows this update).
    assert context.user_data is not None
    context.user_data.pop(DECISION_KEY, None)
