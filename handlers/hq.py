"""The Headquarters: /agenda (bundle escalated reports, record decisions), /decisions, /laws.

Callback data: `hq:<verb>[:<id>...]` for the secretariat's agenda work and `dc:<verb>:...`
for decisions. Every button re-checks the presser's permission; the HQ service checks it
again before writing.
"""

from __future__ import annotations

import csv
import io
from contextlib import suppress
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.access import Permission, can_respond_to_decision
from bot.context import RounaqApp, RounaqContext
from bot.exports import safe_row
from bot.formatting import escape, split_message
from bot.services.hq import DecisionState, DecisionView, LawItem, agency_state
from bot.services.workflow import WorkflowError
from bot.text import parse_jalali_date
from bot.views import tracking_number, workflow_error
from handlers import prompt
from handlers.declare import command, press
from handlers.notify import deliver
from handlers.sessions import waits_for
from handlers.ui import (
    answer_quietly,
    callback,
    int_arg,
    keyboard,
    pager_row,
    rows,
    send_chunks,
)
from storage.dto import ReportDTO
from storage.dto_workflow import AgendaItemDTO, DecisionDTO
from storage.models_workflow import AgencyResponse, CauseKind

SELECTION_KEY = "agenda_selection"
DECISION_KEY = "decision_draft"
DEADLINE_CHOICES = (10, 20, 30, 60)
# Per page: escalated reports and agenda items take up to two buttons each, decisions a
# row per agency; Telegram refuses a keyboard of more than 100 buttons.
AGENDA_PAGE = 10
DECISIONS_PAGE = 5


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def _selection(context: RounaqContext) -> list[int]:
    assert context.user_data is not None
    value = context.user_data.setdefault(SELECTION_KEY, [])
    assert isinstance(value, list)
    return value


async def _edit(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    query = update.callback_query
    assert query is not None
    if len(split_message(text)) > 1:
        # One message cannot hold it: send the view anew, in parts, buttons under the last.
        await _say(update, context, text, markup)
        return
    with suppress(BadRequest):  # "message is not modified": the same view pressed twice
        await query.edit_message_text(text, reply_markup=markup)


async def _say(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send_chunks(context, chat.id, text, markup)


def _report_line(context: RounaqContext, report: ReportDTO) -> str:
    directory, lang = context.services.directory, context.lang
    return context.tr.t(
        "hq.report_line",
        number=tracking_number(context.fmt, report),
        unit=context.fmt.name(report.unit_name),
        category=escape(directory.category(report.category_id).name(lang)),
        agency=escape(directory.agency(report.agency_id).name(lang)),
    )


def _item_line(context: RounaqContext, item: AgendaItemDTO) -> str:
    tr, fmt = context.tr, context.fmt
    return tr.t(
        "hq.item_line",
        id=fmt.plain_int(item.id),
        title=escape(item.title),
        cause=tr.t(f"hq.cause_{item.cause_kind}"),
        date=fmt.date(item.session_date),
        count=fmt.number(len(item.report_ids)),
    )


# --- /agenda ---------------------------------------------------------------------------


def _markup(buttons: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    return keyboard(*buttons)


async def _agenda_view(
    context: RounaqContext, page: int = 1
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt, hq = context.tr, context.fmt, context.services.hq
    escalated = await hq.escalated(context.principal)
    items = await hq.agenda(context.principal)
    selected = [r for r in _selection(context) if r in {e.id for e in escalated}]
    assert context.user_data is not None
    context.user_data[SELECTION_KEY] = selected
    # One page number walks both lists; the selection spans pages.
    pages = max(_pages(len(escalated), AGENDA_PAGE), _pages(len(items), AGENDA_PAGE))
    page = min(max(page, 1), pages)
    window = slice((page - 1) * AGENDA_PAGE, page * AGENDA_PAGE)
    lines = [tr.t("hq.agenda_title"), tr.t("hq.escalated_title", count=fmt.number(len(escalated)))]
    buttons: list[list[InlineKeyboardButton]] = []
    for report in escalated[window]:
        lines.append(_report_line(context, report))
        mark = "☑" if report.id in selected else "☐"
        buttons.append(
            [
                InlineKeyboardButton(
                    f"{mark} {tracking_number(fmt, report)}",
                    callback_data=callback("hq", "t", report.id, page),
                ),
                InlineKeyboardButton(
                    tr.t("hq.btn_open"), callback_data=callback("my", "o", report.id)
                ),
            ]
        )
    if not escalated:
        lines.append(tr.t("hq.none_escalated"))
    lines.append(tr.t("hq.items_title", count=fmt.number(len(items))))
    waiting = await context.services.sessions.waiting([i.id for i in items[window]])
    lines.extend(
        _item_line(context, item) + waits_for(context, waiting.get(item.id))
        for item in items[window]
    )
    if selected:
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("hq.btn_bundle", count=fmt.number(len(selected))),
                    callback_data=callback("hq", "b"),
                )
            ]
        )
    for item in items[window]:
        row = [
            InlineKeyboardButton(
                tr.t("hq.btn_item", id=fmt.plain_int(item.id), title=fmt.shorten(item.title, 30)),
                callback_data=callback("hq", "i", item.id),
            )
        ]
        if selected:
            row.append(
                InlineKeyboardButton(
                    tr.t("hq.btn_add_to", id=fmt.plain_int(item.id)),
                    callback_data=callback("hq", "+", item.id),
                )
            )
        buttons.append(row)
    buttons.append(pager_row(tr, "hq:pg", page, pages))
    return "\n\n".join(lines), _markup(buttons)


async def agenda(update: Update, context: RounaqContext) -> None:
    text, markup = await _agenda_view(context)
    await _say(update, context, text, markup)


async def _item_view(
    context: RounaqContext, item_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt = context.tr, context.fmt
    item, reports, decision = await context.services.hq.item(context.principal, item_id)
    lines = [tr.t("hq.item_title"), _item_line(context, item)]
    lines.extend(_report_line(context, r) for r in reports)
    buttons = [
        [InlineKeyboardButton(tracking_number(fmt, r), callback_data=callback("my", "o", r.id))]
        for r in reports
    ]
    if decision is not None:
        view = await context.services.hq.decision(context.principal, decision.id)
        if view is not None:
            lines.append(_decision_text(context, view))
    elif context.principal.can(Permission.MANAGE_AGENDA):
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("hq.btn_decide"), callback_data=callback("hq", "d", item.id)
                )
            ]
        )
    return "\n\n".join(lines), _markup(buttons)


