"""/loans: production-boom facilities against the quota; admins import banks' spreadsheets."""

from __future__ import annotations

from typing import Any, Literal

import jdatetime
from telegram import CallbackQuery, InlineKeyboardButton, Update
from telegram.ext import MessageHandler, filters

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import split_message
from bot.services.loans import DIMENSIONS, LoanOverview
from bot.text import parse_int
from bot.views.figures import (
    import_summary,
    loan_bars,
    loans_breakdown,
    loans_summary,
    national_loans,
)
from handlers.declare import button, command, guarded
from handlers.ui import keyboard, message_of, rows, say, send_chart

VIEWS = ("sum", *DIMENSIONS)
UNITS = {"r": "rial", "t": "toman"}
CHART_DIMENSIONS = ("bank", "month")
Unit = Literal["rial", "toman"]


class ViewButton(CallbackData, prefix="ln"):
    view: str
    unit: str
    year: int

    def valid(self) -> bool:
        return self.view in VIEWS and self.unit in UNITS


class ChartButton(CallbackData, prefix="lnc"):
    dimension: str
    unit: str
    year: int

    def valid(self) -> bool:
        return self.dimension in CHART_DIMENSIONS and self.unit in UNITS


def _unit(code: str) -> Unit:
    return "toman" if code == "t" else "rial"


def _markup(context: RounaqContext, overview: LoanOverview, view: str, unit_code: str) -> Any:
    tr, year = context.tr, overview.year or 0
    dimension_buttons = [
        InlineKeyboardButton(
            ("• " if view == d else "") + tr.t(f"loans.dim.{d}"),
            callback_data=ViewButton(d, unit_code, year).pack(),
        )
        for d in DIMENSIONS
    ]
    other_unit = "t" if unit_code == "r" else "r"
    # No "summary" on the summary itself: pressed there, it answered with nothing new.
    summary = (
        []
        if view == "sum"
        else [
            InlineKeyboardButton(
                tr.t("loans.btn_summary"), callback_data=ViewButton("sum", unit_code, year).pack()
            )
        ]
    )
    controls = [
        *summary,
        InlineKeyboardButton(
            tr.t("loans.btn_toman" if unit_code == "r" else "loans.btn_rial"),
            callback_data=ViewButton(view, other_unit, year).pack(),
        ),
    ]
    chart_buttons = [
        InlineKeyboardButton(
            tr.t(f"loans.btn_chart_{d}"), callback_data=ChartButton(d, unit_code, year).pack()
        )
        for d in CHART_DIMENSIONS
    ]
    years = [
        InlineKeyboardButton(
            context.fmt.plain_int(y), callback_data=ViewButton(view, unit_code, y).pack()
        )
        for y in overview.years
        if y != overview.year
    ][-4:]
    if not overview.all_count:
        return keyboard(controls, years)
    return keyboard(*rows(dimension_buttons, 3), controls, chart_buttons, years)


def _render(context: RounaqContext, overview: LoanOverview, view: str, unit_code: str) -> str:
    tr, fmt, directory = context.tr, context.fmt, context.services.directory
    unit = _unit(unit_code)
    if view == "sum" or overview.year is None:
        return loans_summary(tr, fmt, overview, unit)
    return loans_breakdown(tr, fmt, directory, overview, view, unit)


# A Gregorian year typed (an English user's "2019") is the Jalali year that starts in it.
GREGORIAN_OFFSET = 621


def loans_year(arg: str, this_year: int) -> int | None:
    """The Jalali year asked for; None (the latest) for what cannot be one."""
    year = parse_int(arg)
    if year is not None and 1900 <= year <= 2200:
        year -= GREGORIAN_OFFSET
    elif year is not None and 0 <= year <= 99 and len(arg.strip()) == 2:
        # "۹۸" is how 1398 is said and written ("سال ۹۸"); "۰۵" is 1405. Figures are of
        # years gone by: "۴۹" is 1349, not a 1449 still to come.
        year += 1400 if 1400 + year <= this_year else 1300
    if year is None or not 1300 <= year <= 1600:
        return None
    return year


async def loans(update: Update, context: RounaqContext) -> None:
    asked = context.args[0] if context.args else ""
    year = loans_year(asked, _this_year(context)) if asked else None
    # What is not a year: the latest is shown, and the reader is told so rather than left
    # to take it for the year they typed.
    unread = asked if asked and year is None else ""
    if context.principal.can(Permission.VIEW_NATIONAL):
        await _national(update, context, year, unread)
        return
    overview = await context.services.loans.overview(year)
    text = _not_a_year(context, unread, overview.year) + _render(context, overview, "sum", "r")
    await say(update, context, text, _markup(context, overview, "sum", "r"))


