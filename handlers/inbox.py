"""/inbox: an agency officer's open reports, overdue first then the newest, with filters.

Callback data carries the whole view: `ib:<status>:<category>:<overdue>:<page>` (status an
index into STATUS_FILTERS, category 0 for all); `ib:c:<status>:<overdue>` picks a category.
"""

from __future__ import annotations

from contextlib import suppress

from telegram import CallbackQuery, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.services.workflow import InboxFilter
from bot.views.common import tracking_number
from bot.views.inbox import inbox_text, status_filter_name
from handlers.declare import button, command, stale
from handlers.myreports import OpenButton
from handlers.ui import keyboard, message_of, pager_row, rows
from storage.dto import Page, ReportDTO

PAGE_SIZE = 5
# None: every status the agency still works in.
STATUS_FILTERS: tuple[str | None, ...] = (
    None,
    "referred",
    "in_progress",
    "awaiting_owner",
    "reopened",
)


class ViewButton(CallbackData, prefix="ib"):
    """The whole view: status (an index into STATUS_FILTERS), category (0: all), overdue
    (0 or 1) and page."""

    status: int
    category: int
    overdue: int
    page: int

    def valid(self) -> bool:
        return self.status < len(STATUS_FILTERS) and self.overdue in (0, 1)


class CategoryButton(CallbackData, prefix="ib:c"):
    """Pick a category for the view with this status and overdue switch."""

    status: int
    overdue: int

    def valid(self) -> bool:
        return self.status < len(STATUS_FILTERS) and self.overdue in (0, 1)


async def _render(
    context: RounaqContext, status: int, category: int, overdue: bool, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    services = context.services
    flt = InboxFilter(STATUS_FILTERS[status], category or None, overdue)
    result = await services.workflow.inbox(context.principal, flt, page, PAGE_SIZE)
    now = services.clock.now()
    late = {r.id for r in result.items if services.workflow.is_overdue(r, now)}
    text = inbox_text(
        context.tr, context.fmt, services.directory, context.principal.agency_ids, flt, result, late
    )
    return text, _keyboard(context, ViewButton(status, category, int(overdue), page), result, late)


def _keyboard(
    context: RounaqContext, view: ViewButton, result: Page[ReportDTO], late: set[int]
) -> InlineKeyboardMarkup | None:
    """A button a report (overdue ones marked), the three filter switches, the pager."""
    tr, fmt = context.tr, context.fmt
    status, category, overdue = view.status, view.category, view.overdue
    buttons = [
        [
            InlineKeyboardButton(
                ("⏰ " if report.id in late else "") + tracking_number(fmt, report),
                callback_data=OpenButton(report.id).pack(),
            )
        ]
        for report in result.items
    ]
    status_name = status_filter_name(tr, InboxFilter(STATUS_FILTERS[status]))
    next_status = (status + 1) % len(STATUS_FILTERS)
    buttons.append(
        [
            InlineKeyboardButton(
                tr.t("inbox.btn_status", status=status_name),
                callback_data=ViewButton(next_status, category, overdue, 1).pack(),
            ),
            InlineKeyboardButton(
                tr.t("inbox.btn_category"), callback_data=CategoryButton(status, overdue).pack()
            ),
            InlineKeyboardButton(
                tr.t("inbox.btn_overdue_on" if overdue else "inbox.btn_overdue_off"),
                callback_data=ViewButton(status, category, 1 - overdue, 1).pack(),
            ),
        ]
    )
    buttons.append(
        pager_row(
            tr,
            lambda page: ViewButton(status, category, overdue, page),
            result.page,
            result.pages,
        )
    )
    return keyboard(*buttons)


def shown_here(context: RounaqContext, chat: Chat) -> bool:
    """An inbox (its reports' units and numbers) is shown in a private chat or in one of
    the officer's agencies' own groups; in any other group it goes to them privately."""
    if chat.type == Chat.PRIVATE:
        return True
    directory = context.services.directory
    return chat.id in {directory.agency(a).group_chat_id for a in context.principal.agency_ids}


async def _send_privately(
    context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """The inbox to the officer's private chat; False when they never opened one."""
    try:
        await context.bot.send_message(context.principal.user_id, text, reply_markup=markup)
    except Forbidden:
        return False
    return True


async def inbox(update: Update, context: RounaqContext) -> None:
    message = message_of(update)
    text, markup = await _render(context, 0, 0, False, 1)
    if shown_here(context, message.chat):
        await message.reply_text(text, reply_markup=markup)
        return
    sent = await _send_privately(context, text, markup)
    await message.reply_text(
        context.tr.t("inbox.sent_private" if sent else "workflow.open_private")
    )


async def category_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: CategoryButton
) -> None:
    tr, status, overdue = context.tr, data.status, data.overdue
    choices = [
        InlineKeyboardButton(
            tr.t("inbox.btn_all_categories"),
            callback_data=ViewButton(status, 0, overdue, 1).pack(),
        )
    ] + [
        InlineKeyboardButton(
            context.fmt.shorten(c.name(context.lang), 40),
            callback_data=ViewButton(status, c.id, overdue, 1).pack(),
        )
        for c in context.services.directory.categories
    ]
    await query.answer()
    with suppress(BadRequest):
        await query.edit_message_reply_markup(keyboard(*rows(choices, 2)))


async def view_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ViewButton
) -> None:
    status, category, overdue, page = data.status, data.category, data.overdue, data.page
    known_categories = {0} | {c.id for c in context.services.directory.categories}
    if category not in known_categories:
        await stale(query, context)
        return
    text, markup = await _render(context, status, category, bool(overdue), page)
    chat = update.effective_chat
    if chat is not None and not shown_here(context, chat):
        # Another agency's officer pressing an inbox in a group: theirs goes to them, the
        # group's message stays as it was.
        sent = await _send_privately(context, text, markup)
        await query.answer(
            context.tr.t("inbox.sent_private" if sent else "workflow.open_private"),
            show_alert=not sent,
        )
        return
    await query.answer()
    with suppress(BadRequest):  # the page shown was pressed again: nothing to change
        await query.edit_message_text(text, reply_markup=markup)


COMMANDS = [command("inbox", inbox, needs=Permission.WORK_INBOX)]


def register(application: RounaqApp) -> None:
    application.add_handler(COMMANDS[0].handler())
    application.add_handler(button(CategoryButton, category_button, needs=Permission.WORK_INBOX))
    application.add_handler(button(ViewButton, view_button, needs=Permission.WORK_INBOX))
