"""The Headquarters: the agenda of escalated reports, systemic obstacles, decisions.

Escalated reports that share a cause are bundled into one agenda item (a "systemic
obstacle") for a session date; the session's decision names responsible agencies, each
of which may object within `objection_days` or must implement it by the deadline.

Like `WorkflowService.act`, each writing method takes the update that carried the
request and records its result with it (`action_effects`): the same update handled again
returns the first result and its notices instead of being refused as no longer possible.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Permission, Principal, can_respond_to_decision
from bot.services.base import CalendarService, ServiceDeps
from bot.services.workflow import (
    Audience,
    Notice,
    WorkflowError,
    check_length,
    recalled_effect,
    record_effect,
)
from storage.dto import ReportDTO
from storage.dto_workflow import AgendaItemDTO, DecisionAgencyDTO, DecisionDTO
from storage.models import ReportStatus
from storage.models_workflow import AgencyResponse, AgendaItemStatus, CauseKind
from storage.new_rows import NewAgendaItem, NewDecision, NewReportEvent
from storage.repositories.reports import ReportRepository
from storage.repositories.workflow import WorkflowRepository

TITLE_MIN, TITLE_MAX = 3, 200
TEXT_MIN, TEXT_MAX = 5, 3000
MAX_DEADLINE_DAYS = 365


class DecisionState:
    """An agency's answer to a decision as it stands (AgencyResponse), or overdue: still
    pending past the implementation deadline."""

    PENDING = AgencyResponse.PENDING
    OBJECTED = AgencyResponse.OBJECTED
    IMPLEMENTED = AgencyResponse.IMPLEMENTED
    OVERDUE = "overdue"
    ALL = (PENDING, OBJECTED, IMPLEMENTED, OVERDUE)


def agency_state(answer: DecisionAgencyDTO, decision: DecisionDTO, now: datetime) -> str:
    if answer.state == AgencyResponse.PENDING and now > decision.deadline_at:
        return DecisionState.OVERDUE
    return answer.state


def decision_state(decision: DecisionDTO, now: datetime) -> str:
    """Implemented when every agency implemented it; an objection shows before lateness."""
    states = [agency_state(a, decision, now) for a in decision.agencies]
    if states and all(s == DecisionState.IMPLEMENTED for s in states):
        return DecisionState.IMPLEMENTED
    if DecisionState.OBJECTED in states:
        return DecisionState.OBJECTED
    if DecisionState.OVERDUE in states:
        return DecisionState.OVERDUE
    return DecisionState.PENDING


@dataclass(frozen=True, slots=True)
class DecisionTerms:
    """A decision as the secretariat words it, on one agenda item: `decide` checks it, for
    the HQ's own agenda and for a session's (SessionService passes it on as it is)."""

    item_id: int
    text: str
    agency_ids: Sequence[int]
    deadline_days: int


@dataclass(frozen=True, slots=True)
class DecisionView:
    decision: DecisionDTO
    item: AgendaItemDTO
    state: str


@dataclass(frozen=True, slots=True)
class Share:
    agency_id: int
    implemented: int
    total: int


@dataclass(frozen=True, slots=True)
class LawItem:
    item: AgendaItemDTO
    decision: DecisionDTO | None
    state: str | None


async def _move(
    session: AsyncSession,
    principal: Principal,
    report: ReportDTO,
    status: ReportStatus,
    kind: str,
    note: str,
    now: datetime,
) -> ReportDTO:
    """One report moved to `status` by the HQ, the step in its history; the report as it is now."""
    repo = WorkflowRepository(session)
    await repo.update_report(report.id, now=now, status=status.value)
    await ReportRepository(session).add_event(
        NewReportEvent(
            report.id,
            kind,
            actor_id=principal.user_id,
            from_status=report.status,
            to_status=status.value,
            note=note,
            created_at=now,
        )
    )
    after = await repo.lock_report(report.id)
    assert after is not None
    return after


class HQService(CalendarService):
    refused = WorkflowError

    def __init__(self, deps: ServiceDeps, *, objection_days: int = 15) -> None:
        super().__init__(deps)
        self.objection_days = objection_days

    @staticmethod
    def check_title(title: str) -> str:
        """An agenda item's title, stripped; refused outside TITLE_MIN..TITLE_MAX."""
        return check_length(title, TITLE_MIN, TITLE_MAX, "title_length")

    @staticmethod
    def check_text(text: str) -> str:
        """A decision's text or an agency's answer to it; refused outside TEXT_MIN..TEXT_MAX."""
        return check_length(text, TEXT_MIN, TEXT_MAX)

    async def _earlier(
        self, update_id: int | None, action: str
    ) -> tuple[dict[str, Any], list[Notice]] | None:
        if update_id is None:
            return None
        async with self._db.session() as session:
            return await recalled_effect(session, self._province, update_id, action)

    async def _record(
        self,
        session: AsyncSession,
        update_id: int | None,
        action: str,
        payload: dict[str, Any],
        notices: Sequence[Notice],
    ) -> None:
        await record_effect(
            session, self._province, update_id, action, payload, notices, self._clock.now()
        )

    # --- the agenda -------------------------------------------------------------------

    async def escalated(self, principal: Principal) -> list[ReportDTO]:
        """Escalated reports not yet on an agenda item."""
        self._require(principal, Permission.MANAGE_AGENDA)
        async with self._db.session() as session:
            return await WorkflowRepository(session).with_status(
                self._province, ReportStatus.ESCALATED.value
            )

    async def agenda(self, principal: Principal) -> list[AgendaItemDTO]:
        self._require(principal, Permission.MANAGE_AGENDA)
        async with self._db.session() as session:
            return await WorkflowRepository(session).agenda_items(
                self._province, status=AgendaItemStatus.SCHEDULED
            )

    async def item(
        self, principal: Principal, item_id: int
    ) -> tuple[AgendaItemDTO, list[ReportDTO], DecisionDTO | None]:
        if not (principal.can(Permission.MANAGE_AGENDA) or principal.can(Permission.VIEW_PROVINCE)):
            raise WorkflowError("not_allowed")
        async with self._db.session() as session:
            repo = WorkflowRepository(session)
            item = await repo.agenda_item(item_id, self._province)
            if item is None:
                raise WorkflowError("item_not_found")
            reports = await repo.reports(item.report_ids)
            decision = await repo.decision_of_item(item_id)
        if any(r.province_id != self._province for r in reports):
            raise WorkflowError("item_not_found")
        return item, reports, decision

    async def bundle(
        self,
        principal: Principal,
        report_ids: Sequence[int],
        *,
        title: str,
        cause_kind: str,
        session_date: date,
        item_id: int | None = None,
        update_id: int | None = None,
    ) -> tuple[int, list[Notice]]:
        """Put escalated reports on an agenda item: a new one, or `item_id` if given."""
        self._require(principal, Permission.MANAGE_AGENDA)
        earlier = await self._earlier(update_id, "hq_bundle")
        if earlier is not None:
            return int(earlier[0]["item"]), earlier[1]
        now = self._clock.now()
        new_item = None
        if item_id is None:
            new_item = self.new_item(principal, title, cause_kind, session_date)
            if session_date < now.astimezone(self._calendar.tz).date():
                raise WorkflowError("date_past")
        if not report_ids:
            raise WorkflowError("nothing_selected")
        notices: list[Notice] = []
        async with self._db.transaction() as session:
            repo = WorkflowRepository(session)
            if new_item is not None:
                item_id = await repo.add_agenda_item(new_item)
            assert item_id is not None
            item = await self._scheduled_item(repo, item_id)
            for report_id in sorted(set(report_ids)):
                after = await self._put_on_agenda(session, principal, report_id, item, now)
                notices.append(
                    Notice(
                        Audience.OWNER,
                        "on_agenda",
                        after,
                        subject=item.title,
                        when=item.session_date,
                    )
                )
            await self._record(session, update_id, "hq_bundle", {"item": item_id}, notices)
        return item_id, notices

    def new_item(
        self, principal: Principal, title: str, cause_kind: str, session_date: date
    ) -> NewAgendaItem:
        """An agenda item the principal adds, its title and cause checked: for a bundle of
        reports here and for a session's own item (SessionService). The caller checks who
        may add it and its session date."""
        title = self.check_title(title)
        if cause_kind not in CauseKind.ALL:
            raise WorkflowError("not_now")
        return NewAgendaItem(
            province_id=self._province,
            title=title,
            cause_kind=cause_kind,
            session_date=session_date,
            created_by=principal.user_id,
            created_at=self._clock.now(),
        )

    async def _put_on_agenda(
        self,
        session: AsyncSession,
        principal: Principal,
        report_id: int,
        item: AgendaItemDTO,
        now: datetime,
    ) -> ReportDTO:
        """An escalated report, not on any item yet, goes on this one."""
        repo = WorkflowRepository(session)
        report = await repo.lock_report(report_id)
        tracking = await repo.tracking(report_id)
        if (
            report is None
            or report.province_id != self._province
            or report.status != ReportStatus.ESCALATED
            or tracking.agenda_item_id is not None
        ):
            raise WorkflowError("not_now")
        await repo.save_tracking(report_id, agenda_item_id=item.id)
        return await _move(
            session, principal, report, ReportStatus.ON_AGENDA, "bundled", item.title, now
        )

    # --- decisions --------------------------------------------------------------------

    async def decide(
        self, principal: Principal, terms: DecisionTerms, *, update_id: int | None = None
    ) -> tuple[DecisionDTO, list[Notice]]:
        self._require(principal, Permission.MANAGE_AGENDA)
        item_id = terms.item_id
        earlier = await self._earlier(update_id, "hq_decide")
        if earlier is not None:
            async with self._db.session() as session:
                found = await WorkflowRepository(session).decision(
                    int(earlier[0]["decision"]), self._province
                )
            if found is not None:
                return found, earlier[1]
        text = self.check_text(terms.text)
        agencies = self._check_agencies(terms.agency_ids)
        if not 1 <= terms.deadline_days <= MAX_DEADLINE_DAYS:
            raise WorkflowError("not_now")
        now = self._clock.now()
        deadline = self._calendar.add_working_days(now, terms.deadline_days)
        objection_until = self.objection_until(now)
        notices: list[Notice] = []
        async with self._db.transaction() as session:
            repo = WorkflowRepository(session)
            item = await self._scheduled_item(repo, item_id)
            new = NewDecision(
                province_id=self._province,
                agenda_item_id=item_id,
                text=text,
                deadline_at=deadline,
                objection_until=objection_until,
                created_by=principal.user_id,
                created_at=now,
            )
            decision_id = await repo.add_decision(new, agencies)
            await repo.set_agenda_status(item_id, AgendaItemStatus.DECIDED)
            for report_id in item.report_ids:
                report = await repo.lock_report(report_id)
                assert report is not None
                after = await _move(
                    session, principal, report, ReportStatus.DECIDED, "decided", text, now
                )
                notices.append(
                    Notice(Audience.OWNER, "decided", after, note=text, decision_id=decision_id)
                )
            decision = await repo.decision(decision_id, self._province)
            assert decision is not None
            notices += _agency_notices(decision.id, agencies, text, item.title, objection_until)
            await self._record(session, update_id, "hq_decide", {"decision": decision.id}, notices)
        return decision, notices

    def _check_agencies(self, agency_ids: Sequence[int]) -> list[int]:
        """The decision's agencies, sorted once each; refused when none or unknown."""
        known = {a.id for a in self._directory.agencies}
        agencies = sorted(set(agency_ids))
        if not agencies or not set(agencies) <= known:
            raise WorkflowError("bad_agency")
        return agencies

    async def _scheduled_item(self, repo: WorkflowRepository, item_id: int) -> AgendaItemDTO:
        """The agenda item, still waiting for its session; refused otherwise."""
        item = await repo.agenda_item(item_id, self._province)
        if item is None:
            raise WorkflowError("item_not_found")
        if item.status != AgendaItemStatus.SCHEDULED:
            raise WorkflowError("not_now")
        return item

    def objection_until(self, start: datetime) -> datetime:
        """The end of the objection window opened at `start`: the end of the day
        `objection_days` later, in the province's time zone."""
        day = start.astimezone(self._calendar.tz).date() + timedelta(days=self.objection_days)
        return datetime.combine(day, time(23, 59, 59), tzinfo=self._calendar.tz)

    async def respond(
        self,
        principal: Principal,
        decision_id: int,
        agency_id: int,
        *,
        verdict: str,
        note: str,
        update_id: int | None = None,
    ) -> list[Notice]:
        """An agency objects (within the window) or reports the decision implemented."""
        if not can_respond_to_decision(principal, agency_id):
            raise WorkflowError("not_found")
        earlier = await self._earlier(update_id, "dc_respond")
        if earlier is not None:
            return earlier[1]
        note = self.check_text(note)
        now = self._clock.now()
        expected = answerable_states(verdict)
        kind = f"decision_{verdict}"
        notices: list[Notice] = []
        async with self._db.transaction() as session:
            repo = WorkflowRepository(session)
            events = ReportRepository(session)
            decision = await repo.decision(decision_id, self._province)
            if decision is None or agency_id not in {a.agency_id for a in decision.agencies}:
                raise WorkflowError("not_found")
            if verdict == AgencyResponse.OBJECTED and now > decision.objection_until:
                raise WorkflowError("objection_closed")
            if not await repo.respond(
                decision_id,
                agency_id,
                expected_states=expected,
                state=verdict,
                note=note,
                by=principal.user_id,
                now=now,
            ):
                raise WorkflowError("not_now")
            item = await repo.agenda_item(decision.agenda_item_id, self._province)
            assert item is not None
            for report_id in item.report_ids:
                report = await _answer_on_report(
                    events, report_id, kind, principal.user_id, agency_id, note, now
                )
                notices.append(Notice(Audience.OWNER, kind, report, agency_id=agency_id, note=note))
            notices.append(
                Notice(
                    Audience.SECRETARIAT,
                    kind,
                    None,
                    agency_id=agency_id,
                    note=note,
                    decision_id=decision_id,
                    subject=item.title,
                )
            )
            await self._record(session, update_id, "dc_respond", {}, notices)
        return notices

    async def decision(self, principal: Principal, decision_id: int) -> DecisionView | None:
        for view in await self.decisions(principal):
            if view.decision.id == decision_id:
                return view
        return None

    async def _views(self, keep: Callable[[DecisionDTO], bool]) -> list[DecisionView]:
        """The province's decisions that `keep` accepts, each with its item and state."""
        now = self._clock.now()
        async with self._db.session() as session:
            repo = WorkflowRepository(session)
            decisions = await repo.decisions(self._province)
            items = {i.id: i for i in await repo.agenda_items(self._province)}
        return [
            DecisionView(d, items[d.agenda_item_id], decision_state(d, now))
            for d in decisions
            if keep(d)
        ]

    async def decisions(self, principal: Principal) -> list[DecisionView]:
        """Every decision for HQ staff and officials; an officer sees their agencies' ones."""
        self._require(principal, Permission.VIEW_DECISIONS)
        staff = principal.can(Permission.VIEW_PROVINCE) or principal.can(Permission.MANAGE_AGENDA)
        return await self._views(
            lambda d: staff or bool({a.agency_id for a in d.agencies} & principal.agency_ids)
        )

    async def owed(self, agency_ids: Collection[int] | None = None) -> list[DecisionView]:
        """Decisions some agency still owes an answer or the implementation of, earliest
        deadline first; with `agency_ids`, only those awaiting one of these agencies.

        No principal: the digest picks who sees this by role (bot.digest.figures), and
        the detail buttons lead to /decisions, which checks the presser's access.
        """

        def owing(decision: DecisionDTO) -> bool:
            waiting = {
                a.agency_id for a in decision.agencies if a.state != AgencyResponse.IMPLEMENTED
            }
            return bool(waiting) and (agency_ids is None or bool(waiting & set(agency_ids)))

        views = await self._views(owing)
        return sorted(views, key=lambda v: (v.decision.deadline_at, v.decision.id))

    @staticmethod
    def shares(views: Sequence[DecisionView]) -> list[Share]:
        """Per agency: of the decisions naming it, how many it has implemented."""
        totals: dict[int, list[int]] = {}
        for view in views:
            for answer in view.decision.agencies:
                counts = totals.setdefault(answer.agency_id, [0, 0])
                counts[1] += 1
                if answer.state == AgencyResponse.IMPLEMENTED:
                    counts[0] += 1
        return [Share(a, done, total) for a, (done, total) in sorted(totals.items())]

    async def laws(self, principal: Principal) -> list[LawItem]:
        """Systemic obstacles rooted in a law or regulation: the obstructive-laws list."""
        if not (principal.can(Permission.VIEW_PROVINCE) or principal.can(Permission.MANAGE_AGENDA)):
            raise WorkflowError("not_allowed")
        now = self._clock.now()
        async with self._db.session() as session:
            repo = WorkflowRepository(session)
            items = await repo.agenda_items(self._province, cause_kind=CauseKind.LAW)
            result = []
            for item in items:
                decision = await repo.decision_of_item(item.id)
                state = decision_state(decision, now) if decision else None
                result.append(LawItem(item, decision, state))
        return result


