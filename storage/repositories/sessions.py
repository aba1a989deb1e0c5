"""HQ sessions, their invited agencies and ordered items; positions; decision follow-ups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from storage.dto_sessions import (
    AgencySaid,
    FollowUpDTO,
    PositionDTO,
    SessionAgencyDTO,
    SessionDTO,
    SessionItemDTO,
)
from storage.models import Report, ReportEvent, Unit
from storage.models_sessions import (
    DecisionFollowUp,
    HQSession,
    ItemPosition,
    SessionAgency,
    SessionItem,
)
from storage.models_workflow import Decision
from storage.new_rows import NewSession
from storage.repositories.rows import (
    Repository,
    by_parent,
    get_or_add,
    in_province,
    newest_first,
    one_of,
    to_dto,
)

# Events whose note is the agency speaking (not the owner, not the HQ's own steps).
AGENCY_KINDS = ("escalation_requested", "rejected", "resolved", "answered_note", "question")


class SessionRepository(Repository):
    async def next_number(self, province_id: int) -> int:
        found = await self.session.scalar(
            select(func.max(HQSession.number)).where(HQSession.province_id == province_id)
        )
        return int(found or 0) + 1

    async def add(self, new: NewSession) -> int:
        return (await self.inserted(HQSession, new)).id

    async def get(self, session_id: int, province_id: int) -> SessionDTO | None:
        row = await in_province(self.session, HQSession, session_id, province_id)
        return await one_of(self._dtos, row)

    async def by_number(self, province_id: int, number: int) -> SessionDTO | None:
        row = await self.session.scalar(
            select(HQSession).where(
                HQSession.province_id == province_id, HQSession.number == number
            )
        )
        return await one_of(self._dtos, row)

    async def all(self, province_id: int) -> list[SessionDTO]:
        rows = await self.of_province(HQSession, province_id, *newest_first(HQSession.starts_at))
        return await self._dtos(rows)

    async def _dtos(self, rows: Sequence[HQSession]) -> list[SessionDTO]:
        ids = [r.id for r in rows]
        agencies = await by_parent(
            self.session, SessionAgencyDTO, SessionAgency.session_id, ids, SessionAgency.id
        )
        items = await by_parent(
            self.session, SessionItemDTO, SessionItem.session_id, ids, SessionItem.position
        )
        return [to_dto(SessionDTO, r, agencies=agencies[r.id], items=items[r.id]) for r in rows]

    async def set_invite(self, session_id: int, agency_id: int, invited: bool) -> None:
        """Invite the agency or withdraw the invitation (the same press twice: no change)."""
        row = await self.session.scalar(
            select(SessionAgency).where(
                SessionAgency.session_id == session_id, SessionAgency.agency_id == agency_id
            )
        )
        if row is not None and not invited:
            await self.session.delete(row)
        elif row is None and invited:
            self.session.add(SessionAgency(session_id=session_id, agency_id=agency_id))
            await self.session.flush()

    async def attend(self, session_id: int, agency_id: int, attendee: str) -> bool:
        changed = await self.changed_rows(
            update(SessionAgency)
            .where(SessionAgency.session_id == session_id, SessionAgency.agency_id == agency_id)
            .values(attended=True, attendee=attendee)
        )
        return changed == 1

    async def add_item(self, session_id: int, agenda_item_id: int) -> None:
        last = await self.session.scalar(
            select(func.max(SessionItem.position)).where(SessionItem.session_id == session_id)
        )
        self.session.add(
            SessionItem(
                session_id=session_id, agenda_item_id=agenda_item_id, position=int(last or 0) + 1
            )
        )
        await self.session.flush()

    async def waiting(self, item_ids: Iterable[int]) -> dict[int, int]:
        """Agenda item -> the session (id) it waits for: put on it and not yet dealt with."""
        ids = list(item_ids)
        if not ids:
            return {}
        rows = await self.session.execute(
            select(SessionItem.agenda_item_id, SessionItem.session_id).where(
                SessionItem.agenda_item_id.in_(ids), SessionItem.outcome.is_(None)
            )
        )
        return {int(item): int(session) for item, session in rows}

    async def set_outcome(
        self, session_id: int, agenda_item_id: int, outcome: str, decision_id: int | None
    ) -> bool:
        return await self.set_once(
            SessionItem.outcome,
            outcome,
            SessionItem.session_id == session_id,
            SessionItem.agenda_item_id == agenda_item_id,
            decision_id=decision_id,
        )

    async def mark(self, session_id: int, **fields: object) -> None:
        await self.session.execute(
            update(HQSession).where(HQSession.id == session_id).values(**fields)
        )

    async def open_windows(self, decision_ids: Sequence[int], until: datetime) -> None:
        if decision_ids:
            await self.session.execute(
                update(Decision)
                .where(Decision.id.in_(list(decision_ids)))
                .values(objection_until=until)
            )

    # --- positions and what the agencies said ---------------------------------------

    async def set_position(
        self, agenda_item_id: int, agency_id: int, text: str, by: int, now: datetime
    ) -> None:
        row = await get_or_add(
            self.session, ItemPosition, agenda_item_id=agenda_item_id, agency_id=agency_id
        )
        row.text, row.written_by, row.written_at = text, by, now
        await self.session.flush()

    async def positions(self, item_ids: Iterable[int]) -> list[PositionDTO]:
        ids = list(item_ids)
        if not ids:
            return []
        rows = await self.session.scalars(
            select(ItemPosition)
            .where(ItemPosition.agenda_item_id.in_(ids))
            .order_by(ItemPosition.agenda_item_id, ItemPosition.agency_id)
        )
        return [PositionDTO(r.agenda_item_id, r.agency_id, r.text, r.written_at) for r in rows]

    async def agency_said(self, report_ids: Iterable[int]) -> list[AgencySaid]:
        """Per report, the agency's last public note (its reason to send it up, mostly)."""
        ids = list(report_ids)
        if not ids:
            return []
        rows = await self.session.execute(
            select(ReportEvent, Report.agency_id)
            .join(Report, Report.id == ReportEvent.report_id)
            .where(
                ReportEvent.report_id.in_(ids),
                ReportEvent.note.is_not(None),
                ReportEvent.internal.is_(False),
                ReportEvent.actor_id != Report.owner_id,
                ReportEvent.kind.in_(AGENCY_KINDS),
            )
            .order_by(ReportEvent.id)
        )
        last: dict[int, AgencySaid] = {}
        for event, agency_id in rows:
            last[event.report_id] = AgencySaid(
                event.report_id, event.agency_id or agency_id, event.kind, event.note or ""
            )
        return list(last.values())

    async def unit_counties(self, unit_ids: Iterable[int]) -> dict[int, int]:
        ids = list(unit_ids)
        if not ids:
            return {}
        rows = await self.session.execute(select(Unit.id, Unit.county_id).where(Unit.id.in_(ids)))
        return {int(u): int(c) for u, c in rows}

    # --- follow-ups ------------------------------------------------------------------

    async def followups(self, decision_ids: Iterable[int]) -> list[FollowUpDTO]:
        ids = list(decision_ids)
        if not ids:
            return []
        rows = await self.session.scalars(
            select(DecisionFollowUp).where(DecisionFollowUp.decision_id.in_(ids))
        )
        return [to_dto(FollowUpDTO, r) for r in rows]

    async def follow_up(self, decision_id: int, agency_id: int, **fields: object) -> None:
        row = await get_or_add(
            self.session, DecisionFollowUp, decision_id=decision_id, agency_id=agency_id
        )
        for name, value in fields.items():
            setattr(row, name, value)
        await self.session.flush()
