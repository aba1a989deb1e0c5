"""Telling people about reports: the agency on arrival, and every `Notice` the workflow emits.

Each recipient gets the message in their own language, with the tracking number and a
button to open the report (plus the buttons that answer it: answer a question, say
whether the obstacle is removed, object to or implement a decision). The words are
bot/views/notify.py's; the buttons are their features' kinds (bot/buttons/).

Nothing here sends: the messages are rendered now and queued in the outbox, with the
update's done mark or in a job's own transaction, and sent after that commit (bot.outbox).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.access import ReportAction
from bot.buttons.hq import AgendaHome, Implemented, Object, ViewDecision
from bot.buttons.reports import Act, ActOnCard, OpenButton
from bot.context import RounaqContext
from bot.formatting import Presenter
from bot.i18n import Translator, get_translator
from bot.outbox import Outgoing, markup_json
from bot.persistence import DatabasePersistence
from bot.services.reports import Submission
from bot.services.workflow import Audience, Notice, unstaffed_notices
from bot.views.notify import new_report_text, notice_text
from handlers.ui import keyboard
from storage.models import Role

log = logging.getLogger(__name__)


def outgoing(chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Outgoing:
    """One rendered message for the outbox."""
    return Outgoing(chat_id, text, markup_json(markup))


async def post(
    context: RounaqContext, messages: Sequence[Outgoing], *, key: str | None = None
) -> int:
    """Queue messages to people other than the one acting; returns how many.

    While an update is handled they are written with its done mark, keyed by the update:
    handled again, it queues nothing twice. Elsewhere (a job, the API) they are written
    now under `key`, which names what they tell of, so that running the job again after
    a crash queues nothing twice either; without one, they are queued as new.
    """
    if not messages:
        return 0
    persistence = context.application.persistence
    if context.update_id is not None and isinstance(persistence, DatabasePersistence):
        persistence.stage_messages(context.update_id, messages)
        return len(messages)
    outbox = context.runtime.outbox
    if outbox is None:
        raise RuntimeError("the application is built by bot.app.build_application")
    await outbox.add(key or f"once:{uuid.uuid4().hex}", messages)
    return len(messages)


async def notify_agency_of_new_report(
    context: RounaqContext, submission: Submission, *, channel: str | None = None
) -> int:
    """Queue the new report for the agency's officers and group; returns how many messages.

    `channel` names the Open311 channel that filed it, so the agency sees where it came from.
    An agency with nobody in the bot: the report went to the HQ (ReportService.submit),
    so the secretariat gets it, and the admins are told whom the agency lacks.
    """
    key = f"filed:{submission.report.id}"
    if submission.unstaffed:
        return await _notify_unstaffed(context, submission, key)
    if submission.to_hq:
        # The HQ's own kind of obstacle: the secretariat is its agency; nobody lacks anyone.
        notice = Notice(Audience.SECRETARIAT, "direct", submission.report)
        return await deliver(context, [notice], key=key)
    services = context.services
    agency = submission.agency
    # Read with the report when it was filed; everyone here is the responsible agency (its
    # officers, its group): they may call the owner.
    audience = await services.reports.agency_audience(submission)
    default = services.settings.default_language
    recipients = [(o.id, context.language_of(o.id, o.language)) for o in audience.officers]
    if agency.group_chat_id is not None:
        recipients.append((agency.group_chat_id, default))
    messages: list[Outgoing] = []
    contact = audience.contact
    for chat_id, lang in recipients:
        tr = get_translator(lang)
        fmt = Presenter(lang=lang, tz=services.settings.tz)
        text = new_report_text(
            tr,
            fmt,
            services.directory,
            agency,
            submission.report,
            contact=contact,
            channel=channel,
        )
        markup = keyboard(
            [
                # The notice is the report's card: accepting redraws it in place.
                InlineKeyboardButton(
                    tr.t("workflow.btn_acc"),
                    callback_data=ActOnCard(ReportAction.ACCEPT.value, submission.report.id).pack(),
                ),
                InlineKeyboardButton(
                    tr.t("agency.btn_open"), callback_data=OpenButton(submission.report.id).pack()
                ),
            ]
        )
        messages.append(outgoing(chat_id, text, markup))
    if not recipients:
        log.warning(
            "agency %s has no officers or group: report %s waits unseen",
            agency.code,
            submission.report.id,
        )
    return await post(context, messages, key=key)


async def _notify_unstaffed(context: RounaqContext, submission: Submission, key: str) -> int:
    report, agency = submission.report, submission.agency
    log.warning(
        "agency %s has no officers or group: report %s went to the HQ", agency.code, report.id
    )
    return await deliver(context, unstaffed_notices(context.services.directory, report), key=key)


async def _recipients(context: RounaqContext, notice: Notice) -> list[tuple[int, str]]:
    services = context.services
    default = services.settings.default_language
    if notice.recipients is not None:  # read with the action that emitted it
        return [(chat, context.language_of(chat, lang)) for chat, lang in notice.recipients]
    if notice.audience is Audience.OWNER:
        assert notice.report is not None
        owner = await services.users.get(notice.report.owner_id)
        if owner is None or owner.blocked:
            return []
        return [(owner.id, context.language_of(owner.id, owner.language))]
    if notice.audience is Audience.SECRETARIAT:
        return [
            (u.id, context.language_of(u.id, u.language))
            for u in await services.users.holders(Role.SECRETARIAT)
        ]
    if notice.audience is Audience.ADMIN:
        return await services.digest.admin_chats()
    assert notice.agency_id is not None
    people = [
        (u.id, context.language_of(u.id, u.language))
        for u in await services.users.officers(notice.agency_id)
    ]
    group = services.directory.agency(notice.agency_id).group_chat_id
    if group is not None:
        people.append((group, default))
    return people


def followup_buttons(tr: Translator, notice: Notice) -> list[list[InlineKeyboardButton]]:
    """A decision's reminder or overdue mark: the agency reports it implemented; the
    secretariat puts it back on the next session's agenda with one button."""
    from handlers.sessions.buttons import Requeue  # the sessions feature imports this module

    assert notice.decision_id is not None
    assert notice.agency_id is not None
    pair = (notice.decision_id, notice.agency_id)
    if notice.audience is Audience.SECRETARIAT:
        label, data = tr.t("sessions.btn_requeue"), Requeue(*pair).pack()
    else:
        number = Presenter(lang=tr.lang).plain_int(notice.decision_id)
        label, data = tr.t("hq.btn_implemented_n", id=number), Implemented(*pair).pack()
    return [[InlineKeyboardButton(label, callback_data=data)]]


