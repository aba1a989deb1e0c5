"""/decisions (the HQ's decisions and each agency's share), an agency's answer to a
decision (implemented, or an objection), and /laws with its file.

Declared in handlers/hq.py: the `dc:` buttons with VIEW_DECISIONS, the file with
VIEW_LAWS. Answering is the named agency's alone: checked here against the button's
agency, and again by the HQ service before it writes.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.access import can_respond_to_decision
from bot.buttons.hq import DecisionsPage, Implemented, LawsCsv, Object, ViewDecision
from bot.context import RounaqContext
from bot.exports.hq import LAWS_FILENAME, laws_csv
from bot.services.hq import answerable_states
from bot.views.common import workflow_error
from bot.views.hq import decision_text, decisions_text, laws_text
from handlers import asking
from handlers.notify import deliver
from handlers.ui import keyboard, message_of, page_count, pager_row, redraw, say
from storage.dto_workflow import DecisionDTO
from storage.models_workflow import AgencyResponse

# A page of decisions takes a row of buttons per agency: Telegram's limit is 100 buttons.
DECISIONS_PAGE = 5
PROMPT_KIND = "dc"


def _decision_buttons(
    context: RounaqContext, decision: DecisionDTO
) -> list[list[InlineKeyboardButton]]:
    """The answers this person may give, for each agency of theirs the decision names."""
    tr, fmt = context.tr, context.fmt
    now = context.services.clock.now()
    result = []
    for answer in decision.agencies:
        if not can_respond_to_decision(context.principal, answer.agency_id):
            continue
        row = []
        if answer.state != AgencyResponse.IMPLEMENTED:
            row.append(
                InlineKeyboardButton(
                    tr.t("hq.btn_implemented_n", id=fmt.plain_int(decision.id)),
                    callback_data=Implemented(decision.id, answer.agency_id).pack(),
                )
            )
        if answer.state == AgencyResponse.PENDING and now <= decision.objection_until:
            row.append(
                InlineKeyboardButton(
                    tr.t("hq.btn_object_n", id=fmt.plain_int(decision.id)),
                    callback_data=Object(decision.id, answer.agency_id).pack(),
                )
            )
        if row:
            result.append(row)
    return result


async def _decisions_view(
    context: RounaqContext, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The counts and every agency's share on each page; the decisions a page at a time."""
    hq = context.services.hq
    views = await hq.decisions(context.principal)
    pages = page_count(len(views), DECISIONS_PAGE)
    page = min(max(page, 1), pages)
    shown = views[(page - 1) * DECISIONS_PAGE : page * DECISIONS_PAGE]
    text = decisions_text(
        context.tr,
        context.fmt,
        context.services.directory,
        views,
        shown,
        hq.shares(views),
        context.services.clock.now(),
    )
    buttons = [row for view in shown for row in _decision_buttons(context, view.decision)]
    buttons.append(pager_row(context.tr, DecisionsPage, page, pages))
    return text, keyboard(*buttons)


async def decisions(update: Update, context: RounaqContext) -> None:
    text, markup = await _decisions_view(context, 1)
    await say(update, context, text, markup)


async def turn_page(
    update: Update, context: RounaqContext, query: CallbackQuery, data: DecisionsPage
) -> None:
    await query.answer()
    text, markup = await _decisions_view(context, data.page)
    await redraw(update, context, query, text, markup)


async def view_decision(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ViewDecision
) -> None:
    view = await context.services.hq.decision(context.principal, data.decision_id)
    if view is None:
        await query.answer(context.tr.t("hq.error_decision_not_found"), show_alert=True)
        return
    await query.answer()
    text = decision_text(
        context.tr, context.fmt, context.services.directory, view, context.services.clock.now()
    )
    await say(update, context, text, keyboard(*_decision_buttons(context, view.decision)))


VERDICT_OF = {Implemented: AgencyResponse.IMPLEMENTED, Object: AgencyResponse.OBJECTED}


async def answer(
    update: Update, context: RounaqContext, query: CallbackQuery, data: Implemented | Object
) -> None:
    """Ask the agency for its evidence or its objection, if the decision names it."""
    tr, verdict = context.tr, VERDICT_OF[type(data)]
    view = None
    if can_respond_to_decision(context.principal, data.agency_id):
        view = await context.services.hq.decision(context.principal, data.decision_id)
    answers = {} if view is None else {a.agency_id: a for a in view.decision.agencies}
    if view is None or data.agency_id not in answers:
        # Another agency's answer reads as one that does not exist (bot.access).
        await query.answer(tr.t("hq.error_decision_not_found"), show_alert=True)
        return
    # An old notice's button, the decision answered since (or its objection window shut):
    # said at the press, not after the evidence or the reasons were written.
    state = answers[data.agency_id].state
    refusal = None
    if state not in answerable_states(verdict):
        refusal = tr.t(
            "hq.already_answered",
            id=context.fmt.plain_int(data.decision_id),
            state=tr.t(f"hq.state_{state}"),
        )
    elif verdict == AgencyResponse.OBJECTED and (
        context.services.clock.now() > view.decision.objection_until
    ):
        refusal = tr.t("workflow.error_objection_closed")
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    key = "hq.ask_objection" if verdict == AgencyResponse.OBJECTED else "hq.ask_evidence"
    await asking.ask_presser(
        context,
        query,
        tr.t(key, id=context.fmt.plain_int(data.decision_id)),
        PROMPT_KIND,
        verdict=verdict,
        decision=data.decision_id,
        agency=data.agency_id,
    )


@asking.refusing(workflow_error)
async def got_response(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = message_of(update)
    notices = await context.services.hq.respond(
        context.principal,
        int(data.get("decision", 0)),
        int(data.get("agency", 0)),
        verdict=str(data.get("verdict")),
        note=text,
        update_id=update.update_id,
    )
    await message.reply_text(context.tr.t(f"hq.responded_{data.get('verdict')}"))
    await deliver(context, notices)
    return True


async def laws(update: Update, context: RounaqContext) -> None:
    tr = context.tr
    items = await context.services.hq.laws(context.principal)
    markup = None
    if items:
        markup = keyboard(
            [InlineKeyboardButton(tr.t("hq.btn_csv"), callback_data=LawsCsv().pack())]
        )
    await say(update, context, laws_text(tr, context.fmt, items), markup)


async def laws_file(
    update: Update, context: RounaqContext, query: CallbackQuery, _: LawsCsv
) -> None:
    await query.answer()
    items = await context.services.hq.laws(context.principal)
    await context.bot.send_document(
        query.from_user.id if update.effective_chat is None else update.effective_chat.id,
        document=laws_csv(context.tr, context.fmt, items),
        filename=LAWS_FILENAME,
        caption=context.tr.plural("hq.csv_caption", len(items), n=context.fmt.number(len(items))),
    )
