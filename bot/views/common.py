"""Rendering of domain objects into HTML messages. Pure: catalog + presenter + data in, text out.

Every user-typed string is escaped here, at the last moment, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.reports import ReportView
from bot.services.workflow import AGENCY_OPEN, WorkflowError
from bot.text import shorten
from storage.dto import OwnerContactDTO, ReportDTO, ReportEventDTO, UnitDTO
from storage.models import ReportStatus

DESCRIPTION_PREVIEW = 300
# A card opened on its own (with its history) shows this much of the description; the
# whole text is one button away (myreports' "full text"), so every card stays one message.
CARD_DESCRIPTION_PREVIEW = 1500


def tracking_number(fmt: Presenter, report: ReportDTO) -> str:
    """Isolated in Persian text, so it reads the same wherever it stands."""
    return fmt.tracking(report.year, report.seq)


def status_label(tr: Translator, status: str, *, staff: bool = False) -> str:
    """The status as the reader sees it: "awaiting your answer" is only the owner's.

    Staff (officers, their group, the HQ, officials) read "awaiting the owner's answer".
    """
    if staff and status == ReportStatus.AWAITING_OWNER:
        return tr.t("status.awaiting_owner_staff")
    return tr.t(f"status.{status}")


def workflow_error(tr: Translator, error: WorkflowError) -> str:
    """A refused action in words; length refusals state the limits the check used."""
    limits: dict[str, int | str] = {}
    if error.limits is not None:
        low, high = error.limits
        limits = {"min": low, "max": high}  # the translator puts them in its digits
    if error.given is not None:
        # With its noun: "1 character", never "1 characters".
        limits["length"] = tr.plural("workflow.characters", error.given)
    return tr.t(f"workflow.error_{error.reason}", **limits)


def permit_label(tr: Translator, permit: str) -> str:
    return tr.t(f"registration.permit_{permit}")


def unit_summary(tr: Translator, directory: Directory, unit: UnitDTO) -> str:
    lang = tr.lang
    return tr.t(
        "registration.summary",
        name=Presenter(lang).name(unit.name),
        sector=escape(directory.sector(unit.sector_id).name(lang)),
        county=escape(directory.county(unit.county_id).name(lang)),
        permit=permit_label(tr, unit.permit_status),
    )


def preview(text: str, limit: int = DESCRIPTION_PREVIEW) -> str:
    """The text, or its start cut at a word boundary with "…" when longer than `limit`."""
    return shorten(text, limit)


def is_trimmed(text: str, limit: int = CARD_DESCRIPTION_PREVIEW) -> bool:
    return len(text) > limit


def report_card(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    report: ReportDTO,
    *,
    full: bool = False,
    staff: bool = False,
    contact: OwnerContactDTO | None = None,
) -> str:
    """The report as its owner (staff=False), its agency and the HQ (staff=True) see it.

    `contact` is given only to those `access.sees_owner_contact` allows.
    """
    lang = tr.lang
    lines = [
        tr.t("report.card_title", number=tracking_number(fmt, report)),
        tr.t("report.card_unit", unit=fmt.name(report.unit_name)),
    ]
    if contact is not None:
        lines.append(owner_line(tr, fmt, contact))
    lines += [
        tr.t(
            "report.card_category",
            category=escape(directory.category(report.category_id).name(lang)),
        ),
        tr.t("report.card_agency", agency=escape(directory.agency(report.agency_id).name(lang))),
        tr.t("report.card_status", status=status_label(tr, report.status, staff=staff)),
        # A deadline only while the agency owes an answer: none is promised for a report
        # with the HQ (an agency with nobody in it) or one that is closed.
        tr.t("report.card_dates", created=fmt.date(report.created_at), due=fmt.date(report.due_at))
        if report.status in AGENCY_OPEN
        else tr.t("report.card_created", created=fmt.date(report.created_at)),
    ]
    if report.amount_rials:
        lines.append(tr.t("report.card_amount", amount=fmt.money(report.amount_rials)))
    if report.attachments:
        lines.append(tr.plural("report.card_attachments", report.attachments))
    # "full": the card opened on its own, with room for a longer start of the text.
    description = preview(
        report.description, CARD_DESCRIPTION_PREVIEW if full else DESCRIPTION_PREVIEW
    )
    lines.append("")
    lines.append(escape(description))
    return "\n".join(lines)


def owner_line(tr: Translator, fmt: Presenter, contact: OwnerContactDTO) -> str:
    # The phone is a left-to-right token in a Persian line: isolated so it reads (and is
    # copied) in its own order. The name is isolated as every typed name is.
    return tr.t(
        "report.card_owner",
        name=fmt.name(contact.name or (f"@{contact.username}" if contact.username else "—")),
        phone="\u2066" + escape(contact.phone) + "\u2069",
    )


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
        text += tr.t("history.by", name=fmt.name(actors[event.actor_id]))
    if event.channel is not None:
        text += " " + tr.t("open311.via_channel", channel=fmt.name(event.channel))
    if event.internal:
        text += " " + tr.t("history.internal_mark")
    if event.note:
        text += "\n    " + escape(preview(event.note, 500))
    return text


def report_with_history(
    tr: Translator, fmt: Presenter, directory: Directory, view: ReportView, *, staff: bool = False
) -> str:
    card = report_card(
        tr, fmt, directory, view.report, full=True, staff=staff, contact=view.contact
    )
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