async def _answer_on_report(
    events: ReportRepository,
    report_id: int,
    kind: str,
    actor_id: int,
    agency_id: int,
    note: str,
    now: datetime,
) -> ReportDTO:
    """The agency's answer goes into the history of each report of the item."""
    await events.add_event(
        NewReportEvent(
            report_id, kind, actor_id=actor_id, agency_id=agency_id, note=note, created_at=now
        )
    )
    report = await events.get(report_id)
    assert report is not None
    return report


def answerable_states(verdict: str) -> list[str]:
    """The states an agency's answer may follow: an objection only a pending decision; an
    implementation a pending or an objected one."""
    if verdict == AgencyResponse.OBJECTED:
        return [AgencyResponse.PENDING]
    if verdict == AgencyResponse.IMPLEMENTED:
        return [AgencyResponse.PENDING, AgencyResponse.OBJECTED]
    raise WorkflowError("not_now")


def _agency_notices(
    decision_id: int, agency_ids: list[int], text: str, title: str, objection_until: datetime
) -> list[Notice]:
    """Each named agency is told of the decision and until when it may object."""
    return [
        Notice(
            Audience.AGENCY,
            "decision",
            None,
            agency_id=agency_id,
            note=text,
            decision_id=decision_id,
            subject=title,
            when=objection_until,
        )
        for agency_id in agency_ids
    ]