async def agenda_button(update: Update, context: RounaqContext, query: CallbackQuery) -> None:
    tr = context.tr
    parts = (query.data or "").split(":")[1:]
    verb, args = (parts[0], parts[1:]) if parts else ("", [])
    ids = [int_arg(a) for a in args]
    if verb == "k" and len(args) == 1 and args[0] in CauseKind.ALL:
        await query.answer()
        await prompt.ask(
            context, query.from_user.id, tr.t("hq.ask_title"), "hq_title", cause=args[0]
        )
        return
    if any(i is None for i in ids):
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    nums = [int(i or 0) for i in ids]
    try:
        if verb == "home" and not nums:
            await query.answer()
            text, markup = await _agenda_view(context)
            await _say(update, context, text, markup)
        elif verb == "pg" and len(nums) == 1:
            await query.answer()
            text, markup = await _agenda_view(context, nums[0])
            await _edit(update, context, text, markup)
        elif verb == "t" and len(nums) in (1, 2):
            selection = _selection(context)
            if nums[0] in selection:
                selection.remove(nums[0])
            else:
                selection.append(nums[0])
            await query.answer()
            text, markup = await _agenda_view(context, nums[1] if len(nums) == 2 else 1)
            await _edit(update, context, text, markup)
        elif verb == "b" and not nums:
            await query.answer()
            causes = [
                InlineKeyboardButton(tr.t(f"hq.cause_{k}"), callback_data=callback("hq", "k", k))
                for k in CauseKind.ALL
            ]
            await _say(update, context, tr.t("hq.pick_cause"), keyboard(*rows(causes, 2)))
        elif verb == "+" and len(nums) == 1:
            item_id, notices = await context.services.hq.bundle(
                context.principal,
                _selection(context),
                title="",
                cause_kind="",
                session_date=context.services.clock.now().date(),
                item_id=nums[0],
                update_id=update.update_id,
            )
            _selection(context).clear()
            await answer_quietly(query, tr.t("hq.added"))
            text, markup = await _item_view(context, item_id)
            await _say(update, context, text, markup)
            await deliver(context, notices)
        elif verb == "i" and len(nums) == 1:
            # Built before answering: a refusal is the press's answer (an alert).
            text, markup = await _item_view(context, nums[0])
            await query.answer()
            await _say(update, context, text, markup)
        elif verb == "d" and len(nums) == 1:
            await context.services.hq.item(context.principal, nums[0])
            await query.answer()
            await prompt.ask(
                context, query.from_user.id, tr.t("hq.ask_decision"), "hq_decision", item=nums[0]
            )
        elif verb == "a" and len(nums) == 2:
            draft = _decision_draft(context, nums[0])
            if draft is None or nums[1] not in {a.id for a in context.services.directory.agencies}:
                await query.answer(tr.t("common.stale_button"), show_alert=True)
                return
            chosen: list[int] = draft["agencies"]
            if nums[1] in chosen:
                chosen.remove(nums[1])
            else:
                chosen.append(nums[1])
            await query.answer()
            await _edit(
                update, context, tr.t("hq.pick_agencies"), _agency_picker(context, nums[0], chosen)
            )
        elif verb == "n" and len(nums) == 1:
            draft = _decision_draft(context, nums[0])
            if draft is None or not draft["agencies"]:
                await query.answer(tr.t("hq.pick_agencies"), show_alert=True)
                return
            await query.answer()
            choices = [
                InlineKeyboardButton(
                    tr.t("hq.days", days=context.fmt.number(d)),
                    callback_data=callback("hq", "dl", nums[0], d),
                )
                for d in DEADLINE_CHOICES
            ]
            await _say(update, context, tr.t("hq.pick_deadline"), keyboard(choices))
        elif verb == "dl" and len(nums) == 2:
            draft = _decision_draft(context, nums[0])
            if draft is None or nums[1] not in DEADLINE_CHOICES:
                await query.answer(tr.t("common.stale_button"), show_alert=True)
                return
            decision, notices = await context.services.hq.decide(
                context.principal,
                nums[0],
                text=draft["text"],
                agency_ids=draft["agencies"],
                deadline_days=nums[1],
                update_id=update.update_id,
            )
            await answer_quietly(query)
            await _say(
                update,
                context,
                tr.t(
                    "hq.decided",
                    id=context.fmt.plain_int(decision.id),
                    deadline=context.fmt.date(decision.deadline_at),
                    until=context.fmt.date(decision.objection_until),
                ),
            )
            await deliver(context, notices)
            # The draft goes last: a retry after a failed send finds it and gets the
            # recorded decision back (the service knows this update).
            assert context.user_data is not None
            context.user_data.pop(DECISION_KEY, None)
        else:
            await query.answer(tr.t("common.stale_button"), show_alert=True)
    except WorkflowError as error:
        await answer_quietly(query, workflow_error(tr, error), show_alert=True)


