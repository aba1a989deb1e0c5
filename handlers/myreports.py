"""/myreports: the owner's reports, paged; opening one shows its history. Tracking-number lookup.

Callback data: `my:p:<page>`, `my:o:<report>` (open), `my:f:<report>` (send its files).
Opening and the files are for whoever `can_view_report` (owner, agency, HQ, officials):
checked by the report service on every press, never trusted from the button.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import MessageHandler, filters

from bot.access import Permission, ReportScope, report_scope

# The kinds live below handlers/ (many features put them on their messages); OpenButton is
# imported from here by those that read it as /myreports' own.
from bot.buttons.reports import FilesButton, FullTextButton, OnReport, PageButton
from bot.buttons.reports import OpenButton as OpenButton
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape, split_message
from bot.services.reports import ReportView
from bot.text import format_tracking_number, parse_tracking_number
from bot.views.common import report_list_line, report_with_history, tracking_number
from handlers import drafts, registration
from handlers.card import answered_no, report_keyboard
from handlers.declare import button, command, stale
from handlers.start import RESUME_REGISTER, RESUME_REPORT, menu_buttons
from handlers.ui import (
    answer_opened,
    keyboard,
    message_of,
    page_turner,
    pager_row,
    send_chunks,
    show_page,
)
from storage.dto import ReportDTO

PAGE_SIZE = 5


async def _render_page(
    context: RounaqContext, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt, directory = context.tr, context.fmt, context.services.directory
    result = await context.services.reports.owner_page(context.principal.user_id, page, PAGE_SIZE)
    # A report still being written is not in the list yet: say so, with the way back to it
    # (the report button asks whether to continue it or start over).
    drafting = "report" in drafts.open_flows(context.user_data)
    if not result.total:
        text = tr.t("myreports.empty")
        if drafting:
            text += "\n\n" + tr.t("myreports.draft_open")
            label, data = tr.t("report.btn_resume"), RESUME_REPORT
        elif await context.services.units.of_owner(context.principal.user_id):
            label, data = tr.t("start.btn_report"), "menu:report"
        elif registration.DRAFT.held(context) is not None:
            # Registering one now: "register a unit" would begin it again.
            label, data = tr.t("registration.btn_resume"), RESUME_REGISTER
        else:
            # Without a unit a report cannot begin: the way there is registering one.
            label, data = tr.t("start.btn_register"), "menu:register"
        return text, keyboard([InlineKeyboardButton(label, callback_data=data)])
    lines = [tr.plural("myreports.title", result.total)]
    buttons = []
    for report in result.items:
        lines.append(report_list_line(tr, fmt, directory, report))
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("myreports.btn_open_number", number=tracking_number(fmt, report)),
                    callback_data=OpenButton(report.id).pack(),
                )
            ]
        )
    buttons.append(pager_row(tr, PageButton, result.page, result.pages))
    if drafting:
        lines.append(tr.t("myreports.draft_open"))
        buttons.append(
            [InlineKeyboardButton(tr.t("report.btn_resume"), callback_data=RESUME_REPORT)]
        )
    return "\n\n".join(lines), keyboard(*buttons)


async def my_reports(update: Update, context: RounaqContext) -> None:
    await show_page(update, context, _render_page)


page_button = page_turner(_render_page)


async def menu_button(update: Update, context: RounaqContext) -> None:
    if update.callback_query is not None:  # a shortcut's press
        await update.callback_query.answer()
    text, markup = await _render_page(context, 1)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, reply_markup=markup)


def card_chat(context: RounaqContext, chat: Chat, report: ReportDTO) -> int:
    """Where this report's card (the owner's phone, the description, notes) may go: the
    chat it was asked from when that is a private chat or the report's agency's own group.
    Any other group (another agency's, a mixed one) is no place for it: it goes to whoever
    asked, privately."""
    if chat.type == Chat.PRIVATE:
        return chat.id
    if chat.id == context.services.directory.agency(report.agency_id).group_chat_id:
        return chat.id
    return context.principal.user_id


async def show_report(update: Update, context: RounaqContext, report_id: int) -> int | None:
    """Send the report with its history if this user may see it: the chat it went to
    (`card_chat`), or None when there was nothing for them to see."""
    view = await context.services.reports.view(context.principal, report_id)
    chat = update.effective_chat
    if view is None or chat is None:
        return None
    tr, report = context.tr, view.report
    staff = context.principal.user_id != report.owner_id
    text = report_with_history(tr, context.fmt, context.services.directory, view, staff=staff)
    # The buttons go under the last part: what this person can do with the report now. A
    # card in one message is redrawn in place by an action (handlers/actions).
    whole = len(split_message(text)) == 1
    markup = await report_keyboard(context, report, card=whole, tracking=view.tracking)
    target = card_chat(context, chat, report)
    await send_chunks(context, target, text, markup)
    return target


ReportPress = Callable[[RounaqContext, CallbackQuery, ReportView, int], Coroutine[Any, Any, None]]


def pressed_report(
    body: ReportPress,
) -> Callable[[Update, RounaqContext, CallbackQuery, OnReport], Coroutine[Any, Any, None]]:
    """A button about one report: `body` gets the report as this person may see it and the
    chat to send to. A report they may not see is answered "not found", as a gone one is."""

    @functools.wraps(body)
    async def run(
        update: Update, context: RounaqContext, query: CallbackQuery, data: OnReport
    ) -> None:
        view = await context.services.reports.view(context.principal, data.report_id)
        chat = update.effective_chat
        if view is None or chat is None:
            await query.answer(context.tr.t(not_found_key(context)), show_alert=True)
            return
        await body(context, query, view, card_chat(context, chat, view.report))

    return run


@pressed_report
async def files_button(
    context: RounaqContext, query: CallbackQuery, view: ReportView, chat_id: int
) -> None:
    """Send the report's photos, videos and documents again, by their Telegram file ids."""
    tr = context.tr
    if not view.attachments:
        # The button is shown only for a report with files: this one was forged.
        await stale(query, context)
        return
    await query.answer()
    number = tracking_number(context.fmt, view.report)
    total = context.fmt.number(len(view.attachments))
    for i, file in enumerate(view.attachments, start=1):
        caption = tr.t("myreports.file_caption", number=number, i=context.fmt.number(i), n=total)
        await _send_file(context, chat_id, file.kind, file.file_id, caption)


async def _send_file(
    context: RounaqContext, chat_id: int, kind: str, file_id: str, caption: str
) -> None:
    """A report's file sent again by its file id, by the method of its kind: Telegram
    refuses a video's id where a document's is expected."""
    bot = context.bot
    if kind == "photo":
        await bot.send_photo(chat_id, file_id, caption=caption)
    elif kind == "video":
        await bot.send_video(chat_id, file_id, caption=caption)
    elif kind == "animation":
        await bot.send_animation(chat_id, file_id, caption=caption)
    elif kind == "video_note":
        # A round video takes no caption: which report it belongs to comes first.
        await bot.send_message(chat_id, caption)
        await bot.send_video_note(chat_id, file_id)
    else:
        await bot.send_document(chat_id, file_id, caption=caption)


@pressed_report
async def full_text_button(
    context: RounaqContext, query: CallbackQuery, view: ReportView, chat_id: int
) -> None:
    """The whole description, however long, in as many messages as it takes."""
    await query.answer()
    report = view.report
    header = context.tr.t(
        "myreports.full_text_title",
        number=tracking_number(context.fmt, report),
        length=context.fmt.number(len(report.description)),
    )
    await send_chunks(context, chat_id, header + "\n\n" + escape(report.description))


async def open_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: OpenButton
) -> None:
    try:
        opened = await show_report(update, context, data.report_id)
    except Forbidden:  # sent privately to someone who never opened a chat with the bot
        await query.answer(context.tr.t("workflow.open_private"), show_alert=True)
        return
    chat = update.effective_chat
    if opened is not None and chat is not None and opened != chat.id:
        await query.answer(context.tr.t("myreports.sent_private"))
    else:
        await answer_opened(query, context, opened is not None, not_found_key(context))
    await answered_no(context, query, data.report_id)


