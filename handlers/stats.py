"""/stats of obstacle reports (with a chart) and /export of spreadsheets for officials."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import charts
from bot.access import Permission
from bot.app import START_HOOKS_KEY, STOP_HOOKS_KEY
from bot.container import Services
from bot.context import SERVICES_KEY, RounaqApp, RounaqContext
from bot.exports import Table, to_csv, to_xlsx
from bot.exports_decisions import decision_tables
from bot.menu import MenuCommand
from bot.views_figures import agency_bars, stats_text
from bot.warmup import Warmer
from handlers.common import deny
from handlers.ui import callback, keyboard, parse_callback, send_chunks

COMMANDS = [
    MenuCommand("stats", Permission.VIEW_PROVINCE),
    MenuCommand("export", Permission.VIEW_PROVINCE),
]

PREFIX = "st"
EXPORT = "ex"
WARMER_KEY = "figures_warmer"  # bot_data: the start-up warm-up (transient, bot.persistence)
WHAT = ("reports", "loans", "programs", "decisions")
FORMATS = ("xlsx", "csv")


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None
    return chat.id


async def stats(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.principal.can(Permission.VIEW_PROVINCE):
        await deny(update, context)
        return
    tr = context.tr
    snapshot = await context.services.stats.snapshot()
    markup = (
        keyboard(
            [InlineKeyboardButton(tr.t("stats.btn_chart"), callback_data=callback(PREFIX, "c"))]
        )
        if snapshot.total
        else None
    )
    text = stats_text(tr, context.fmt, context.services.directory, snapshot)
    await send_chunks(context, message.chat_id, text, markup)


async def chart_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    if not context.principal.can(Permission.VIEW_PROVINCE):
        await deny(update, context)
        return
    await query.answer()
    tr, fmt = context.tr, context.fmt
    snapshot = await context.services.stats.snapshot()
    bars = agency_bars(tr, fmt, context.services.directory, snapshot)
    png = await asyncio.to_thread(
        charts.horizontal_bars,
        fmt,
        tr.t("stats.chart_title"),
        bars,
        axis_label=tr.t("stats.chart_axis"),
        counts=True,
    )
    await context.bot.send_photo(
        _chat_id(update),
        InputFile(png, filename="reports-by-agency.png"),
        caption=tr.t("stats.chart_title"),
    )


async def export(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.principal.can(Permission.VIEW_PROVINCE):
        await deny(update, context)
        return
    tr = context.tr
    buttons = [
        [
            InlineKeyboardButton(
                tr.t(f"stats.btn_{what}_{fmt}"), callback_data=callback(EXPORT, what, fmt)
            )
            for fmt in FORMATS
        ]
        for what in WHAT
    ]
    await message.reply_text(tr.t("stats.export_choose"), reply_markup=keyboard(*buttons))


async def export_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    args = parse_callback(query.data, EXPORT, 2)
    if args is None or args[0] not in WHAT or args[1] not in FORMATS:
        await query.answer(context.tr.t("common.stale_button"), show_alert=True)
        return
    # Unit-level loan rows and reports are for province staff only, however the button came.
    if not context.principal.can(Permission.VIEW_PROVINCE):
        await deny(update, context)
        return
    what, file_format = args
    await query.answer()
    tr, fmt, exporter = context.tr, context.fmt, context.services.exporter
    await context.bot.send_chat_action(_chat_id(update), ChatAction.UPLOAD_DOCUMENT)
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
    stamp = now.astimezone(context.services.settings.tz).strftime("%Y%m%d-%H%M")
    caption = tr.t("stats.export_caption", what=tr.t(f"stats.what_{what}"), when=fmt.datetime(now))
    if truncated:
        caption += "\n" + tr.t("stats.export_truncated", count=len(tables[0].rows))
    await context.bot.send_document(
        _chat_id(update),
        InputFile(data, filename=f"rounaq-{what}-{stamp}.{file_format}"),
        caption=caption,
    )


async def _warm(services: Services) -> None:
    # /stats needs no warming (it reads the figures kept on write); the loans overview is
    # cached per import, so the first /loans after a restart is served from memory.
    await services.loans.overview()


async def _on_start(application: RounaqApp) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    if services.settings.warm_figures_on_start:
        warmer = Warmer(lambda: _warm(services))
        application.bot_data[WARMER_KEY] = warmer
        warmer.start()


async def _on_stop(application: RounaqApp) -> None:
    warmer = application.bot_data.get(WARMER_KEY)
    if isinstance(warmer, Warmer):
        await warmer.stop()


def register(application: RounaqApp) -> None:
    application.bot_data.setdefault(START_HOOKS_KEY, []).append(_on_start)
    application.bot_data.setdefault(STOP_HOOKS_KEY, []).append(_on_stop)
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(CommandHandler("export", export))
    application.add_handler(CallbackQueryHandler(chart_button, pattern=rf"^{PREFIX}:c$"))
    application.add_handler(CallbackQueryHandler(export_button, pattern=rf"^{EXPORT}:"))