def _decision_draft(context: RounaqContext, item_id: int) -> dict[str, Any] | None:
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
            callback_data=callback("hq", "a", item_id, a.id),
        )
        for a in context.services.directory.agencies
    ]
    done = InlineKeyboardButton(
        context.tr.t("hq.btn_next"), callback_data=callback("hq", "n", item_id)
    )
    return keyboard(*rows(buttons, 2), [done])


async def got_title(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    try:
        title = context.services.hq.check_title(text)
    except WorkflowError as error:
        await message.reply_text(workflow_error(context.tr, error))
        return False
    await prompt.ask(
        context,
        message.chat.id,
        context.tr.t("hq.ask_date", example=context.fmt.short_date(context.services.clock.now())),
        "hq_date",
        cause=data.get("cause"),
        title=title,
    )
    return True


async def got_date(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    message = update.effective_message
    assert message is not None
    tr = context.tr
    day = parse_jalali_date(text)
    if day is None:
        await message.reply_text(
            tr.t(
                "common.invalid_date",
                text=escape(context.fmt.shorten(text, 40)),
                example=context.fmt.short_date(context.services.clock.now()),
            )
        )
        return False
    try:
        item_id, notices = await context.services.hq.bundle(
            context.principal,
            _selection(context),
            title=str(data.get("title", "")),
            cause_kind=str(data.get("cause", "")),
            session_date=day.togregorian(),
            update_id=update.update_id,
        )
    except WorkflowError as error:
        await message.reply_text(workflow_error(tr, error))
        return error.reason != "date_past"
    _selection(context).clear()
    text_, markup = await _item_view(context, item_id)
    await _say(update, context, tr.t("hq.bundled") + "\n\n" + text_, markup)
    await deliver(context, notices)
    return True


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


# --- /decisions ------------------------------------------------------------------------


def _decision_text(context: RounaqContext, view: DecisionView) -> str:
    tr, fmt, directory, lang = context.tr, context.fmt, context.services.directory, context.lang
    now = context.services.clock.now()
    agencies = "\n".join(
        tr.t(
            "hq.agency_state",
            agency=escape(directory.agency(a.agency_id).name(lang)),
            state=tr.t(f"hq.state_{agency_state(a, view.decision, now)}"),
        )
        + (
            "\n    " + escape(a.objection or a.evidence or "")
            if (a.objection or a.evidence)
            else ""
        )
        for a in view.decision.agencies
    )
    return tr.t(
        "hq.decision_card",
        id=fmt.plain_int(view.decision.id),
        title=escape(view.item.title),
        state=tr.t(f"hq.state_{view.state}"),
        deadline=fmt.date(view.decision.deadline_at),
        until=fmt.date(view.decision.objection_until),
        text=escape(view.decision.text),
        agencies=agencies,
    )


def _decision_buttons(
    context: RounaqContext, decision: DecisionDTO
) -> list[list[InlineKeyboardButton]]:
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
                    callback_data=callback("dc", "i", decision.id, answer.agency_id),
                )
            )
        if answer.state == AgencyResponse.PENDING and now <= decision.objection_until:
            row.append(
                InlineKeyboardButton(
                    tr.t("hq.btn_object_n", id=fmt.plain_int(decision.id)),
                    callback_data=callback("dc", "o", decision.id, answer.agency_id),
                )
            )
        if row:
            result.append(row)
    return result


