"""/inbox's text: the officer's agencies, the filters in words, one line a report."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.workflow import InboxFilter
from bot.views.common import status_label, tracking_number
from storage.dto import Page, ReportDTO


def status_filter_name(tr: Translator, flt: InboxFilter) -> str:
    return (
        tr.t("inbox.all_open") if flt.status is None else status_label(tr, flt.status, staff=True)
    )


def inbox_text(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    agency_ids: Iterable[int],
    flt: InboxFilter,
    result: Page[ReportDTO],
    late: Collection[int],
) -> str:
    """The page of reports; `late` holds the ids of the overdue ones."""
    lang = tr.lang
    agencies = fmt.join(escape(directory.agency(a).name(lang)) for a in sorted(agency_ids))
    category_name = (
        tr.t("inbox.all_categories")
        if flt.category_id is None
        else escape(directory.category(flt.category_id).name(lang))
    )
    lines = [
        tr.t("inbox.title", agency=agencies, count=fmt.number(result.total)),
        tr.t(
            "inbox.filters",
            status=status_filter_name(tr, flt),
            category=category_name,
            overdue=tr.t("inbox.overdue_only" if flt.overdue else "inbox.any_deadline"),
        ),
    ]
    for report in result.items:
        lines.append(
            tr.t(
                "inbox.line_overdue" if report.id in late else "inbox.line",
                number=tracking_number(fmt, report),
                unit=fmt.name(report.unit_name),
                category=escape(directory.category(report.category_id).name(lang)),
                status=status_label(tr, report.status, staff=True),
                due=fmt.date(report.due_at),
            )
        )
    if not result.total:
        lines.append(tr.t("inbox.empty"))
    return "\n\n".join(lines)
