"""Telling people about reports: the agency on arrival (officers and the agency's group)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import RounaqContext
from bot.formatting import Presenter, escape
from bot.i18n import get_translator
from bot.services.reports import Submission
from bot.views import report_card
from handlers.ui import callback, keyboard

log = logging.getLogger(__name__)


async def send_safely(context: RounaqContext, chat_id: int, text: str, **kwargs: object) -> bool:
    """Send one notification; a blocked user is marked, never retried; False if not delivered."""
    try:
        await context.bot.send_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
    except Forbidden:
        if chat_id > 0:
            await context.services.users.mark_blocked(chat_id)
        log.info("chat %s blocked the bot; marked", chat_id)
        return False
    except BadRequest as exc:
        log.warning("could not notify chat %s: %s", chat_id, exc)
        return False
    except TelegramError as exc:
        log.warning("could not notify chat %s: %s", chat_id, exc)
        return False
    return True


async def notify_agency_of_new_report(context: RounaqContext, submission: Submission) -> int:
    """Post the new report to the agency's officers and group; returns how many got it."""
    services = context.services
    agency = submission.agency
    recipients: list[tuple[int, str]] = []
    for officer in await services.users.officers(agency.id):
        recipients.append((officer.id, officer.language or services.settings.default_language))
    if agency.group_chat_id is not None:
        recipients.append((agency.group_chat_id, services.settings.default_language))
    delivered = 0
    for chat_id, lang in recipients:
        tr = get_translator(lang)
        fmt = Presenter(lang=lang, tz=services.settings.tz)
        text = (
            tr.t("agency.new_report", agency=escape(agency.name(lang)))
            + "\n\n"
            + report_card(tr, fmt, services.directory, submission.report)
        )
        markup = keyboard(
            [
                InlineKeyboardButton(
                    tr.t("agency.btn_open"), callback_data=callback("my", "o", submission.report.id)
                )
            ]
        )
        if await send_safely(context, chat_id, text, reply_markup=markup):
            delivered += 1
    if not recipients:
        log.warning(
            "agency %s has no officers or group: report %s waits unseen",
            agency.code,
            submission.report.id,
        )
    return delivered