def _this_year(context: RounaqContext) -> int:
    """The Jalali year it is in Tehran."""
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    return int(jdatetime.date.fromgregorian(date=today).year)


def _not_a_year(context: RounaqContext, unread: str, shown_year: int | None) -> str:
    """The line above the figures when `unread` (an argument that is no year) was given."""
    if not unread:
        return ""
    fmt = context.fmt
    example = fmt.plain_int(shown_year or _this_year(context))
    shown = fmt.name(fmt.shorten(unread, 40))
    return context.tr.t("loans.not_a_year", text=shown, example=example) + "\n\n"


async def _national(update: Update, context: RounaqContext, year: int | None, unread: str) -> None:
    """The ministry: every province's quota and figures for one year (the latest any
    province has, unless asked), each source on its own line, and the total."""
    services = context.services
    national, loans_ = services.national, services.loans
    if year is None:
        latest = await national.across_provinces(lambda p: loans_.overview(province_id=p.id))
        year = max((o.year for _, o in latest if o.year is not None), default=None)
    rows = await national.across_provinces(lambda p: loans_.overview(year, province_id=p.id))
    text = _not_a_year(context, unread, year) + national_loans(context.tr, context.fmt, year, rows)
    await say(update, context, text)


async def view_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ViewButton
) -> None:
    view, unit_code, year = data.view, data.unit, data.year
    await query.answer()
    overview = await context.services.loans.overview(year or None)
    text = split_message(_render(context, overview, view, unit_code))[0]
    await query.edit_message_text(text, reply_markup=_markup(context, overview, view, unit_code))


async def chart_button(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ChartButton
) -> None:
    dimension, unit_code, year = data.dimension, data.unit, data.year
    tr, fmt = context.tr, context.fmt
    overview = await context.services.loans.overview(year or None)
    shares = overview.breakdown(dimension)
    if not shares or overview.year is None:
        await query.answer(tr.t("loans.chart_empty"), show_alert=True)
        return
    await query.answer()
    unit = _unit(unit_code)
    bars = loan_bars(tr, fmt, context.services.directory, shares, dimension, unit)
    title = tr.t(f"loans.chart_{dimension}_title", year=fmt.plain_int(overview.year))
    axis = tr.t(f"loans.chart_unit_{unit}")
    await send_chart(
        update,
        context,
        title,
        bars,
        filename=f"loans-{dimension}.png",
        vertical=dimension == "month",
        axis_label=axis,
    )


# --- importing ----------------------------------------------------------------------------


async def import_help(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(context.tr.t("loans.import_help"))


async def loans_file(update: Update, context: RounaqContext) -> None:
    """An admin sends a bank's CSV or XLSX: all rows are imported, or none."""
    message = message_of(update)
    assert message.document is not None
    tr, document = context.tr, message.document
    if (document.file_size or 0) > context.settings.max_upload_bytes:
        await message.reply_text(tr.t("loans.import_too_big"))
        return
    name = document.file_name or "loans.xlsx"
    await message.reply_text(tr.t("loans.import_working", name=context.fmt.name(name)))
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    result = await context.services.loans.import_file(
        data, name, imported_by=context.principal.user_id
    )
    for chunk in split_message(import_summary(context.tr, context.fmt, result)):
        await message.reply_text(chunk)
    if result.imported:
        overview = await context.services.loans.overview()
        await message.reply_text(
            _render(context, overview, "sum", "r"),
            reply_markup=_markup(context, overview, "sum", "r"),
        )


SPREADSHEETS = (
    filters.Document.FileExtension("csv")
    | filters.Document.FileExtension("xlsx")
    | filters.Document.FileExtension("xlsm")
)


# The facilities' figures are for province staff: asked in a group, privately.
COMMANDS = [
    command("loans", loans, needs=Permission.VIEW_PROVINCE, answers_privately=True),
    command("importloans", import_help, needs=Permission.IMPORT_LOANS, in_menu=False),
]


def register(application: RounaqApp) -> None:
    for item in COMMANDS:
        application.add_handler(item.handler())
    # Buttons can be forwarded or replayed: the permission is checked on every press.
    application.add_handler(button(ViewButton, view_button, needs=Permission.VIEW_PROVINCE))
    application.add_handler(button(ChartButton, chart_button, needs=Permission.VIEW_PROVINCE))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & SPREADSHEETS,
            guarded(loans_file, Permission.IMPORT_LOANS),
        )
    )
