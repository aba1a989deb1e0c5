"""The workflow's storage: report tracking, the agency inbox, the HQ agenda and decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update

from storage.dialect import lock_rows, unindexed
from storage.dto import Page, ReportDTO
from storage.dto_workflow import (
    AgendaItemDTO,
    DecisionAgencyDTO,
    DecisionDTO,
    InviteDTO,
    TrackingDTO,
)
from storage.figures import FigureWriter, ReportState
from storage.models import Report
from storage.models_workflow import (
    AgencyResponse,
    AgendaItem,
    AgendaItemStatus,
    Decision,
    DecisionAgency,
    ReportTracking,
    RoleInvite,
)
from storage.new_rows import NewAgendaItem, NewDecision, NewInvite
from storage.repositories.reports import _dto, _report_select
from storage.repositories.rows import (
    Repository,
    by_parent,
    in_province,
    newest_first,
    one_of,
    to_dto,
)

_TRACKING_FIELDS = (
    "assignee_id",
    "paused_at",
    "overdue_at",
    "reminded_at",
    "escalated_at",
    "reopen_count",
    "verdict",
    "agenda_item_id",
)


def inbox_page_statement(condition: ColumnElement[bool]) -> Select[Report, str]:
    """One slice of an inbox (overdue, or not yet due), newest first."""
    return _report_select().where(condition).order_by(Report.created_at.desc(), Report.id.desc())


def _tracking_dto(row: ReportTracking) -> TrackingDTO:
    return to_dto(TrackingDTO, row)


class WorkflowRepository(Repository):
    # --- reports and their tracking ----------------------------------------------------

    async def lock_report(self, report_id: int) -> ReportDTO | None:
        """The report, row-locked for this transaction on PostgreSQL.

        Two officers pressing "accept" at once must not both pass the status check; SQLite
        needs no lock because its write transactions are serialised (BEGIN IMMEDIATE).
        """
        await lock_rows(
            self.session, select(Report.id).where(Report.id == report_id).with_for_update()
        )
        row = (await self.session.execute(_report_select().where(Report.id == report_id))).first()
        return _dto(row[0], row[1]) if row else None

    async def tracking(self, report_id: int) -> TrackingDTO:
        row = await self.session.get(ReportTracking, report_id)
        return _tracking_dto(row) if row else TrackingDTO(report_id)

    async def trackings(self, report_ids: Iterable[int]) -> dict[int, TrackingDTO]:
        ids = list(report_ids)
        if not ids:
            return {}
        rows = await self.session.scalars(
            select(ReportTracking).where(ReportTracking.report_id.in_(ids))
        )
        found = {r.report_id: _tracking_dto(r) for r in rows}
        return {i: found.get(i, TrackingDTO(i)) for i in ids}

    async def save_tracking(self, report_id: int, **fields: object) -> None:
        unknown = set(fields) - set(_TRACKING_FIELDS)
        if unknown:
            raise ValueError(f"unknown tracking fields {sorted(unknown)}")
        row = await self.session.get(ReportTracking, report_id)
        if row is None:
            row = ReportTracking(report_id=report_id, reopen_count=0)
            self.session.add(row)
        for name, value in fields.items():
            setattr(row, name, value)
        await self.session.flush()

    async def update_report(
        self,
        report_id: int,
        *,
        now: datetime,
        status: str | None = None,
        agency_id: int | None = None,
        due_at: datetime | None = None,
        closed: bool | None = None,
    ) -> None:
        """Change the report row; `closed` True stamps closed_at, False clears it."""
        row = await self.session.get(Report, report_id)
        if row is None:
            raise LookupError(report_id)
        before = ReportState(row.status, row.agency_id, row.due_at)
        after = ReportState(
            status if status is not None else row.status,
            agency_id if agency_id is not None else row.agency_id,
            due_at if due_at is not None else row.due_at,
        )
        if after != before:
            await FigureWriter(self.session).report_changed(
                report_id=report_id, province_id=row.province_id, before=before, after=after
            )
        row.status, row.agency_id, row.due_at = after.status, after.agency_id, after.due_at
        if closed is True:
            row.closed_at = now
        elif closed is False:
            row.closed_at = None
        row.updated_at = now
        await self.session.flush()

    async def inbox(
        self,
        province_id: int,
        agency_ids: Sequence[int],
        statuses: Sequence[str],
        *,
        now: datetime,
        category_id: int | None = None,
        overdue_only: bool = False,
        page: int = 1,
        page_size: int = 5,
    ) -> Page[ReportDTO]:
        """An agency's reports: overdue first, then the newest.

        Two slices, each newest first, instead of one ORDER BY CASE: the CASE made the
        database sort every open report of the agency (ten thousand at a busy one) for
        each page, where a slice is read in index order and stops after a page.
        """

        def where(status: Any, due: Any) -> ColumnElement[bool]:
            found: ColumnElement[bool] = (
                (Report.province_id == province_id)
                & Report.agency_id.in_(list(agency_ids))
                & status.in_(list(statuses))
            )
            if category_id is not None:
                found &= Report.category_id == category_id
            if overdue_only:
                found &= due < now
            return found

        async def count(condition: ColumnElement[bool]) -> int:
            stmt = select(func.count()).select_from(Report).where(condition)
            return int(await self.session.scalar(stmt) or 0)

        # Counted along ix_reports_inbox_count; the slices are read along
        # ix_reports_inbox_order, newest first (`unindexed`: see storage.dialect).
        counted = where(Report.status, Report.due_at)
        total = await count(counted)
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        start = (page - 1) * page_size
        overdue = total if overdue_only else await count(counted & (Report.due_at < now))
        status, due = unindexed(Report.status), unindexed(Report.due_at)
        rows: list[ReportDTO] = []
        if start < overdue:
            rows += await self._slice(where(status, due) & (due < now), start, page_size)
        if len(rows) < page_size and not overdue_only:
            rows += await self._slice(
                where(status, due) & (due >= now), max(0, start - overdue), page_size - len(rows)
            )
        return Page(tuple(rows), page, pages, total)

    async def _slice(self, where: ColumnElement[bool], offset: int, limit: int) -> list[ReportDTO]:
        rows = await self.session.execute(inbox_page_statement(where).limit(limit).offset(offset))
        return [_dto(r, n) for r, n in rows]

    async def past_due(
        self, province_id: int, statuses: Sequence[str], now: datetime
    ) -> list[ReportDTO]:
        rows = await self.session.execute(
            _report_select()
            .where(
                Report.province_id == province_id,
                Report.status.in_(list(statuses)),
                Report.due_at < now,
            )
            .order_by(Report.due_at, Report.id)
        )
        return [_dto(r, n) for r, n in rows]

    async def with_status(self, province_id: int, status: str) -> list[ReportDTO]:
        rows = await self.session.execute(
            _report_select()
            .where(Report.province_id == province_id, Report.status == status)
            .order_by(Report.updated_at, Report.id)
        )
        return [_dto(r, n) for r, n in rows]

    async def reports(self, report_ids: Iterable[int]) -> list[ReportDTO]:
        ids = list(report_ids)
        if not ids:
            return []
        rows = await self.session.execute(
            _report_select().where(Report.id.in_(ids)).order_by(Report.id)
        )
        return [_dto(r, n) for r, n in rows]

    async def event_counts(
        self, province_id: int, kind: str, agency_ids: Iterable[int] | None = None
    ) -> dict[int, int]:
        """How many events of this kind each agency had (of these agencies, when given)."""
        from storage.models import ReportEvent

        stmt = (
            select(ReportEvent.agency_id, func.count())
            .join(Report, Report.id == ReportEvent.report_id)
            .where(Report.province_id == province_id, ReportEvent.kind == kind)
            .group_by(ReportEvent.agency_id)
        )
        if agency_ids is not None:
            ids = sorted(agency_ids)
            if not ids:
                return {}
            stmt = stmt.where(ReportEvent.agency_id.in_(ids))
        rows = await self.session.execute(stmt)
        return {int(a): int(n) for a, n in rows if a is not None}

    # --- the HQ agenda ----------------------------------------------------------------

    async def add_agenda_item(self, new: NewAgendaItem) -> int:
        return (await self.inserted(AgendaItem, new, status=AgendaItemStatus.SCHEDULED)).id

    async def agenda_item(self, item_id: int, province_id: int) -> AgendaItemDTO | None:
        row = await in_province(self.session, AgendaItem, item_id, province_id)
        return await one_of(self._items, row)

    async def agenda_items(
        self, province_id: int, *, status: str | None = None, cause_kind: str | None = None
    ) -> list[AgendaItemDTO]:
        stmt = select(AgendaItem).where(AgendaItem.province_id == province_id)
        if status is not None:
            stmt = stmt.where(AgendaItem.status == status)
        if cause_kind is not None:
            stmt = stmt.where(AgendaItem.cause_kind == cause_kind)
        rows = list(
            await self.session.scalars(stmt.order_by(AgendaItem.session_date, AgendaItem.id))
        )
        return await self._items(rows)

    async def _items(self, rows: Sequence[AgendaItem]) -> list[AgendaItemDTO]:
        ids = [r.id for r in rows]
        linked: dict[int, list[int]] = {i: [] for i in ids}
        if ids:
            pairs = await self.session.execute(
                select(ReportTracking.agenda_item_id, ReportTracking.report_id)
                .where(ReportTracking.agenda_item_id.in_(ids))
                .order_by(ReportTracking.report_id)
            )
            for item_id, report_id in pairs:
                if item_id is not None:
                    linked[item_id].append(report_id)
        return [to_dto(AgendaItemDTO, r, report_ids=tuple(linked[r.id])) for r in rows]

    async def set_agenda_status(self, item_id: int, status: str) -> None:
        await self.change(AgendaItem, item_id, status=status)

    # --- decisions --------------------------------------------------------------------

    async def add_decision(self, new: NewDecision, agency_ids: Sequence[int]) -> int:
        row = await self.inserted(Decision, new)
        for agency_id in agency_ids:
            self.session.add(
                DecisionAgency(
                    decision_id=row.id, agency_id=agency_id, state=AgencyResponse.PENDING
                )
            )
        await self.session.flush()
        return row.id

    async def decision(self, decision_id: int, province_id: int) -> DecisionDTO | None:
        row = await in_province(self.session, Decision, decision_id, province_id)
        return await one_of(self._decisions, row)

    async def decision_of_item(self, item_id: int) -> DecisionDTO | None:
        row = await self.session.scalar(select(Decision).where(Decision.agenda_item_id == item_id))
        return await one_of(self._decisions, row)

    async def decisions(self, province_id: int) -> list[DecisionDTO]:
        rows = await self.of_province(Decision, province_id, *newest_first(Decision.created_at))
        return await self._decisions(rows)

    async def _decisions(self, rows: Sequence[Decision]) -> list[DecisionDTO]:
        agencies = await by_parent(
            self.session,
            DecisionAgencyDTO,
            DecisionAgency.decision_id,
            [r.id for r in rows],
            DecisionAgency.id,
        )
        return [to_dto(DecisionDTO, r, agencies=agencies[r.id]) for r in rows]

    async def respond(
        self,
        decision_id: int,
        agency_id: int,
        *,
        expected_states: Sequence[str],
        state: str,
        note: str,
        by: int,
        now: datetime,
    ) -> bool:
        """Record an agency's answer if its current state allows it (compare-and-set)."""
        values: dict[str, object] = {"state": state, "responded_by": by, "responded_at": now}
        values["objection" if state == AgencyResponse.OBJECTED else "evidence"] = note
        changed = await self.changed_rows(
            update(DecisionAgency)
            .where(
                DecisionAgency.decision_id == decision_id,
                DecisionAgency.agency_id == agency_id,
                DecisionAgency.state.in_(list(expected_states)),
            )
            .values(**values)
        )
        return changed == 1

    # --- invites ----------------------------------------------------------------------

    async def add_invite(self, new: NewInvite) -> None:
        await self.inserted(RoleInvite, new)

    async def redeem_invite(
        self, code: str, province_id: int, user_id: int, now: datetime
    ) -> InviteDTO | None:
        """Mark the invite used by this user, atomically; None if unknown or already used."""
        invite = RoleInvite.code == code, RoleInvite.province_id == province_id
        if not await self.set_once(RoleInvite.used_by, user_id, *invite, used_at=now):
            return None
        row = await self.session.get(RoleInvite, code)
        assert row is not None
        await self.session.refresh(row)
        return to_dto(InviteDTO, row)