async def lookup_number(update: Update, context: RounaqContext) -> None:
    """A message that is just a tracking number opens that report, if it is the user's to see."""
    message = message_of(update)
    assert message.text is not None
    number = parse_tracking_number(message.text)
    if number is None:
        # Digits that are not a tracking number (a phone, a year, "12345"): say what one
        # looks like rather than nothing.
        example = context.fmt.digits(format_tracking_number(1405, 1))
        await message.reply_text(
            context.tr.t("myreports.not_a_number", example=example),
            reply_markup=keyboard(*menu_buttons(context, with_help=True)),
        )
        return
    await open_named(update, context, [number])


async def open_named(
    update: Update, context: RounaqContext, numbers: list[tuple[int, int]]
) -> None:
    """The reports these tracking numbers name (a bare number, or those written in a
    sentence: handlers/fallback), under one rule: one this person may see is opened; of
    several, theirs are offered one button each; a number they may not see is answered as
    one that does not exist, and is not offered."""
    message = message_of(update)
    found: dict[int, ReportView] = {}
    for number in numbers:
        view = await context.services.reports.find_by_number(context.principal, number)
        if view is not None:
            found.setdefault(view.report.id, view)
    views = list(found.values())
    if len(views) == 1 and await show_report(update, context, views[0].report.id) is not None:
        return
    if len(views) > 1:
        fmt = context.fmt
        await message.reply_text(
            context.tr.t("myreports.several_numbers"),
            reply_markup=keyboard(
                *(
                    [
                        InlineKeyboardButton(
                            context.tr.t(
                                "myreports.btn_open_number", number=tracking_number(fmt, v.report)
                            ),
                            callback_data=OpenButton(v.report.id).pack(),
                        )
                    ]
                    for v in views
                )
            ),
        )
        return
    # Staff looking up a number are at work: the owner's shortcuts are not what they came for.
    own = report_scope(context.principal) is ReportScope.OWN
    await message.reply_text(
        context.tr.t(not_found_key(context)),
        reply_markup=keyboard(*menu_buttons(context, with_help=True, owner_shortcuts=own)),
    )


