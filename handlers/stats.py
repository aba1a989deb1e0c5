"""/stats of obstacle reports (with a chart) and /export of spreadsheets for officials."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, InlineKeyboardButton, InputFile, Update
from telegram.constants import ChatAction

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.container import Services
from bot.context import RounaqApp, RounaqContext
from bot.exports.decisions import decision_tables
from bot.exports.tables import Table, to_csv, to_xlsx
from bot.state import runtime_of
from bot.views.figures import agency_bars, stats_text
from bot.warmup import Warmer
from handlers.declare import button, command
from handlers.ui import chat_id, keyboard, say, send_chart

WHAT = ("reports", "loans", "programs", "decisions")
FORMATS = ("xlsx", "csv")


class ChartButton(CallbackData, prefix="st:c"):
    """The chart under /stats."""


class ExportButton(CallbackData, prefix="ex"):
    what: str
    format: str

    def valid(self) -> bool:
        return self.what in WHAT and self.format in FORMATS


async def stats(update: Update, context: RounaqContext) -> None:
    tr = context.tr
    snapshot = await context.services.stats.snapshot()
    markup = (
        keyboard(
            [InlineKeyboardButton(tr.t("stats.btn_chart"), callback_data=ChartButton().pack())]
        )
        if snapshot.total
        else None
    )
    text = stats_text(tr, context.fmt, context.services.directory, snapshot)
    await say(update, context, text, markup)


async def chart_button(
    update: Update, context: RounaqContext, query: CallbackQuery, _: ChartButton
) -> None:
    await query.answer()
    tr, fmt = context.tr, context.fmt
    snapshot = await context.services.stats.snapshot()
    bars = agency_bars(tr, fmt, context.services.directory, snapshot)
    await send_chart(
        update,
        context,
        tr.t("stats.chart_title"),
        bars,
        filename="reports-by-agency.png",
        axis_label=tr.t("stats.chart_axis"),
        counts=True,
    )


async def export(update: Update, context: RounaqContext) -> None:
    tr = context.tr
    buttons = [
        [
            InlineKeyboardButton(
                tr.t(f"stats.btn_{what}_{fmt}"), callback_data=ExportButton(what, fmt).pack()
            )
            for fmt in FORMATS
        ]
        for what in WHAT
    ]
    await say(update, context, tr.t("stats.export_choose"), keyboard(*buttons))


async def export_button(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: ExportButton
) -> None:
    what, file_format = pressed.what, pressed.format
    await query.answer()
    tr, fmt, exporter = context.tr, context.fmt, context.services.exporter
    await context.bot.send_chat_action(chat_id(update), ChatAction.UPLOAD_DOCUMENT)
    truncated = False
    tables: list[Table]
    if what == "reports":
        tables, truncated = await exporter.reports(tr, fmt)
    elif what == "loans":
        tables = await exporter.loans(tr, fmt)
    elif what == "decisions":
        services = context.services
        tables = await decision_tables(
            services.database,
            services.directory,
            services.compliance,
            tr,
            fmt,
            services.clock.now(),
        )
    else:
        tables = await exporter.programs(tr, fmt)
    if file_format == "xlsx":
        data = await asyncio.to_thread(to_xlsx, tables, rtl=fmt.is_fa)
    else:
        data = to_csv(tables[0])
    now = context.services.clock.now()
    stamp = now.astimezone(context.settings.tz).strftime("%Y%m%d-%H%M")
    caption = tr.t("stats.export_caption", what=tr.t(f"stats.what_{what}"), when=fmt.datetime(now))
    if truncated:
        caption += "\n" + tr.t("stats.export_truncated", count=len(tables[0].rows))
    await context.bot.send_document(
        chat_id(update),
        InputFile(data, filename=f"rounaq-{what}-{stamp}.{file_format}"),
        caption=caption,
    )


async def _warm(services: Services) -> None:
    # /stats needs no warming (it reads the figures kept on write); the loans overview is
    # cached per import, so the first /loans after a restart is served from memory.
    await services.loans.overview()


async def _on_start(application: RounaqApp) -> None:
    runtime = runtime_of(application)
    services = runtime.services
    if runtime.settings.warm_figures_on_start:
        runtime.warmer = Warmer(lambda: _warm(services))
        runtime.warmer.start()


async def _on_stop(application: RounaqApp) -> None:
    warmer = runtime_of(application).warmer
    if warmer is not None:
        await warmer.stop()


# The figures and the files (unit-level rows) are for province staff: asked in a group,
# they go to the asker's private chat.
COMMANDS = [
    command("stats", stats, needs=Permission.VIEW_PROVINCE, answers_privately=True),
    command("export", export, needs=Permission.VIEW_PROVINCE, answers_privately=True),
]


def register(application: RounaqApp) -> None:
    runtime = runtime_of(application)
    runtime.start_hooks.append(_on_start)
    runtime.stop_hooks.append(_on_stop)
    for item in COMMANDS:
        application.add_handler(item.handler())
    application.add_handler(button(ChartButton, chart_button, needs=Permission.VIEW_PROVINCE))
    # Unit-level loan rows and reports are for province staff only, however the button came.
    application.add_handler(button(ExportButton, export_button, needs=Permission.VIEW_PROVINCE))
