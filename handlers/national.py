"""/national: obstacle reports across every province, for a ministry official."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update

from bot.access import Permission
from bot.context import RounaqApp, RounaqContext
from bot.formatting import Presenter, escape, split_message
from bot.i18n import Translator
from bot.services.national import NationalRollup
from bot.views.common import status_label
from handlers.declare import command


def render_rollup(tr: Translator, fmt: Presenter, lang: str, rollup: NationalRollup) -> str:
    """One block per province (reports, past deadline, by status), then the totals."""
    blocks = [tr.t("national.title")]
    for item in rollup.provinces:
        lines = [
            tr.t(
                "national.province_line",
                province=escape(item.province.name(lang)),
                reports=fmt.number(item.total),
                overdue=fmt.number(item.overdue),
            )
        ]
        if item.by_status:
            lines.append(_statuses(tr, fmt, item.by_status))
        blocks.append("\n".join(lines))
    blocks.append(
        tr.t(
            "national.total_line",
            reports=fmt.number(rollup.total),
            overdue=fmt.number(rollup.overdue),
        )
        + ("\n" + _statuses(tr, fmt, rollup.by_status) if rollup.by_status else "")
    )
    return "\n\n".join(blocks)


def _statuses(tr: Translator, fmt: Presenter, by_status: Mapping[str, int]) -> str:
    return fmt.fields(
        *(
            tr.t(
                "national.status_count",
                status=status_label(tr, status, staff=True),
                n=fmt.number(count),
            )
            for status, count in sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0]))
        )
    )


async def national(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    rollup = await context.services.national.report_rollup()
    text = render_rollup(context.tr, context.fmt, context.lang, rollup)
    for chunk in split_message(text):
        await message.reply_text(chunk)


COMMANDS = [command("national", national, needs=Permission.VIEW_NATIONAL)]


def register(application: RounaqApp) -> None:
    application.add_handler(COMMANDS[0].handler())
