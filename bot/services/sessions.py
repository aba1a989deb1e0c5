"""The Headquarters' session: scheduling, invitations, the ordered agenda, attendance,
per-item outcomes, and issuing the minutes (which opens the objection windows).

Decisions are written by `HQService.decide` (the reports' statuses and history move as
for any decision); a session's decision keeps its objection window closed, and its
agencies are not told, until the minutes are issued.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Permission, Principal, can_respond_to_decision
from bot.clock import Clock
from bot.services.base import CalendarService, ProvinceService, ServiceDeps
from bot.services.directory import Directory
from bot.services.hq import DecisionTerms, HQService
from bot.services.workflow import (
    Audience,
    Notice,
    WorkflowError,
    check_length,
    dump_notices,
    recalled_effect,
    record_effect,
)
from storage.db import Database
from storage.dto import ReportDTO
from storage.dto_sessions import AgencySaid, PositionDTO, SessionDTO
from storage.dto_workflow import AgendaItemDTO, DecisionDTO
from storage.models_sessions import ItemOutcome, SessionStatus
from storage.models_workflow import AgencyResponse, AgendaItemStatus
from storage.new_rows import NewSession
from storage.repositories.effects import EffectRepository
from storage.repositories.sessions import SessionRepository
from storage.repositories.workflow import WorkflowRepository

NAME_MIN, NAME_MAX = 2, 200
POSITION_MIN, POSITION_MAX = 5, 2000
ITEM_REJECTED = "rejected"  # agenda_items.status of an item the session turned down


@dataclass(frozen=True, slots=True)
class ItemBrief:
    """One agenda item as the agenda and the minutes present it."""

    position: int
    item: AgendaItemDTO
    reports: tuple[ReportDTO, ...]
    by_category: tuple[tuple[int, int], ...]  # (category id, reports), most first
    by_county: tuple[tuple[int, int], ...]  # (county id, reports), most first
    units: int
    amount_rials: int
    said: tuple[AgencySaid, ...]
    positions: tuple[PositionDTO, ...]
    outcome: str | None
    decision: DecisionDTO | None

    @property
    def outcome_in_words(self) -> str | None:
        """The outcome the agenda and the minutes state in a line (sessions.outcome_*): any
        but a decision, which they show in full instead."""
        if self.outcome and (self.decision is None or self.outcome != ItemOutcome.DECIDED):
            return self.outcome
        return None


@dataclass(frozen=True, slots=True)
class SessionPack:
    session: SessionDTO
    items: tuple[ItemBrief, ...]


class SessionService(CalendarService):
    refused = WorkflowError

    def __init__(self, deps: ServiceDeps, hq: HQService) -> None:
        super().__init__(deps)
        self._hq = hq

    @staticmethod
    def check_name(text: str) -> str:
        return check_length(text, NAME_MIN, NAME_MAX)

    async def next_number(self) -> int:
        async with self._db.session() as session:
            return await SessionRepository(session).next_number(self._province)

    async def schedule(
        self,
        principal: Principal,
        *,
        number: int,
        starts_at: datetime,
        place: str,
        chair: str,
    ) -> SessionDTO:
        self._require(principal, Permission.MANAGE_AGENDA)
        if starts_at < self._clock.now():
            raise WorkflowError("date_past")
        async with self._db.transaction() as session:
            repo = SessionRepository(session)
            existing = await repo.by_number(self._province, number)
            if existing is not None:
                return existing  # the same request handled again
            new = NewSession(
                province_id=self._province,
                number=number,
                starts_at=starts_at,
                place=self.check_name(place),
                chair=self.check_name(chair),
                created_by=principal.user_id,
                created_at=self._clock.now(),
            )
            session_id = await repo.add(new)
            found = await repo.get(session_id, self._province)
        assert found is not None
        return found

    async def sessions(self, principal: Principal) -> list[SessionDTO]:
        self._require(principal, Permission.MANAGE_AGENDA)
        async with self._db.session() as session:
            return await SessionRepository(session).all(self._province)

    async def get(self, principal: Principal, session_id: int) -> SessionDTO:
        if not (principal.can(Permission.MANAGE_AGENDA) or principal.can(Permission.VIEW_PROVINCE)):
            raise WorkflowError("not_allowed")
        async with self._db.session() as session:
            found = await SessionRepository(session).get(session_id, self._province)
        if found is None:
            raise WorkflowError("session_not_found")
        return found

    def check_held(self, found: SessionDTO) -> None:
        """An item's outcome (a decision, postponed, rejected) is what the session made of
        it: refused before the session's time. A decision taken early would reach the
        owners at once, for a meeting no one has yet held."""
        if self._clock.now() < found.starts_at:
            raise WorkflowError("outcome_before_held")

    async def _open(self, principal: Principal, session_id: int) -> SessionDTO:
        self._require(principal, Permission.MANAGE_AGENDA)
        found = await self.get(principal, session_id)
        if found.status != SessionStatus.SCHEDULED:
            raise WorkflowError("not_now")
        return found

    async def invite(
        self, principal: Principal, session_id: int, agency_id: int, invited: bool = True
    ) -> None:
        await self._open(principal, session_id)
        if agency_id not in {a.id for a in self._directory.agencies}:
            raise WorkflowError("bad_agency")
        async with self._db.transaction() as session:
            await SessionRepository(session).set_invite(session_id, agency_id, invited)

    async def free_items(self, principal: Principal) -> list[AgendaItemDTO]:
        """Scheduled agenda items that wait for no session yet."""
        self._require(principal, Permission.MANAGE_AGENDA)
        async with self._db.session() as session:
            items = await WorkflowRepository(session).agenda_items(
                self._province, status=AgendaItemStatus.SCHEDULED
            )
            waiting = await SessionRepository(session).waiting(i.id for i in items)
        return [i for i in items if i.id not in waiting]

    async def waiting(self, item_ids: Sequence[int]) -> dict[int, SessionDTO]:
        """Agenda item -> the session it waits for (for /agenda)."""
        async with self._db.session() as session:
            repo = SessionRepository(session)
            found = await repo.waiting(item_ids)
            sessions = {s.id: s for s in await repo.all(self._province)}
        return {item: sessions[s] for item, s in found.items() if s in sessions}

    async def put_item(self, principal: Principal, session_id: int, item_id: int) -> None:
        await self._open(principal, session_id)
        async with self._db.transaction() as session:
            item = await WorkflowRepository(session).agenda_item(item_id, self._province)
            if item is None:
                raise WorkflowError("item_not_found")
            repo = SessionRepository(session)
            if item.status != AgendaItemStatus.SCHEDULED or await repo.waiting([item_id]):
                raise WorkflowError("not_now")
            await repo.add_item(session_id, item_id)

    async def add_own_item(
        self, principal: Principal, session_id: int, *, title: str, cause_kind: str
    ) -> int:
        """An item the HQ puts on a session's agenda itself, with no report behind it (a
        strategy to approve, a program to follow up)."""
        session_dto = await self._open(principal, session_id)
        day = session_dto.starts_at.astimezone(self._calendar.tz).date()
        new_item = self._hq.new_item(principal, title, cause_kind, day)
        async with self._db.transaction() as session:
            item_id = await WorkflowRepository(session).add_agenda_item(new_item)
            await SessionRepository(session).add_item(session_id, item_id)
        return item_id

    async def pack(self, principal: Principal, session_id: int) -> SessionPack:
        """The session with every item's background: what the agenda and minutes show."""
        found = await self.get(principal, session_id)
        briefs: list[ItemBrief] = []
        async with self._db.session() as session:
            work, repo = WorkflowRepository(session), SessionRepository(session)
            item_ids = [i.agenda_item_id for i in found.items]
            positions = await repo.positions(item_ids)
            for entry in found.items:
                item = await work.agenda_item(entry.agenda_item_id, self._province)
                assert item is not None
                reports = await work.reports(item.report_ids)
                counties = await repo.unit_counties({r.unit_id for r in reports})
                decision = await work.decision_of_item(item.id)
                briefs.append(
                    ItemBrief(
                        position=entry.position,
                        item=item,
                        reports=tuple(reports),
                        by_category=_ranked(Counter(r.category_id for r in reports)),
                        by_county=_ranked(Counter(counties[r.unit_id] for r in reports)),
                        units=len({r.unit_id for r in reports}),
                        amount_rials=sum(r.amount_rials or 0 for r in reports),
                        said=tuple(await repo.agency_said(item.report_ids)),
                        positions=tuple(p for p in positions if p.agenda_item_id == item.id),
                        outcome=entry.outcome,
                        decision=decision,
                    )
                )
        return SessionPack(found, tuple(briefs))

    async def mark_agenda_sent(self, principal: Principal, session_id: int) -> SessionDTO:
        found = await self._open(principal, session_id)
        if not found.agencies or not found.items:
            raise WorkflowError("nothing_selected")
        async with self._db.transaction() as session:
            await SessionRepository(session).mark(session_id, agenda_sent_at=self._clock.now())
        return await self.get(principal, session_id)

    async def write_position(
        self, principal: Principal, item_id: int, agency_id: int, text: str
    ) -> None:
        """An invited agency's written position on an item of a session still to be held."""
        if not can_respond_to_decision(principal, agency_id):
            raise WorkflowError("not_found")
        text = check_length(text, POSITION_MIN, POSITION_MAX)
        async with self._db.transaction() as session:
            repo = SessionRepository(session)
            waiting = await repo.waiting([item_id])
            if item_id not in waiting:
                raise WorkflowError("not_now")
            found = await repo.get(waiting[item_id], self._province)
            if found is None or agency_id not in {a.agency_id for a in found.agencies}:
                raise WorkflowError("not_found")
            await repo.set_position(item_id, agency_id, text, principal.user_id, self._clock.now())

    async def attend(
        self, principal: Principal, session_id: int, agency_id: int, attendee: str
    ) -> None:
        await self._open(principal, session_id)
        attendee = self.check_name(attendee)
        async with self._db.transaction() as session:
            if not await SessionRepository(session).attend(session_id, agency_id, attendee):
                raise WorkflowError("not_found")

    async def decide(
        self,
        principal: Principal,
        session_id: int,
        terms: DecisionTerms,
        *,
        update_id: int | None = None,
    ) -> tuple[DecisionDTO, list[Notice]]:
        """The session's decision on an item; the owners are told now, the agencies when
        the minutes are issued."""
        item_id = terms.item_id
        found = await self._open(principal, session_id)
        entry = next((i for i in found.items if i.agenda_item_id == item_id), None)
        if entry is None:
            raise WorkflowError("not_found")
        if entry.outcome not in (None, ItemOutcome.DECIDED):
            raise WorkflowError("not_now")
        self.check_held(found)
        decision, notices = await self._hq.decide(principal, terms, update_id=update_id)
        async with self._db.transaction() as session:
            repo = SessionRepository(session)
            await repo.set_outcome(session_id, item_id, ItemOutcome.DECIDED, decision.id)
            # Closed until the minutes go out: no one objects to what they were not sent.
            await repo.open_windows([decision.id], decision.created_at)
        return decision, [n for n in notices if n.audience is not Audience.AGENCY]

    async def settle(
        self, principal: Principal, session_id: int, item_id: int, outcome: str
    ) -> None:
        """Postponed (back to the pool for the next session), rejected, or - for an overdue
        decision put back on the agenda - reviewed."""
        if outcome not in (ItemOutcome.POSTPONED, ItemOutcome.REJECTED, ItemOutcome.REVIEWED):
            raise WorkflowError("not_now")
        self.check_held(await self._open(principal, session_id))
        async with self._db.transaction() as session:
            if not await SessionRepository(session).set_outcome(session_id, item_id, outcome, None):
                raise WorkflowError("not_now")
            if outcome == ItemOutcome.REJECTED:
                await WorkflowRepository(session).set_agenda_status(item_id, ITEM_REJECTED)

    async def keep_edited_minutes(
        self, principal: Principal, session_id: int, file_id: str, file_name: str
    ) -> None:
        """The secretariat's edited minutes go out instead of the generated ones."""
        await self._open(principal, session_id)
        async with self._db.transaction() as session:
            await SessionRepository(session).mark(
                session_id, minutes_file_id=file_id, minutes_file_name=file_name[:256]
            )

    def objection_until(self, issued_at: datetime) -> datetime:
        return self._hq.objection_until(issued_at)

    async def issue(
        self, principal: Principal, session_id: int, *, update_id: int | None = None
    ) -> tuple[SessionDTO, list[Notice]]:
        """Issue the minutes: the objection windows start and the agencies are told.

        The same update handled again (a send failed for a moment) gets the first result
        back, so the minutes and notices go out again instead of "already issued".
        """
        if update_id is not None:
            async with self._db.session() as session:
                earlier = await recalled_effect(session, self._province, update_id, "ss_issue")
            if earlier is not None:
                return await self.get(principal, session_id), earlier[1]
        found = await self._open(principal, session_id)
        if not found.items:  # "settle every item" would send them looking for items
            raise WorkflowError("session_empty")
        now = self._clock.now()
        if now < found.starts_at:
            # Minutes record a meeting: issued before it, they would start the agencies'
            # objection windows for decisions no one has yet met to take. Said before
            # "settle every item", which cannot be done until then either.
            raise WorkflowError("session_not_held")
        if any(i.outcome is None for i in found.items):
            raise WorkflowError("session_unsettled")
        until = self.objection_until(now)
        decision_ids = [i.decision_id for i in found.items if i.decision_id is not None]
        notices: list[Notice] = []
        async with self._db.transaction() as session:
            repo, work = SessionRepository(session), WorkflowRepository(session)
            await repo.open_windows(decision_ids, until)
            await repo.mark(session_id, status=SessionStatus.ISSUED, minutes_issued_at=now)
            for decision_id in decision_ids:
                decision = await work.decision(decision_id, self._province)
                assert decision is not None
                item = await work.agenda_item(decision.agenda_item_id, self._province)
                assert item is not None
                notices.extend(
                    Notice(
                        Audience.AGENCY,
                        "decision",
                        None,
                        agency_id=a.agency_id,
                        note=decision.text,
                        decision_id=decision.id,
                        subject=item.title,
                        when=until,
                    )
                    for a in decision.agencies
                )
            await record_effect(session, self._province, update_id, "ss_issue", {}, notices, now)
        return await self.get(principal, session_id), notices


