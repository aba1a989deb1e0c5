"""/inbox: an agency officer's open reports, overdue first then the newest, with filters.

Callback data carries the whole view: `ib:<status>:<category>:<overdue>:<page>` (status an
index into STATUS_FILTERS, category 0 for all); `ib:c:<status>:<overdue>` picks a category.
"""

from __future__ import annotations

from contextlib import suppress

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.access import Permission
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.menu import MenuCommand
from bot.services.workflow import InboxFilter
from bot.views import status_label, tracking_number
from handlers.common import deny
from handlers.ui import callback, int_arg, keyboard, pager_row, rows

COMMANDS = [MenuCommand("inbox", Permission.WORK_INBOX)]
PREFIX = "ib"
PAGE_SIZE = 5
# None: every status the agency still works in.
STATUS_FILTERS: tuple[str | None, ...] = (
    None,
    "referred",
    "in_progress",
    "awaiting_owner",
    "reopened",
)


async def _render(
    context: RounaqContext, status: int, category: int, overdue: bool, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt, services = context.tr, context.fmt, context.services
    directory, lang = services.directory, context.lang
    flt = InboxFilter(STATUS_FILTERS[status], category or None, overdue)
    result = await services.workflow.inbox(context.principal, flt, page, PAGE_SIZE)
    agencies = fmt.join(
        escape(directory.agency(a).name(lang)) for a in sorted(context.principal.agency_ids)
    )
    status_name = (
        tr.t("inbox.all_open") if flt.status is None else status_label(tr, flt.status, staff=True)
    )
    category_name = (
        tr.t("inbox.all_categories")
        if flt.category_id is None
        else escape(directory.category(flt.category_id).name(lang))
    )
    lines = [
        tr.t("inbox.title", agency=agencies, count=fmt.number(result.total)),
        tr.t(
            "inbox.filters",
            status=status_name,
            category=category_name,
            overdue=tr.t("inbox.overdue_only") if overdue else tr.t("inbox.any_deadline"),
        ),
    ]
    buttons: list[list[InlineKeyboardButton]] = []
    now = services.clock.now()
    for report in result.items:
        late = services.workflow.is_overdue(report, now)
        lines.append(
            tr.t(
                "inbox.line_overdue" if late else "inbox.line",
                number=tracking_number(fmt, report),
                unit=fmt.name(report.unit_name),
                category=escape(directory.category(report.category_id).name(lang)),
                status=status_label(tr, report.status, staff=True),
                due=fmt.date(report.due_at),
            )
        )
        buttons.append(
            [
                InlineKeyboardButton(
                    ("⏰ " if late else "") + tracking_number(fmt, report),
                    callback_data=callback("my", "o", report.id),
                )
            ]
        )
    if not result.total:
        lines.append(tr.t("inbox.empty"))
    next_status = (status + 1) % len(STATUS_FILTERS)
    buttons.append(
        [
            InlineKeyboardButton(
                tr.t("inbox.btn_status", status=status_name),
                callback_data=callback(PREFIX, next_status, category, int(overdue), 1),
            ),
            InlineKeyboardButton(
                tr.t("inbox.btn_category"),
                callback_data=callback(PREFIX, "c", status, int(overdue)),
            ),
            InlineKeyboardButton(
                tr.t("inbox.btn_overdue_on" if overdue else "inbox.btn_overdue_off"),
                callback_data=callback(PREFIX, status, category, int(not overdue), 1),
            ),
        ]
    )
    buttons.append(
        pager_row(tr, f"{PREFIX}:{status}:{category}:{int(overdue)}", result.page, result.pages)
    )
    return "\n\n".join(lines), keyboard(*buttons)


async def inbox(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.principal.can(Permission.WORK_INBOX):
        await deny(update, context)
        return
    text, markup = await _render(context, 0, 0, False, 1)
    await message.reply_text(text, reply_markup=markup)


async def on_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    if not context.principal.can(Permission.WORK_INBOX):
        await deny(update, context)
        return
    parts = (query.data or "").split(":")[1:]
    tr = context.tr
    if len(parts) == 3 and parts[0] == "c":
        status, overdue = int_arg(parts[1]), int_arg(parts[2])
        if status is None or status >= len(STATUS_FILTERS) or overdue not in (0, 1):
            await query.answer(tr.t("common.stale_button"), show_alert=True)
            return
        choices = [
            InlineKeyboardButton(
                tr.t("inbox.all_categories"), callback_data=callback(PREFIX, status, 0, overdue, 1)
            )
        ] + [
            InlineKeyboardButton(
                context.fmt.shorten(c.name(context.lang), 40),
                callback_data=callback(PREFIX, status, c.id, overdue, 1),
            )
            for c in context.services.directory.categories
        ]
        await query.answer()
        with suppress(BadRequest):
            await query.edit_message_reply_markup(keyboard(*rows(choices, 2)))
        return
    values = [int_arg(p) for p in parts]
    known_categories = {0} | {c.id for c in context.services.directory.categories}
    if (
        len(values) != 4
        or any(v is None for v in values)
        or values[0] is None
        or values[0] >= len(STATUS_FILTERS)
        or values[1] not in known_categories
        or values[2] not in (0, 1)
    ):
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    status, category, overdue, page = (int(v or 0) for v in values)
    await query.answer()
    text, markup = await _render(context, status, category, bool(overdue), page)
    with suppress(BadRequest):  # the page shown was pressed again: nothing to change
        await query.edit_message_text(text, reply_markup=markup)


def register(application: RounaqApp) -> None:
    application.add_handler(CommandHandler("inbox", inbox))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"))
