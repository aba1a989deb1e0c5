"""Rendering of domain objects into HTML messages. Pure: catalog + presenter + data in, text out.

Every user-typed string is escaped here, at the last moment, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.reports import ReportView
from bot.services.workflow import WorkflowError
from bot.text import format_tracking_number
from storage.dto import ReportDTO, ReportEventDTO, UnitDTO
from storage.models import ReportStatus

DESCRIPTION_PREVIEW = 300


def tracking_number(fmt: Presenter, report: ReportDTO) -> str:
    return fmt.digits(format_tracking_number(report.year, report.seq))


def status_label(tr: Translator, status: str, *, staff: bool = False) -> str:
    """The status as the reader sees it: "awaiting your answer" is only the owner's.

    Staff (officers, their group, the HQ, officials) read "awaiting the owner's answer".
    """
    if staff and status == ReportStatus.AWAITING_OWNER:
        return tr.t("status.awaiting_owner_staff")
    return tr.t(f"status.{status}")


def workflow_error(tr: Translator, error: WorkflowError) -> str:
    """A refused action in words; length refusals state the limits the check used."""
    limits: dict[str, str] = {}
    if error.limits is not None:
        low, high = error.limits
        limits = {"min": tr.presenter.number(low), "max": tr.presenter.number(high)}
    return tr.t(f"workflow.error_{error.reason}", **limits)


def permit_label(tr: Translator, permit: str) -> str:
    return tr.t(f"registration.permit_{permit}")


def unit_summary(tr: Translator, directory: Directory, unit: UnitDTO) -> str:
    lang = tr.lang
    return tr.t(
        "registration.summary",
        name=escape(unit.name),
        sector=escape(directory.sector(unit.sector_id).name(lang)),
        county=escape(directory.county(unit.county_id).name(lang)),
        permit=permit_label(tr, unit.permit_status),
    )


def _preview(text: str, limit: int = DESCRIPTION_PREVIEW) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def report_card(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    report: ReportDTO,
    *,
    full: bool = False,
    staff: bool = False,
) -> str:
    """The report as its owner (staff=False), its agency and the HQ (staff=True) see it."""
    lang = tr.lang
    lines = [
        tr.t("report.card_title", number=tracking_number(fmt, report)),
        tr.t("report.card_unit", unit=escape(report.unit_name)),
        tr.t(
            "report.card_category",
            category=escape(directory.category(report.category_id).name(lang)),
        ),
        tr.t("report.card_agency", agency=escape(directory.agency(report.agency_id).name(lang))),
        tr.t("report.card_status", status=status_label(tr, report.status, staff=staff)),
        tr.t("report.card_dates", created=fmt.date(report.created_at), due=fmt.date(report.due_at)),
    ]
    if report.amount_rials:
        lines.append(tr.t("report.card_amount", amount=fmt.money(report.amount_rials)))
    if report.attachments:
        lines.append(tr.plural("report.card_attachments", report.attachments))
    description = report.description if full else _preview(report.description)
    lines.append("")
    lines.append(escape(description))
    return "\n".join(lines)


def event_line(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    event: ReportEventDTO,
    actors: Mapping[int, str] | None = None,
) -> str:
    when = fmt.datetime(event.created_at)
    agency = escape(directory.agency(event.agency_id).name(tr.lang)) if event.agency_id else ""
    text = tr.t(f"history.{event.kind}", agency=agency, when=when)
    if actors and event.actor_id is not None and event.actor_id in actors:
        text += tr.t("history.by", name=escape(actors[event.actor_id]))
    if event.channel is not None:
        text += " " + tr.t("open311.via_channel", channel=escape(event.channel))
    if event.internal:
        text += " " + tr.t("history.internal_mark")
    if event.note:
        text += "\n    " + escape(_preview(event.note, 500))
    return text


def report_with_history(
    tr: Translator, fmt: Presenter, directory: Directory, view: ReportView, *, staff: bool = False
) -> str:
    card = report_card(tr, fmt, directory, view.report, full=True, staff=staff)
    history = [event_line(tr, fmt, directory, e, view.actors) for e in view.events]
    return card + "\n\n" + tr.t("history.title") + "\n" + "\n".join(history)


def report_list_line(
    tr: Translator, fmt: Presenter, directory: Directory, report: ReportDTO
) -> str:
    return tr.t(
        "myreports.line",
        number=tracking_number(fmt, report),
        category=escape(directory.category(report.category_id).name(tr.lang)),
        agency=escape(directory.agency(report.agency_id).name(tr.lang)),
        status=status_label(tr, report.status),
        created=fmt.date(report.created_at),
    )
