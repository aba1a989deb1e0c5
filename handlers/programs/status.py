"""/status: the key programs page by page, one program with its updates, the chart, and an
update's evidence file again."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, Update

from bot.access import Permission, can_update_program
from bot.buttons.programs import OpenButton
from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.text import parse_int
from bot.views.figures import national_programs, program_detail, progress_bars, status_pages
from handlers.declare import command, stale
from handlers.ui import (
    answer_opened,
    chat_id,
    keyboard,
    page_turner,
    pager_row,
    reply_chat,
    rows,
    say,
    send_chart,
    send_chunks,
)


# Viewing (`pg:`); the progress flow's are `pgf:` (progress_steps), the edit flow's `pge:` (edit).
# UpdateButton opens the progress flow from a program's page; OpenButton lives in bot/
# because the digest's program lines carry it too.
class ListButton(CallbackData, prefix="pg:l"):
    page: int


class ChartButton(CallbackData, prefix="pg:c"): ...


class EvidenceButton(CallbackData, prefix="pg:e"):
    update_id: int


class UpdateButton(CallbackData, prefix="pg:u"):
    program_id: int


async def _status_page(context: RounaqContext, page: int) -> tuple[str, Any]:
    services, tr = context.services, context.tr
    programs = await services.programs.all()
    with_lights = [(p, services.programs.light(p)) for p in programs]
    pages = status_pages(tr, context.fmt, services.directory, with_lights)
    page = min(max(page, 1), len(pages))
    # A button per program, on every page: 27 short number buttons are the index.
    numbers = [p.number for p in programs]
    buttons = [
        InlineKeyboardButton(
            tr.t("programs.btn_open", number=context.fmt.plain_int(n)),
            callback_data=OpenButton(n).pack(),
        )
        for n in numbers
    ]
    markup = keyboard(
        *rows(buttons, 7),
        pager_row(tr, ListButton.prefix, page, len(pages)),
        [InlineKeyboardButton(tr.t("programs.btn_chart"), callback_data=ChartButton().pack())]
        if programs
        else [],
    )
    return pages[page - 1], markup


async def status(update: Update, context: RounaqContext) -> None:
    args = context.args or []
    if args:
        number = parse_int(args[0])
        if number is None or not await _send_program(update, context, number):
            await say(update, context, await no_such_program(context, args[0]))
        return
    if context.principal.can(Permission.VIEW_NATIONAL):
        # The ministry: every province's programs in brief; `/status <n>` still opens one
        # of this bot's province.
        services = context.services
        rows = await services.national.across_provinces(services.programs.rollup)
        await say(update, context, national_programs(context.tr, context.fmt, rows))
        return
    text, markup = await _status_page(context, 1)
    await say(update, context, text, markup)


list_button = page_turner(_status_page)


async def no_such_program(context: RounaqContext, asked: str) -> str:
    """The answer to a program number that names none: what was typed, and the numbers
    there are ("no program with that number" read as nonsense after "/status abc")."""
    programs = await context.services.programs.all()
    if not programs:
        return context.tr.t("programs.empty")
    fmt, numbers = context.fmt, [p.number for p in programs]
    return context.tr.t(
        "programs.no_such_program",
        text=fmt.name(fmt.shorten(asked, 40)),
        first=fmt.plain_int(min(numbers)),
        last=fmt.plain_int(max(numbers)),
    )


async def _send_program(update: Update, context: RounaqContext, number: int) -> bool:
    services, tr, fmt = context.services, context.tr, context.fmt
    page = await services.programs.page(number)
    if page is None:
        return False
    today = services.clock.now().astimezone(services.settings.tz).date()
    text = program_detail(tr, fmt, services.directory, page, today)
    buttons: list[list[InlineKeyboardButton]] = []
    if can_update_program(context.principal, page.program.agency_id):
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("programs.btn_update"),
                    callback_data=UpdateButton(page.program.id).pack(),
                )
            ]
        )
    with_evidence = next((u for u in page.updates if u.evidence_file_id), None)
    if with_evidence is not None:
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("programs.btn_evidence"),
                    callback_data=EvidenceButton(with_evidence.id).pack(),
                )
            ]
        )
    buttons.append(
        [InlineKeyboardButton(tr.t("programs.btn_list"), callback_data=ListButton(1).pack())]
    )
    await send_chunks(context, reply_chat(update, context), text, keyboard(*buttons))
    return True


async def open_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: OpenButton
) -> None:
    opened = await _send_program(update, context, data.number)
    await answer_opened(query, context, opened, "programs.not_found")


async def chart_button(
    update: Update, context: RounaqContext, query: CallbackQuery, _: ChartButton
) -> None:
    await query.answer()
    tr, fmt = context.tr, context.fmt
    programs = await context.services.programs.all()
    await send_chart(
        update,
        context,
        tr.t("programs.chart_title"),
        progress_bars(tr, fmt, programs),
        filename="programs.png",
        axis_label=tr.t("programs.chart_axis"),
        limit=110,
    )


async def evidence_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: EvidenceButton
) -> None:
    """Resend an update's evidence file to someone who may see the program."""
    found = await context.services.programs.evidence(data.update_id)
    if found is None:
        await stale(query, context)
        return
    await query.answer()
    kind, file_id = found
    if kind == "photo":
        await context.bot.send_photo(chat_id(update), file_id)
    else:
        await context.bot.send_document(chat_id(update), file_id)


# The programs' figures are for the staff who hold the role: asked in a group, privately.
STATUS = command("status", status, needs=Permission.VIEW_PROGRAMS, answers_privately=True)
