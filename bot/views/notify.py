"""What a notification says: the agency's new report, and every `Notice` the workflow emits,
each in the recipient's language (handlers/notify.py sends them, with their buttons)."""

from __future__ import annotations

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.workflow import Audience, Notice
from bot.views.common import report_card, status_label, tracking_number
from storage.dto import AgencyDTO, OwnerContactDTO, ReportDTO


def new_report_text(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    agency: AgencyDTO,
    report: ReportDTO,
    *,
    contact: OwnerContactDTO | None,
    channel: str | None,
) -> str:
    """The new report, to the responsible agency (who may call the owner: `contact`);
    `channel` names the Open311 channel that filed it."""
    text = (
        tr.t("agency.new_report", agency=escape(agency.name(tr.lang)))
        + "\n\n"
        + report_card(tr, fmt, directory, report, staff=True, contact=contact)
    )
    if channel is not None:
        text += "\n" + tr.t("open311.via_channel", channel=fmt.name(channel))
    return text


def notice_text(tr: Translator, fmt: Presenter, directory: Directory, notice: Notice) -> str:
    lang = tr.lang
    agency = directory.agency(notice.agency_id).name(lang) if notice.agency_id else ""
    report = notice.report
    if report is not None and not agency:
        agency = directory.agency(report.agency_id).name(lang)
    when = ""
    if notice.when is not None:
        when = fmt.date(notice.when)
    text = tr.t(
        f"notify.{notice.audience.value}_{notice.kind}",
        number=tracking_number(fmt, report) if report else "",
        agency=escape(agency),
        subject=escape(notice.subject or ""),
        when=when,
        decision=fmt.plain_int(notice.decision_id or 0),
    )
    if report is not None:
        text += "\n" + tr.t(
            "notify.report_line",
            number=tracking_number(fmt, report),
            unit=fmt.name(report.unit_name),
            category=escape(directory.category(report.category_id).name(lang)),
            status=status_label(tr, report.status, staff=notice.audience is not Audience.OWNER),
        )
    if notice.note:
        # The note is someone's own words, often in the other script (an agency's Persian
        # question to an English owner): isolated, so the quotes stay around it.
        text += "\n\n" + tr.t("notify.quote", note=fmt.name(notice.note))
    return text
