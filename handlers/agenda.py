"""/agenda: the secretariat bundles escalated reports into agenda items.

The buttons (bot/buttons/hq.py) are declared in handlers/hq.py with MANAGE_AGENDA; the HQ
service checks it again before writing. The selection of reports spans the agenda's pages
and lives in user_data until it is bundled.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.buttons.hq import (
    AddToItem,
    AgendaPage,
    Decide,
    OpenItem,
    PickCause,
    SelectForAgenda,
    StartBundle,
    ToggleReport,
)
from bot.buttons.reports import OpenButton
from bot.context import RounaqContext
from bot.formatting import escape
from bot.services.workflow import WorkflowError
from bot.text import parse_date
from bot.views.common import tracking_number, workflow_error
from bot.views.hq import agenda_text, item_text
from bot.views.sessions import waits_for
from handlers import asking
from handlers.declare import as_button
from handlers.notify import deliver
from handlers.ui import (
    answer_quietly,
    answer_with,
    keyboard,
    message_of,
    page_count,
    pager_row,
    redraw,
    rows,
    say,
)
from storage.dto import ReportDTO
from storage.dto_workflow import AgendaItemDTO
from storage.models_workflow import CauseKind

SELECTION_KEY = "agenda_selection"
# Per page: escalated reports and agenda items take up to two buttons each; Telegram
# refuses a keyboard of more than 100 buttons.
AGENDA_PAGE = 10


def _selection(context: RounaqContext) -> list[int]:
    assert context.user_data is not None
    value = context.user_data.setdefault(SELECTION_KEY, [])
    assert isinstance(value, list)
    return value


def _require_selection(context: RounaqContext) -> None:
    """Refused (the press's alert) with nothing selected: an older agenda's bundle button,
    pressed once its reports were bundled, would ask for the cause, the title and the date
    and only then be refused."""
    if not _selection(context):
        raise WorkflowError("nothing_selected")


def _report_row(
    context: RounaqContext, report: ReportDTO, selected: list[int], page: int
) -> list[InlineKeyboardButton]:
    mark = "☑" if report.id in selected else "☐"
    return [
        InlineKeyboardButton(
            f"{mark} {tracking_number(context.fmt, report)}",
            callback_data=ToggleReport(report.id, page).pack(),
        ),
        InlineKeyboardButton(
            context.tr.t("hq.btn_open"), callback_data=OpenButton(report.id).pack()
        ),
    ]


def _item_row(
    context: RounaqContext, item: AgendaItemDTO, selected: list[int]
) -> list[InlineKeyboardButton]:
    tr, fmt = context.tr, context.fmt
    row = [
        InlineKeyboardButton(
            tr.t("hq.btn_item", id=fmt.plain_int(item.id), title=fmt.shorten(item.title, 30)),
            callback_data=OpenItem(item.id).pack(),
        )
    ]
    if selected:
        row.append(
            InlineKeyboardButton(
                tr.t("hq.btn_add_to", id=fmt.plain_int(item.id)),
                callback_data=AddToItem(item.id).pack(),
            )
        )
    return row


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
    pages = max(page_count(len(escalated), AGENDA_PAGE), page_count(len(items), AGENDA_PAGE))
    page = min(max(page, 1), pages)
    window = slice((page - 1) * AGENDA_PAGE, page * AGENDA_PAGE)
    waiting = await context.services.sessions.waiting([i.id for i in items[window]])
    text = agenda_text(
        tr,
        fmt,
        context.services.directory,
        (len(escalated), escalated[window]),
        (len(items), items[window]),
        {i.id: waits_for(context, waiting.get(i.id)) for i in items[window]},
    )
    buttons = [_report_row(context, r, selected, page) for r in escalated[window]]
    if selected:
        label = tr.t("hq.btn_bundle", count=fmt.number(len(selected)))
        buttons.append([InlineKeyboardButton(label, callback_data=StartBundle().pack())])
    buttons.extend(_item_row(context, i, selected) for i in items[window])
    buttons.append(pager_row(tr, AgendaPage, page, pages))
    return text, keyboard(*buttons)


async def _item_view(
    context: RounaqContext, item_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt, hq = context.tr, context.fmt, context.services.hq
    item, reports, decision = await hq.item(context.principal, item_id)
    view = None if decision is None else await hq.decision(context.principal, decision.id)
    text = item_text(
        tr, fmt, context.services.directory, item, reports, view, context.services.clock.now()
    )
    buttons = [
        [InlineKeyboardButton(tracking_number(fmt, r), callback_data=OpenButton(r.id).pack())]
        for r in reports
    ]
    if decision is None:
        buttons.append(
            [InlineKeyboardButton(tr.t("hq.btn_decide"), callback_data=Decide(item.id).pack())]
        )
    return text, keyboard(*buttons)


async def agenda(update: Update, context: RounaqContext) -> None:
    text, markup = await _agenda_view(context)
    await say(update, context, text, markup)


home = as_button(agenda)


async def _redraw_agenda(
    update: Update, context: RounaqContext, query: CallbackQuery, page: int
) -> None:
    await query.answer()
    text, markup = await _agenda_view(context, page)
    await redraw(update, context, query, text, markup)


async def turn_page(
    update: Update, context: RounaqContext, query: CallbackQuery, data: AgendaPage
) -> None:
    await _redraw_agenda(update, context, query, data.page)


async def toggle_report(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ToggleReport
) -> None:
    selection = _selection(context)
    if data.report_id in selection:
        selection.remove(data.report_id)
    else:
        selection.append(data.report_id)
    await _redraw_agenda(update, context, query, data.page)


async def select_for_agenda(
    update: Update, context: RounaqContext, query: CallbackQuery, data: SelectForAgenda
) -> None:
    """From an escalated report's card: the agenda, that report selected, on its page.
    Pressed again while it is selected (the agenda was sent already) or once it is on an
    item, the press says so instead of sending another agenda."""
    escalated = await context.services.hq.escalated(context.principal)
    report = next((r for r in escalated if r.id == data.report_id), None)
    if report is None:
        await _not_escalated(context, query, data.report_id)
        return
    selection = _selection(context)
    if report.id in selection:
        number = tracking_number(context.fmt, report)
        await query.answer(context.tr.t("hq.already_selected", number=number), show_alert=True)
        return
    selection.append(report.id)
    await query.answer()
    page = [r.id for r in escalated].index(report.id) // AGENDA_PAGE + 1
    text, markup = await _agenda_view(context, page)
    await say(update, context, text, markup)


async def _not_escalated(context: RounaqContext, query: CallbackQuery, report_id: int) -> None:
    """The card's "put on the agenda" for a report no longer waiting for it: the item it
    is on, when it is on one of this province's; else it moved on (closed, decided)."""
    item_id = (await context.services.workflow.tracking(report_id)).agenda_item_id
    if item_id is None:
        raise WorkflowError("not_now")
    try:
        item, reports, _ = await context.services.hq.item(context.principal, item_id)
    except WorkflowError:
        raise WorkflowError("not_now") from None  # another province's: nothing to name
    report = next((r for r in reports if r.id == report_id), None)
    if report is None:
        raise WorkflowError("not_now")
    fmt = context.fmt
    text = context.tr.t(
        "hq.already_on_item",
        number=tracking_number(fmt, report),
        id=fmt.plain_int(item.id),
        title=fmt.shorten(item.title, 60),
    )
    await query.answer(text, show_alert=True)


async def start_bundle(
    update: Update, context: RounaqContext, query: CallbackQuery, _: StartBundle
) -> None:
    tr = context.tr
    _require_selection(context)
    await query.answer()
    causes = [
        InlineKeyboardButton(tr.t(f"hq.cause_{k}"), callback_data=PickCause(k).pack())
        for k in CauseKind.ALL
    ]
    await say(update, context, tr.t("hq.pick_cause"), keyboard(*rows(causes, 2)))


async def pick_cause(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickCause
) -> None:
    _require_selection(context)
    await query.answer()
    await asking.ask(
        context, query.from_user.id, context.tr.t("hq.ask_title"), "hq_title", cause=data.cause
    )


async def add_to_item(
    update: Update, context: RounaqContext, query: CallbackQuery, data: AddToItem
) -> None:
    item_id, notices = await context.services.hq.bundle(
        context.principal,
        _selection(context),
        title="",
        cause_kind="",
        session_date=context.services.clock.now().date(),
        item_id=data.item_id,
        update_id=update.update_id,
    )
    _selection(context).clear()
    await answer_quietly(query, context.tr.t("hq.added"))
    text, markup = await _item_view(context, item_id)
    await say(update, context, text, markup)
    await deliver(context, notices)


async def open_item(
    update: Update, context: RounaqContext, query: CallbackQuery, data: OpenItem
) -> None:
    await answer_with(update, context, query, await _item_view(context, data.item_id))


@asking.refusing(workflow_error, again=("title_length",))
async def got_title(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    title = context.services.hq.check_title(text)
    return await asking.ask_next(
        update,
        context,
        context.tr.t("hq.ask_date", example=context.fmt.short_date(context.services.clock.now())),
        "hq_date",
        cause=data.get("cause"),
        title=title,
    )


async def got_date(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    message = message_of(update)
    tr = context.tr
    day = parse_date(text)
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
    await say(update, context, tr.t("hq.bundled") + "\n\n" + text_, markup)
    await deliver(context, notices)
    return True