async def decisions(update: Update, context: RounaqContext) -> None:
    text, markup = await _decisions_view(context, 1)
    await _say(update, context, text, markup)


async def _decisions_view(
    context: RounaqContext, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The counts and every agency's share on each page; the decisions a page at a time."""
    tr, fmt, directory, lang = context.tr, context.fmt, context.services.directory, context.lang
    hq = context.services.hq
    views = await hq.decisions(context.principal)
    if not views:
        return tr.t("hq.no_decisions"), None
    pages = _pages(len(views), DECISIONS_PAGE)
    page = min(max(page, 1), pages)
    counts = {s: sum(1 for v in views if v.state == s) for s in DecisionState.ALL}
    lines = [
        tr.t(
            "hq.decisions_title",
            total=fmt.number(len(views)),
            **{s: fmt.number(counts[s]) for s in DecisionState.ALL},
        )
    ]
    buttons: list[list[InlineKeyboardButton]] = []
    for view in views[(page - 1) * DECISIONS_PAGE : page * DECISIONS_PAGE]:
        lines.append(_decision_text(context, view))
        buttons.extend(_decision_buttons(context, view.decision))
    buttons.append(pager_row(tr, "dc:p", page, pages))
    shares = [
        tr.t(
            "hq.share_line",
            agency=escape(directory.agency(s.agency_id).name(lang)),
            done=fmt.number(s.implemented),
            total=fmt.number(s.total),
            percent=fmt.percent(s.implemented / s.total if s.total else 0),
        )
        for s in hq.shares(views)
    ]
    lines.append(tr.t("hq.shares_title") + "\n" + "\n".join(shares))
    return "\n\n".join(lines), _markup(buttons)


async def decision_button(update: Update, context: RounaqContext, query: CallbackQuery) -> None:
    tr = context.tr
    parts = (query.data or "").split(":")[1:]
    nums = [int_arg(p) for p in parts[1:]]
    if not parts or any(n is None for n in nums):
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    verb, ids = parts[0], [int(n or 0) for n in nums]
    if verb == "p" and len(ids) == 1:
        await query.answer()
        text, markup = await _decisions_view(context, ids[0])
        await _edit(update, context, text, markup)
        return
    if verb == "v" and len(ids) == 1:
        view = await context.services.hq.decision(context.principal, ids[0])
        if view is None:
            await query.answer(tr.t("workflow.error_not_found"), show_alert=True)
            return
        await query.answer()
        buttons = _decision_buttons(context, view.decision)
        await _say(
            update, context, _decision_text(context, view), keyboard(*buttons) if buttons else None
        )
        return
    if verb in ("o", "i") and len(ids) == 2:
        decision_id, agency_id = ids
        if not can_respond_to_decision(context.principal, agency_id):
            await query.answer(tr.t("workflow.error_not_found"), show_alert=True)
            return
        view = await context.services.hq.decision(context.principal, decision_id)
        if view is None or agency_id not in {a.agency_id for a in view.decision.agencies}:
            await query.answer(tr.t("workflow.error_not_found"), show_alert=True)
            return
        verdict = AgencyResponse.OBJECTED if verb == "o" else AgencyResponse.IMPLEMENTED
        key = "hq.ask_objection" if verb == "o" else "hq.ask_evidence"
        asked = await prompt.ask(
            context,
            query.from_user.id,
            tr.t(key, id=context.fmt.plain_int(decision_id)),
            "dc",
            verdict=verdict,
            decision=decision_id,
            agency=agency_id,
        )
        await query.answer(None if asked else tr.t("workflow.open_private"), show_alert=not asked)
        return
    await query.answer(tr.t("common.stale_button"), show_alert=True)


async def got_response(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    message = update.effective_message
    assert message is not None
    tr = context.tr
    try:
        notices = await context.services.hq.respond(
            context.principal,
            int(data.get("decision", 0)),
            int(data.get("agency", 0)),
            verdict=str(data.get("verdict")),
            note=text,
            update_id=update.update_id,
        )
    except WorkflowError as error:
        await message.reply_text(workflow_error(tr, error))
        return error.reason != "note_length"
    await message.reply_text(tr.t(f"hq.responded_{data.get('verdict')}"))
    await deliver(context, notices)
    return True


# --- /laws -----------------------------------------------------------------------------


async def laws(update: Update, context: RounaqContext) -> None:
    tr, fmt = context.tr, context.fmt
    items = await context.services.hq.laws(context.principal)
    if not items:
        await _say(update, context, tr.t("hq.no_laws"))
        return
    lines = [tr.t("hq.laws_title", count=fmt.number(len(items)))]
    for law in items:
        lines.append(
            tr.t(
                "hq.law_line",
                title=escape(law.item.title),
                count=fmt.number(len(law.item.report_ids)),
                date=fmt.date(law.item.session_date),
                state=tr.t(f"hq.state_{law.state}") if law.state else tr.t("hq.state_scheduled"),
            )
        )
    markup = keyboard([InlineKeyboardButton(tr.t("hq.btn_csv"), callback_data="hq:csv")])
    await _say(update, context, "\n\n".join(lines), markup)


def laws_csv(context: RounaqContext, items: list[LawItem]) -> bytes:
    """The obstructive-laws list as CSV (UTF-8 with BOM so spreadsheet programs read Persian)."""
    tr, fmt = context.tr, context.fmt
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(tr.t("hq.csv_header").split("|"))
    for law in items:
        writer.writerow(
            safe_row(
                [
                    law.item.id,
                    law.item.title,
                    fmt.short_date(law.item.session_date),
                    len(law.item.report_ids),
                    law.decision.text if law.decision else "",
                    tr.t(f"hq.state_{law.state}") if law.state else tr.t("hq.state_scheduled"),
                ]
            )
        )
    return out.getvalue().encode("utf-8-sig")


async def laws_export(update: Update, context: RounaqContext, query: CallbackQuery) -> None:
    await query.answer()
    items = await context.services.hq.laws(context.principal)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        document=laws_csv(context, items),
        filename="obstructive-laws.csv",
        caption=context.tr.t("hq.csv_caption", count=context.fmt.number(len(items))),
    )


COMMANDS = [
    command("agenda", agenda, needs=Permission.MANAGE_AGENDA),
    command("decisions", decisions, needs=Permission.VIEW_DECISIONS),
    command("laws", laws, needs=Permission.VIEW_LAWS),
]


def register(application: RounaqApp) -> None:
    for item in COMMANDS:
        application.add_handler(item.handler())
    # Order matters: the CSV export shares the hq prefix but is open to officials too.
    application.add_handler(press(r"^hq:csv$", laws_export, needs=Permission.VIEW_LAWS))
    application.add_handler(press(r"^hq:", agenda_button, needs=Permission.MANAGE_AGENDA))
    application.add_handler(press(r"^dc:", decision_button, needs=Permission.VIEW_DECISIONS))
    prompt.on(application, "hq_title", got_title)
    prompt.on(application, "hq_date", got_date)
    prompt.on(application, "hq_decision", got_decision_text)
    prompt.on(application, "dc", got_response)
