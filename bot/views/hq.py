"""The HQ's text: /agenda, an agenda item, a decision's card, /decisions, /laws.

Pure functions of the data, the Translator and the Presenter (no Telegram): the handlers
in handlers/agenda.py, handlers/decide.py and handlers/decisions.py add the buttons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.hq import DecisionState, DecisionView, LawItem, Share, agency_state
from bot.views.common import tracking_number
from storage.dto import ReportDTO
from storage.dto_workflow import AgendaItemDTO, DecisionDTO


def report_line(tr: Translator, fmt: Presenter, directory: Directory, report: ReportDTO) -> str:
    return tr.t(
        "hq.report_line",
        number=tracking_number(fmt, report),
        unit=fmt.name(report.unit_name),
        category=escape(directory.category(report.category_id).name(tr.lang)),
        agency=escape(directory.agency(report.agency_id).name(tr.lang)),
    )


def reports_count(tr: Translator, fmt: Presenter, n: int) -> str:
    """ "1 report", "3 reports" (the catalog's plural forms)."""
    return tr.plural("common.reports_count", n, n=fmt.number(n))


def item_line(tr: Translator, fmt: Presenter, item: AgendaItemDTO) -> str:
    return tr.t(
        "hq.item_line",
        id=fmt.plain_int(item.id),
        title=escape(item.title),
        cause=tr.t(f"hq.cause_{item.cause_kind}"),
        date=fmt.date(item.session_date),
        reports=reports_count(tr, fmt, len(item.report_ids)),
    )


def agenda_text(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    escalated: tuple[int, Sequence[ReportDTO]],
    items: tuple[int, Sequence[AgendaItemDTO]],
    waits: Mapping[int, str],
) -> str:
    """One page of /agenda: (total, this page's) escalated reports and agenda items;
    `waits`: the line under an item already put on a session."""
    (escalated_total, reports), (items_total, page_items) = escalated, items
    lines = [tr.t("hq.agenda_title"), tr.t("hq.escalated_title", count=fmt.number(escalated_total))]
    lines.extend(report_line(tr, fmt, directory, r) for r in reports)
    if not escalated_total:
        lines.append(tr.t("hq.none_escalated"))
    lines.append(tr.t("hq.items_title", count=fmt.number(items_total)))
    lines.extend(item_line(tr, fmt, i) + waits.get(i.id, "") for i in page_items)
    return "\n\n".join(lines)


def item_text(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    item: AgendaItemDTO,
    reports: Sequence[ReportDTO],
    decision: DecisionView | None,
    now: datetime,
) -> str:
    lines = [tr.t("hq.item_title"), item_line(tr, fmt, item)]
    lines.extend(report_line(tr, fmt, directory, r) for r in reports)
    if decision is not None:
        lines.append(decision_text(tr, fmt, directory, decision, now))
    return "\n\n".join(lines)


def decision_text(
    tr: Translator, fmt: Presenter, directory: Directory, view: DecisionView, now: datetime
) -> str:
    """A decision's card: its text, deadlines and every named agency's answer."""
    agencies = "\n".join(
        tr.t(
            "hq.agency_state",
            agency=escape(directory.agency(a.agency_id).name(tr.lang)),
            state=tr.t(f"hq.state_{agency_state(a, view.decision, now)}"),
        )
        + (
            "\n    " + escape(a.objection or a.evidence or "")
            if (a.objection or a.evidence)
            else ""
        )
        for a in view.decision.agencies
    )
    return tr.t(
        "hq.decision_card",
        id=fmt.plain_int(view.decision.id),
        title=escape(view.item.title),
        state=tr.t(f"hq.state_{view.state}"),
        deadline=fmt.date(view.decision.deadline_at),
        until=fmt.date(view.decision.objection_until),
        text=escape(view.decision.text),
        agencies=agencies,
    )


def decided_text(tr: Translator, fmt: Presenter, decision: DecisionDTO) -> str:
    return tr.t(
        "hq.decided",
        id=fmt.plain_int(decision.id),
        deadline=fmt.date(decision.deadline_at),
        until=fmt.date(decision.objection_until),
    )


def decisions_text(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    views: Sequence[DecisionView],
    page: Sequence[DecisionView],
    shares: Sequence[Share],
    now: datetime,
) -> str:
    """/decisions: the counts of all, this page's decisions, and every agency's share."""
    if not views:
        return tr.t("hq.no_decisions")
    counts = {s: sum(1 for v in views if v.state == s) for s in DecisionState.ALL}
    lines = [
        tr.t(
            "hq.decisions_title",
            total=fmt.number(len(views)),
            **{s: fmt.number(counts[s]) for s in DecisionState.ALL},
        )
    ]
    lines.extend(decision_text(tr, fmt, directory, v, now) for v in page)
    share_lines = [
        tr.t(
            "hq.share_line",
            agency=escape(directory.agency(s.agency_id).name(tr.lang)),
            done=fmt.number(s.implemented),
            total=fmt.number(s.total),
            percent=fmt.percent(s.implemented / s.total if s.total else 0),
        )
        for s in shares
    ]
    lines.append(tr.t("hq.shares_title") + "\n" + "\n".join(share_lines))
    return "\n\n".join(lines)


def law_state(tr: Translator, law: LawItem) -> str:
    return tr.t(f"hq.state_{law.state}") if law.state else tr.t("hq.state_scheduled")


def laws_text(tr: Translator, fmt: Presenter, items: Sequence[LawItem]) -> str:
    if not items:
        return tr.t("hq.no_laws")
    lines = [tr.t("hq.laws_title", count=fmt.number(len(items)))]
    lines.extend(
        tr.t(
            "hq.law_line",
            title=escape(law.item.title),
            reports=reports_count(tr, fmt, len(law.item.report_ids)),
            date=fmt.date(law.item.session_date),
            state=law_state(tr, law),
        )
        for law in items
    )
    return "\n\n".join(lines)