def _ranked(counts: Counter[int]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    """An agency's share of a decision that needs a word: a reminder or the overdue mark."""

    kind: str  # "reminder" | "overdue"
    decision: DecisionDTO
    title: str
    agency_id: int


def followup_notices(due: FollowUpDue) -> list[Notice]:
    """A reminder goes to the agency; the overdue mark to the agency and the secretariat
    (whose copy carries the button that puts the decision back on the agenda)."""
    audiences = [Audience.AGENCY] + [Audience.SECRETARIAT] * (due.kind == "overdue")
    return [
        Notice(
            audience,
            f"followup_{due.kind}",
            None,
            agency_id=due.agency_id,
            decision_id=due.decision.id,
            subject=due.title,
            when=due.decision.deadline_at,
        )
        for audience in audiences
    ]


class FollowUpService(ProvinceService):
    """Reminds an agency once before a decision's deadline and marks it overdue after.

    `run(now)` writes each mark and the notices it owes in one transaction, the notices
    into the deadline job's outbox (`notice_outbox`), which the job delivers and marks
    sent one by one. A crash between the mark and the send loses nothing (the outbox
    still holds the notice) and sends nothing twice (the mark is already there).
    """

    refused = WorkflowError

    def __init__(
        self, database: Database, directory: Directory, clock: Clock, *, remind_days: int = 2
    ) -> None:
        super().__init__(database, directory, clock)
        self.remind_before = timedelta(days=remind_days)

    async def due(self, now: datetime) -> list[FollowUpDue]:
        async with self._db.session() as session:
            return await self._due(session, now)

    async def _due(self, session: AsyncSession, now: datetime) -> list[FollowUpDue]:
        work = WorkflowRepository(session)
        decisions = await work.decisions(self._province)
        marks = {
            (f.decision_id, f.agency_id): f
            for f in await SessionRepository(session).followups(d.id for d in decisions)
        }
        titles = {i.id: i.title for i in await work.agenda_items(self._province)}
        found: list[FollowUpDue] = []
        for decision in sorted(decisions, key=lambda d: d.id):
            for answer in decision.agencies:
                if answer.state == AgencyResponse.IMPLEMENTED:
                    continue
                mark = marks.get((decision.id, answer.agency_id))
                if mark is not None and mark.upheld_at is not None:
                    continue  # the objection stood: nothing is owed
                title = titles.get(decision.agenda_item_id, "")
                if now > decision.deadline_at:
                    if mark is None or mark.overdue_at is None:
                        found.append(FollowUpDue("overdue", decision, title, answer.agency_id))
                elif now >= decision.deadline_at - self.remind_before and (
                    mark is None or mark.reminded_at is None
                ):
                    found.append(FollowUpDue("reminder", decision, title, answer.agency_id))
        return found

    async def run(self, now: datetime) -> list[Notice]:
        """Mark what is due and put its notices in the outbox, in one transaction."""
        notices: list[Notice] = []
        async with self._db.transaction() as session:
            repo = SessionRepository(session)
            outbox = EffectRepository(session, self._province)
            for due in await self._due(session, now):
                field = "overdue_at" if due.kind == "overdue" else "reminded_at"
                await repo.follow_up(due.decision.id, due.agency_id, **{field: now})
                owed = followup_notices(due)
                for notice in owed:
                    await outbox.enqueue(json.dumps(dump_notices([notice])[0]), now)
                notices.extend(owed)
        return notices

    async def upheld(self, decisions: Sequence[DecisionDTO | None]) -> set[tuple[int, int]]:
        """(decision, agency) pairs whose objection the secretariat upheld."""
        ids = [d.id for d in decisions if d is not None]
        async with self._db.session() as session:
            marks = await SessionRepository(session).followups(ids)
        return {(m.decision_id, m.agency_id) for m in marks if m.upheld_at is not None}

    async def requeue(self, principal: Principal, decision_id: int, agency_id: int) -> SessionDTO:
        """Put an overdue decision's item on the next scheduled session's agenda."""
        self._require(principal, Permission.MANAGE_AGENDA)
        now = self._clock.now()
        province = self._province
        async with self._db.transaction() as session:
            repo, work = SessionRepository(session), WorkflowRepository(session)
            decision = await work.decision(decision_id, province)
            if decision is None:
                raise WorkflowError("not_found")
            if now <= decision.deadline_at:
                raise WorkflowError("not_now")
            upcoming = [
                s
                for s in await repo.all(province)
                if s.status == SessionStatus.SCHEDULED and s.starts_at > now
            ]
            if not upcoming:
                raise WorkflowError("no_session")
            target = min(upcoming, key=lambda s: (s.starts_at, s.id))
            if decision.agenda_item_id in await repo.waiting([decision.agenda_item_id]):
                raise WorkflowError("already_queued")
            await repo.add_item(target.id, decision.agenda_item_id)
            # The agency that let it run overdue answers for it at that session.
            await repo.set_invite(target.id, agency_id, True)
            await repo.follow_up(decision_id, agency_id, requeued_at=now)
            found = await repo.get(target.id, province)
        assert found is not None
        return found

    async def uphold(self, principal: Principal, decision_id: int, agency_id: int) -> str:
        """The secretariat accepts an agency's objection: nothing more is owed by it.
        Returns the item's title."""
        self._require(principal, Permission.MANAGE_AGENDA)
        async with self._db.transaction() as session:
            work = WorkflowRepository(session)
            decision = await work.decision(decision_id, self._province)
            if decision is None:
                raise WorkflowError("not_found")
            answer = next((a for a in decision.agencies if a.agency_id == agency_id), None)
            if answer is None or answer.state != AgencyResponse.OBJECTED:
                raise WorkflowError("not_now")
            await SessionRepository(session).follow_up(
                decision_id, agency_id, upheld_at=self._clock.now()
            )
            item = await work.agenda_item(decision.agenda_item_id, self._province)
        return item.title if item else ""
