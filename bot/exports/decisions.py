"""/export of the HQ decisions: the compliance board, the decisions, and their histories.

A decision's history is its agencies' steps: named (when decided), the minutes issued
(the objection window opens), reminded, marked overdue, objected, implemented, objection
upheld, put back on a session's agenda. The objections and implementations come from
the reports' history (one event per report of the item, the same step each time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.exports.tables import Table
from bot.formatting import Presenter
from bot.i18n import Translator
from bot.services.compliance import AgencyCompliance, ComplianceService
from bot.services.directory import Directory
from bot.services.hq import decision_state
from storage.db import Database
from storage.dto import ReportEventDTO
from storage.dto_sessions import FollowUpDTO, SessionDTO
from storage.dto_workflow import AgendaItemDTO, DecisionDTO
from storage.repositories.sessions import SessionRepository
from storage.repositories.stats import StatsRepository
from storage.repositories.workflow import WorkflowRepository

STEP_OF_EVENT = {"decision_objected": "objected", "decision_implemented": "implemented"}


# A history line: decision id, when, agency name, step, note.
Step = tuple[int, datetime, str, str, str]


async def decision_tables(
    database: Database,
    directory: Directory,
    compliance: ComplianceService,
    tr: Translator,
    fmt: Presenter,
    now: datetime,
) -> list[Table]:
    lang, c = tr.lang, "sessions.col_"
    _, board = await compliance.board(None, "year")
    board_rows = [_board_row(directory, lang, line) for line in board]
    province = directory.province_id
    async with database.session() as session:
        work, repo = WorkflowRepository(session), SessionRepository(session)
        decisions = sorted(await work.decisions(province), key=lambda d: d.id)
        items = {i.id: i for i in await work.agenda_items(province)}
        followups = await repo.followups(d.id for d in decisions)
        sessions = await repo.all(province)
        events = await StatsRepository(session).events_of(
            [r for d in decisions for r in items[d.agenda_item_id].report_ids]
        )
    session_of = {i.decision_id: s for s in sessions for i in s.items if i.decision_id is not None}
    decision_rows: list[list[object]] = []
    history: list[Step] = []
    for d in decisions:
        item, held = items[d.agenda_item_id], session_of.get(d.id)
        decision_rows.append(_decision_row(tr, fmt, directory, d, item, held, now))
        history += _decision_steps(directory, lang, d, item, held, events)
    history += _followup_steps(directory, lang, followups)
    history.sort(key=lambda h: (h[0], h[1]))
    history_rows: list[list[object]] = [
        [d, fmt.datetime(when), agency, tr.t(f"sessions.step_{step}"), note]
        for d, when, agency, step, note in history
    ]
    return [
        Table(
            tr.t("sessions.sheet_board"),
            [tr.t(c + k) for k in ("agency", "assigned", "on_time", "late", "overdue",
                                     "objected", "upheld", "median", "share")],
            board_rows,
        ),
        Table(
            tr.t("sessions.sheet_decisions"),
            [tr.t(c + k) for k in ("decision", "session", "item", "text", "agencies",
                                     "decided", "deadline", "objection_until", "state")],
            decision_rows,
        ),
        Table(
            tr.t("sessions.sheet_history"),
            [tr.t(c + k) for k in ("decision", "when", "agency", "step", "note")],
            history_rows,
        ),
    ]  # fmt: skip


def _board_row(directory: Directory, lang: str, line: AgencyCompliance) -> list[object]:
    return [
        directory.agency(line.agency_id).name(lang),
        line.assigned,
        line.on_time,
        line.late,
        line.overdue,
        line.objected,
        line.upheld,
        line.median_days if line.median_days is not None else "",
        round(line.share * 100, 1),
    ]


def _decision_row(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    d: DecisionDTO,
    item: AgendaItemDTO,
    held: SessionDTO | None,
    now: datetime,
) -> list[object]:
    return [
        d.id,
        held.number if held else "",
        item.title,
        d.text,
        tr.t("sessions.list_separator").join(
            directory.agency(a.agency_id).name(tr.lang) for a in d.agencies
        ),
        fmt.short_date(d.created_at),
        fmt.short_date(d.deadline_at),
        fmt.short_date(d.objection_until),
        tr.t(f"hq.state_{decision_state(d, now)}"),
    ]


def _decision_steps(
    directory: Directory,
    lang: str,
    decision: DecisionDTO,
    item: AgendaItemDTO,
    held: SessionDTO | None,
    events: Sequence[ReportEventDTO],
) -> list[Step]:
    """The agencies named, the minutes issued, and the objections and implementations
    from the item's reports: one event per report, so each step is kept once."""
    d = decision.id
    steps: list[Step] = [
        (d, decision.created_at, directory.agency(a.agency_id).name(lang), "named", "")
        for a in decision.agencies
    ]
    if held is not None and held.minutes_issued_at is not None:
        steps.append((d, held.minutes_issued_at, "", "issued", ""))
    seen: set[tuple[str, int | None, datetime]] = set()
    for e in events:
        step = STEP_OF_EVENT.get(e.kind)
        if step is None or e.report_id not in item.report_ids:
            continue
        key = (e.kind, e.agency_id, e.created_at)
        if key in seen:
            continue
        seen.add(key)
        agency = directory.agency(e.agency_id).name(lang) if e.agency_id else ""
        steps.append((d, e.created_at, agency, step, e.note or ""))
    return steps


def _followup_steps(
    directory: Directory, lang: str, followups: Sequence[FollowUpDTO]
) -> list[Step]:
    """Reminded, marked overdue, objection upheld and put back on an agenda, per agency."""
    steps: list[Step] = []
    for f in followups:
        agency = directory.agency(f.agency_id).name(lang)
        for step, when in (
            ("reminded", f.reminded_at),
            ("overdue", f.overdue_at),
            ("upheld", f.upheld_at),
            ("requeued", f.requeued_at),
        ):
            if when is not None:
                steps.append((f.decision_id, when, agency, step, ""))
    return steps