def notice_buttons(tr: Translator, notice: Notice) -> list[list[InlineKeyboardButton]]:
    report = notice.report
    rows: list[list[InlineKeyboardButton]] = []
    if notice.audience is Audience.AGENCY and notice.kind == "decision":
        assert notice.decision_id is not None
        assert notice.agency_id is not None
        rows.append(
            [
                InlineKeyboardButton(
                    tr.t("hq.btn_implemented"),
                    callback_data=Implemented(notice.decision_id, notice.agency_id).pack(),
                ),
                InlineKeyboardButton(
                    tr.t("hq.btn_object"),
                    callback_data=Object(notice.decision_id, notice.agency_id).pack(),
                ),
            ]
        )
    if notice.kind.startswith("followup_"):
        return followup_buttons(tr, notice)
    if notice.audience is Audience.SECRETARIAT and notice.decision_id is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    tr.t("hq.btn_decision"), callback_data=ViewDecision(notice.decision_id).pack()
                )
            ]
        )
    if report is None:
        return rows
    actions: list[ReportAction] = []
    if notice.audience is Audience.OWNER and notice.kind == "question":
        actions = [ReportAction.ANSWER]
    elif notice.audience is Audience.OWNER and notice.kind == "resolved":
        actions = [ReportAction.CONFIRM, ReportAction.NOT_REMOVED]
    elif notice.audience is Audience.AGENCY and notice.kind in ("reassigned", "answered"):
        actions = [ReportAction.ACCEPT] if notice.kind == "reassigned" else []
    row = [
        InlineKeyboardButton(
            tr.t(f"workflow.btn_{a.value}"), callback_data=Act(a.value, report.id).pack()
        )
        for a in actions
    ]
    if row:
        rows.append(row)
    open_row = [
        InlineKeyboardButton(tr.t("myreports.btn_open"), callback_data=OpenButton(report.id).pack())
    ]
    if notice.audience is Audience.SECRETARIAT:
        open_row.append(
            InlineKeyboardButton(tr.t("hq.btn_agenda"), callback_data=AgendaHome().pack())
        )
    rows.append(open_row)
    return rows


async def deliver(
    context: RounaqContext,
    notices: list[Notice] | tuple[Notice, ...],
    *,
    key: str | None = None,
) -> int:
    """Queue every notice for its audience (see `post`); returns how many messages."""
    messages: list[Outgoing] = []
    tz = context.settings.tz
    for notice in notices:
        for chat_id, lang in await _recipients(context, notice):
            tr = get_translator(lang)
            fmt = Presenter(lang=lang, tz=tz)
            text = notice_text(tr, fmt, context.services.directory, notice)
            messages.append(outgoing(chat_id, text, keyboard(*notice_buttons(tr, notice))))
    return await post(context, messages, key=key)
