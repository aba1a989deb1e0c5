"""/compliance: the HQ decisions' compliance board per agency, worst first, with a chart.

Buttons: `BoardPeriod` (`cp:p:<period>`, the board for a Jalali month, season or year)
and `BoardChart` (`cp:c:<period>`, its chart). The secretariat sees it too: its role
holds VIEW_PROVINCE.
"""

from __future__ import annotations

from contextlib import suppress

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.charts import Bar
from bot.context import RounaqApp, RounaqContext
from bot.formatting import Presenter, escape, split_message
from bot.i18n import Translator
from bot.services.compliance import PERIODS, AgencyCompliance, Period
from bot.services.directory import Directory
from handlers.declare import button, command
from handlers.ui import keyboard, say, send_chart, send_chunks

DEFAULT_PERIOD = "year"


class OnPeriod(CallbackData):
    """The board over one of its periods (the shape of its two kinds, not a kind itself)."""

    period: str

    def valid(self) -> bool:
        return self.period in PERIODS


class BoardPeriod(OnPeriod, prefix="cp:p"): ...


class BoardChart(OnPeriod, prefix="cp:c"): ...


def period_label(tr: Translator, fmt: Presenter, period: Period) -> str:
    if period.kind == "month":
        return fmt.month_year(period.year, period.index)
    if period.kind == "season":
        return tr.t(f"sessions.season_{period.index}", year=fmt.plain_int(period.year))
    return tr.t("sessions.year", year=fmt.plain_int(period.year))


def board_text(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    period: Period,
    lines: list[AgencyCompliance],
) -> str:
    parts = [tr.t("sessions.board_title", period=period_label(tr, fmt, period))]
    if not lines:
        parts.append(tr.t("sessions.board_empty"))
    for line in lines:
        parts.append(
            tr.t(
                "sessions.board_line",
                agency=escape(directory.agency(line.agency_id).name(fmt.lang)),
                share=fmt.percent(line.share),
                done=fmt.number(line.implemented),
                assigned=fmt.number(line.assigned),
                on_time=fmt.number(line.on_time),
                late=fmt.number(line.late),
                overdue=fmt.number(line.overdue),
                objected=fmt.number(line.objected),
                upheld=fmt.number(line.upheld),
                median=(
                    fmt.number(line.median_days, 1)
                    if line.median_days is not None
                    else tr.t("sessions.none")
                ),
            )
        )
    return "\n\n".join(parts)


def _buttons(context: RounaqContext, current: str, charted: bool) -> InlineKeyboardMarkup | None:
    """The periods, and the chart when the period has a decision to draw (an empty chart is
    a picture of nothing)."""
    tr = context.tr
    periods = [
        InlineKeyboardButton(
            ("• " if kind == current else "") + tr.t(f"sessions.period_{kind}"),
            callback_data=BoardPeriod(kind).pack(),
        )
        for kind in PERIODS
    ]
    chart = InlineKeyboardButton(
        tr.t("sessions.btn_chart"), callback_data=BoardChart(current).pack()
    )
    return keyboard(periods, [chart] if charted else [])


async def _board(context: RounaqContext, kind: str) -> tuple[Period, list[AgencyCompliance], str]:
    period, lines = await context.services.compliance.board(context.principal, kind)
    text = board_text(context.tr, context.fmt, context.services.directory, period, lines)
    return period, lines, text


async def compliance(update: Update, context: RounaqContext) -> None:
    _, lines, text = await _board(context, DEFAULT_PERIOD)
    await say(update, context, text, _buttons(context, DEFAULT_PERIOD, bool(lines)))


async def period_button(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: BoardPeriod
) -> None:
    kind = pressed.period
    _, lines, text = await _board(context, kind)
    await query.answer()
    if len(split_message(text)) > 1:  # more than one message holds: sent anew, in parts
        chat = update.effective_chat
        assert chat is not None
        await send_chunks(context, chat.id, text, _buttons(context, kind, bool(lines)))
        return
    with suppress(BadRequest):  # the same period pressed twice
        await query.edit_message_text(text, reply_markup=_buttons(context, kind, bool(lines)))


async def chart_button(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: BoardChart
) -> None:
    tr, fmt = context.tr, context.fmt
    period, lines, _ = await _board(context, pressed.period)
    if not lines:  # an older board's chart button, pressed once its period had no decision
        await query.answer(tr.t("sessions.board_empty"), show_alert=True)
        return
    await query.answer()
    directory = context.services.directory
    bars = [
        Bar(
            directory.agency(line.agency_id).name(fmt.lang),
            line.share * 100,
            fmt.percent(line.share),
        )
        for line in lines
    ]
    title = tr.t("sessions.chart_title", period=period_label(tr, fmt, period))
    await send_chart(update, context, title, bars, limit=100)


# The board names the agencies behind on the HQ's decisions: for officials, not a group.
COMMANDS = [
    command("compliance", compliance, needs=Permission.VIEW_PROVINCE, answers_privately=True)
]


def register(application: RounaqApp) -> None:
    for item in COMMANDS:
        application.add_handler(item.handler())
    application.add_handler(button(BoardPeriod, period_button, needs=Permission.VIEW_PROVINCE))
    application.add_handler(button(BoardChart, chart_button, needs=Permission.VIEW_PROVINCE))