def not_found_key(context: RounaqContext) -> str:
    """A number this person may not open is answered as one that does not exist, in the
    words of what they may open: their reports, their agency's, or the province's."""
    scope = report_scope(context.principal)
    return "myreports.not_found" if scope is ReportScope.OWN else f"myreports.not_found_{scope}"


# A bare number: digits in any script, in one group or two (either order) with an optional
# separator, nothing else of note. Not a tracking number gets a hint, not silence. Bidi marks
# and isolates around it come with a number copied from the bot's messages.
_DIGITS = "[0-9۰-۹٠-٩]{1,8}"
_MARKS = "\\s\u200e\u200f\u2066-\u2069"
TRACKING_TEXT = filters.Regex(
    rf"^[{_MARKS}]*#?\s*{_DIGITS}(?:\s*[-‐–/_ ]?\s*{_DIGITS})?[{_MARKS}]*$"
)


COMMANDS = [
    command(
        "myreports",
        my_reports,
        needs=Permission.VIEW_OWN_REPORTS,
        private=True,
    )
]


def register(application: RounaqApp) -> None:
    application.add_handler(COMMANDS[0].handler())
    application.add_handler(COMMANDS[0].shortcut(r"^menu:myreports$", menu_button))
    application.add_handler(button(PageButton, page_button, needs=Permission.VIEW_OWN_REPORTS))
    # Opening and the files: the report service decides who may see the report.
    application.add_handler(button(OpenButton, open_button))
    application.add_handler(button(FilesButton, files_button))
    application.add_handler(button(FullTextButton, full_text_button))
    application.add_handler(
        # Private chats only: in an agency group, people type numbers to each other.
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & TRACKING_TEXT,
            lookup_number,
        )
    )
