"""The life of a report after submission: agency actions, owner actions, deadlines.

Every change goes through `WorkflowService.act` (people) or `run_deadlines` (the clock):
the report row is locked, the actor's right is checked with `bot.access.may`, the move is
checked against `TRANSITIONS`, and an event is appended to the report's history in the
same transaction. The service decides who must be told (`Notice`); delivering is the
handlers' job.

Retries: a handler may run twice for one update (a send fails after the commit and the
error handler retries the update). `act` therefore records, with its events and in the
same transaction, the update id and the outcome (`action_effects`); the same update
arriving again gets that outcome back, notices included, instead of being checked anew
(which would now say "not possible"). Its messages are sent again: notices are delivered
at least once. The clock has no update: `run_deadlines` writes its notices to an outbox
(`notice_outbox`) with the deadline step, and the job marks each sent only after it was
delivered, so a failed send is retried on the next run rather than lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Permission, Principal, ReportAction, may
from bot.services.base import CalendarService, RefusedError, ServiceDeps
from bot.services.directory import Directory
from bot.services.reports import ReportView, read_view
from bot.services.staffing import UNSTAFFED_EVENT, is_hq, unstaffed_ids
from storage.dto import Page, ReportDTO
from storage.dto_workflow import TrackingDTO
from storage.models import CLOSED_REPORT_STATUSES, ReportStatus
from storage.new_rows import NewReportEvent
from storage.repositories.effects import EffectRepository
from storage.repositories.reports import ReportRepository
from storage.repositories.users import UserRepository
from storage.repositories.workflow import WorkflowRepository

S = ReportStatus
NOTE_MIN = 2
NOTE_MAX = 2000
EFFECT_ACTION = "wf"  # action_effects.action for a report action

# Statuses in which the agency owes an answer: the deadline clock runs.
CLOCK_RUNNING: frozenset[str] = frozenset({S.REFERRED, S.IN_PROGRESS, S.REOPENED})
# Statuses the agency still works in (its inbox "open" filter).
AGENCY_OPEN: frozenset[str] = CLOCK_RUNNING | {S.AWAITING_OWNER}
# Not closed: the owner may still add information or withdraw.
OWNER_OPEN: frozenset[str] = AGENCY_OPEN | {S.ESCALATED, S.ON_AGENDA}
# Terminal: nothing more is owed (storage keeps the one definition the figures use).
CLOSED: frozenset[str] = CLOSED_REPORT_STATUSES


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[str]
    # None: the status does not change (a note, added information, a verdict).
    target: ReportStatus | None
    needs_note: bool = False


A = ReportAction
TRANSITIONS: dict[ReportAction, Transition] = {
    A.ACCEPT: Transition(frozenset({S.REFERRED, S.REOPENED}), S.IN_PROGRESS),
    A.ASK: Transition(CLOCK_RUNNING, S.AWAITING_OWNER, needs_note=True),
    A.NOTE: Transition(OWNER_OPEN, None, needs_note=True),
    A.RESOLVE: Transition(AGENCY_OPEN, S.RESOLVED, needs_note=True),
    A.REJECT: Transition(AGENCY_OPEN, S.REJECTED, needs_note=True),
    A.REASSIGN: Transition(CLOCK_RUNNING, S.REFERRED),
    A.ESCALATE: Transition(AGENCY_OPEN, S.ESCALATED, needs_note=True),
    A.ANSWER: Transition(frozenset({S.AWAITING_OWNER}), S.IN_PROGRESS, needs_note=True),
    A.ADD_INFO: Transition(OWNER_OPEN, None, needs_note=True),
    A.WITHDRAW: Transition(OWNER_OPEN, S.WITHDRAWN),
    A.CONFIRM: Transition(frozenset({S.RESOLVED}), None),
    # Reopens the first time; a second "not removed" goes to the HQ instead.
    A.NOT_REMOVED: Transition(frozenset({S.RESOLVED}), S.REOPENED),
}

# The history event each action records (report_events.kind).
EVENT_OF: dict[ReportAction, str] = {
    A.ACCEPT: "accepted",
    A.ASK: "question",
    A.NOTE: "note",
    A.RESOLVE: "resolved",
    A.REJECT: "rejected",
    A.REASSIGN: "reassigned",
    A.ESCALATE: "escalation_requested",
    A.ANSWER: "answer",
    A.ADD_INFO: "info_added",
    A.WITHDRAW: "withdrawn",
    A.CONFIRM: "confirmed",
    A.NOT_REMOVED: "not_removed",
}

# Every kind of history event, for the catalog check: the ones above plus the system's.
EVENT_KINDS: frozenset[str] = frozenset(EVENT_OF.values()) | {
    "submitted",
    "routed",
    "reopened",
    "overdue",
    "reminded",
    "escalated",
    "bundled",
    "decided",
    "decision_objected",
    "decision_implemented",
    "unstaffed",
}


class Audience(StrEnum):
    OWNER = "owner"
    AGENCY = "agency"  # its officers and its group chat
    SECRETARIAT = "secretariat"
    ADMIN = "admin"  # the admins: something only they can fix (an agency with no one)


@dataclass(frozen=True, slots=True)
class Notice:
    """Someone must be told something about a report, or about an HQ decision."""

    audience: Audience
    kind: str  # catalog key suffix: notify.<audience>_<kind>
    report: ReportDTO | None
    agency_id: int | None = None  # AGENCY audience: which agency; else the agency concerned
    note: str | None = None
    decision_id: int | None = None
    subject: str | None = None  # an agenda item's title
    when: date | datetime | None = None  # a session date or a deadline
    # The people to tell, read with the action that emits the notice (chat id, language;
    # None: the bot's default), so delivering needs no read of its own; None: look them
    # up when delivering (a notice replayed, from the outbox, or of another audience).
    recipients: tuple[tuple[int, str | None], ...] | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    report: ReportDTO
    event: str
    notices: tuple[Notice, ...] = field(default_factory=tuple)
    # The card as the actor now sees it, read in the action's transaction when asked for
    # (act's `with_card`); None: not read (or no longer theirs to see).
    card: ReportView | None = None


def dump_notices(notices: Sequence[Notice]) -> list[dict[str, Any]]:
    """Notices as JSON-ready dicts; the report is kept by id and reloaded when replayed."""
    result = []
    for n in notices:
        when: dict[str, str] | None = None
        if isinstance(n.when, datetime):
            when = {"datetime": n.when.isoformat()}
        elif isinstance(n.when, date):
            when = {"date": n.when.isoformat()}
        result.append(
            {
                "audience": n.audience.value,
                "kind": n.kind,
                "report": n.report.id if n.report else None,
                "agency": n.agency_id,
                "note": n.note,
                "decision": n.decision_id,
                "subject": n.subject,
                "when": when,
            }
        )
    return result


async def load_notices(repo: WorkflowRepository, raw: Sequence[dict[str, Any]]) -> list[Notice]:
    """The inverse of `dump_notices`, with each report as it is now."""
    ids = {int(r["report"]) for r in raw if r.get("report") is not None}
    reports = {r.id: r for r in await repo.reports(ids)}
    notices = []
    for r in raw:
        when_raw = r.get("when") or {}
        when: date | datetime | None = None
        if "datetime" in when_raw:
            when = datetime.fromisoformat(when_raw["datetime"])
        elif "date" in when_raw:
            when = date.fromisoformat(when_raw["date"])
        report_id = r.get("report")
        report = reports.get(int(report_id)) if report_id is not None else None
        if report_id is not None and report is None:
            continue  # the report is gone: nothing to tell about it
        notices.append(
            Notice(
                Audience(r["audience"]),
                str(r["kind"]),
                report,
                agency_id=r.get("agency"),
                note=r.get("note"),
                decision_id=r.get("decision"),
                subject=r.get("subject"),
                when=when,
            )
        )
    return notices


async def record_effect(
    session: AsyncSession,
    province_id: int,
    update_id: int | None,
    action: str,
    payload: dict[str, Any],
    notices: Sequence[Notice],
    now: datetime,
) -> None:
    """What handling this update did, with its notices, so a redelivered update is answered
    from here instead of acting twice; nothing is kept without an update (a job, the CLI)."""
    if update_id is None:
        return
    payload = {**payload, "notices": dump_notices(notices)}
    await EffectRepository(session, province_id).record(update_id, action, json.dumps(payload), now)


async def recalled_effect(
    session: AsyncSession, province_id: int, update_id: int | None, action: str
) -> tuple[dict[str, Any], list[Notice]] | None:
    """What an earlier handling of this update recorded for `action`, notices reloaded."""
    if update_id is None:
        return None
    raw = await EffectRepository(session, province_id).recorded(update_id, action)
    if raw is None:
        return None
    payload = json.loads(raw)
    return payload, await load_notices(WorkflowRepository(session), payload["notices"])


def unstaffed_notices(directory: Directory, report: ReportDTO) -> list[Notice]:
    """A report went to the HQ because its agency has nobody in the bot: the secretariat
    gets it, the admins are told whom to add (the agency's code rides in `subject`)."""
    agency = directory.agency(report.agency_id)
    return [
        Notice(Audience.SECRETARIAT, "unstaffed", report, agency_id=agency.id),
        Notice(Audience.ADMIN, "unstaffed", report, agency_id=agency.id, subject=agency.code),
    ]


class WorkflowError(RefusedError):
    """A refused action; `reason` is a catalog key suffix (workflow.error_<reason>).

    A length refusal carries the limits it was checked against and the length it was
    given, so the message states the same numbers the check used
    (bot.views.common.workflow_error fills {min}, {max} and {length}).
    """

    def __init__(
        self, reason: str, *, limits: tuple[int, int] | None = None, given: int | None = None
    ) -> None:
        super().__init__(reason)
        self.limits = limits
        self.given = given


def check_length(text: str, low: int, high: int, reason: str = "note_length") -> str:
    """The text stripped, or WorkflowError(reason) naming the limits."""
    text = text.strip()
    if not low <= len(text) <= high:
        raise WorkflowError(reason, limits=(low, high), given=len(text))
    return text


@dataclass(frozen=True, slots=True)
class InboxFilter:
    status: str | None = None  # None: every status the agency still works in
    category_id: int | None = None
    overdue: bool = False


def allowed(action: ReportAction, status: str, tracking: TrackingDTO) -> bool:
    """Whether the report's state allows `action` (who may is `access.may`'s question)."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        return False
    if action in (A.CONFIRM, A.NOT_REMOVED):
        return tracking.verdict is None
    return True


def available(principal: Principal, report: ReportDTO, tracking: TrackingDTO) -> list[ReportAction]:
    """The actions this person can take on this report now, in button order."""
    return [
        a for a in ReportAction if may(principal, a, report) and allowed(a, report.status, tracking)
    ]


class WorkflowService(CalendarService):
    def __init__(self, deps: ServiceDeps, *, grace_days: int = 3) -> None:
        super().__init__(deps)
        self._grace_days = grace_days

    # --- reading ----------------------------------------------------------------------

    async def tracking(self, report_id: int) -> TrackingDTO:
        async with self._db.session() as session:
            return await WorkflowRepository(session).tracking(report_id)

    async def available(self, principal: Principal, report: ReportDTO) -> list[ReportAction]:
        return available(principal, report, await self.tracking(report.id))

    async def inbox(
        self, principal: Principal, flt: InboxFilter, page: int, page_size: int = 5
    ) -> Page[ReportDTO]:
        if not principal.can(Permission.WORK_INBOX) or not principal.agency_ids:
            return Page((), 1, 1, 0)
        statuses = sorted(AGENCY_OPEN) if flt.status is None else [flt.status]
        async with self._db.session() as session:
            return await WorkflowRepository(session).inbox(
                self._directory.province_id,
                sorted(principal.agency_ids),
                statuses,
                now=self._clock.now(),
                category_id=flt.category_id,
                overdue_only=flt.overdue,
                page=page,
                page_size=page_size,
            )

    def is_overdue(self, report: ReportDTO, now: datetime | None = None) -> bool:
        return report.status in CLOCK_RUNNING and report.due_at < (now or self._clock.now())

    async def open_questions(self, owner_id: int, limit: int = 8) -> list[ReportDTO]:
        """The owner's reports awaiting their answer to the agency's question."""
        async with self._db.session() as session:
            return await ReportRepository(session).of_owner_in_status(
                owner_id, self._directory.province_id, S.AWAITING_OWNER.value, limit=limit
            )

    async def not_removed_counts(self) -> dict[int, int]:
        async with self._db.session() as session:
            return await WorkflowRepository(session).event_counts(
                self._directory.province_id, "not_removed"
            )

    # --- people acting ----------------------------------------------------------------

    async def check(self, principal: Principal, action: ReportAction, report_id: int) -> ReportDTO:
        """Raise unless `action` is possible now; used before asking for the text of it."""
        async with self._db.session() as session:
            report = await ReportRepository(session).get(report_id)
            tracking = await WorkflowRepository(session).tracking(report_id)
        self._check(principal, action, report, tracking)
        assert report is not None
        return report

    def _check(
        self,
        principal: Principal,
        action: ReportAction,
        report: ReportDTO | None,
        tracking: TrackingDTO,
    ) -> None:
        # Someone else's report and a report that does not exist look the same.
        if (
            report is None
            or report.province_id != self._directory.province_id
            or not may(principal, action, report)
        ):
            raise WorkflowError("not_found")
        if not allowed(action, report.status, tracking):
            raise WorkflowError("not_now")

    async def act(
        self,
        principal: Principal,
        action: ReportAction,
        report_id: int,
        *,
        note: str | None = None,
        agency_id: int | None = None,
        update_id: int | None = None,
        with_card: bool = False,
    ) -> Outcome:
        """Do `action`; the same `update_id` again returns the first outcome unchanged (looked
        up in this transaction, so a caller need not ask `replay` first)."""
        now = self._clock.now()
        actor = principal.user_id
        async with self._db.transaction() as session:
            earlier = await self._replayed(session, update_id)
            if earlier is not None:
                return earlier
            note = _checked_note(action, note)
            repo = WorkflowRepository(session)
            events = ReportRepository(session)
            report = await repo.lock_report(report_id)
            tracking = await repo.tracking(report_id)
            self._check(principal, action, report, tracking)
            assert report is not None
            before = report.status
            kind = EVENT_OF[action]
            target, event_agency = await self._apply(
                repo, action, report, tracking, agency_id, actor, now
            )
            closing = target in (S.RESOLVED, S.REJECTED, S.WITHDRAWN)
            await repo.update_report(
                report_id, now=now, status=target, closed=True if closing else None
            )
            await _record_action(
                events, action, report_id, before, target, event_agency, actor, note, now
            )
            if action is A.REASSIGN and event_agency is not None:
                await self._escalate_unreachable(repo, events, report_id, event_agency, now)
            (after,) = await repo.reports([report_id])  # locked above: a plain read
            notices = await _with_owner(session, self._notices(action, report, after, note))
            done = {"report": report_id, "event": kind}
            province = self._province
            await record_effect(session, province, update_id, EFFECT_ACTION, done, notices, now)
            card = (
                await read_view(session, province, principal, report_id, report=after)
                if with_card
                else None
            )
        return Outcome(after, kind, tuple(notices), card)

    async def _apply(
        self,
        repo: WorkflowRepository,
        action: ReportAction,
        report: ReportDTO,
        tracking: TrackingDTO,
        agency_id: int | None,
        actor: int,
        now: datetime,
    ) -> tuple[str | None, int | None]:
        """What the action changes besides the status: the tracking row, and for some the
        agency or the deadline. Returns the status to move to (None: it stays) and the
        agency the event names."""
        report_id = report.id
        transition = TRANSITIONS[action]
        target = transition.target.value if transition.target else None
        if action is A.ACCEPT:
            await repo.save_tracking(report_id, assignee_id=actor)
        elif action is A.ASK:
            await repo.save_tracking(
                report_id, paused_at=now, assignee_id=tracking.assignee_id or actor
            )
        elif action is A.ANSWER:
            await self._resume_clock(repo, report, tracking, now)
        elif action is A.REASSIGN:
            new_agency = self._new_agency(report, agency_id)
            await repo.update_report(
                report_id, now=now, agency_id=new_agency, due_at=self._due(report, now)
            )
            await repo.save_tracking(
                report_id, assignee_id=None, paused_at=None, overdue_at=None, reminded_at=None
            )
            return target, new_agency
        elif action is A.ESCALATE:
            await repo.save_tracking(report_id, escalated_at=now, paused_at=None)
        elif action is A.CONFIRM:
            await repo.save_tracking(report_id, verdict="removed")
        elif action is A.NOT_REMOVED:
            # Counts against the agency that resolved it: the event names that agency.
            escalated = await self._not_removed(repo, report, tracking, now)
            return (S.ESCALATED.value if escalated else target), report.agency_id
        return target, None

    async def _not_removed(
        self, repo: WorkflowRepository, report: ReportDTO, tracking: TrackingDTO, now: datetime
    ) -> bool:
        """The owner says the obstacle is still there: reopened with a new deadline the first
        time, escalated to the HQ the second (True)."""
        if tracking.reopen_count >= 1:
            await repo.save_tracking(report.id, verdict="not_removed", escalated_at=now)
            return True
        await repo.update_report(report.id, now=now, due_at=self._due(report, now), closed=False)
        await repo.save_tracking(
            report.id,
            verdict=None,
            reopen_count=tracking.reopen_count + 1,
            overdue_at=None,
            reminded_at=None,
            escalated_at=None,
        )
        return False

    def _due(self, report: ReportDTO, now: datetime) -> datetime:
        """A fresh deadline for the report: its category's working days from now."""
        category = self._directory.category(report.category_id)
        return self._calendar.add_working_days(now, category.deadline_days)

    async def _escalate_unreachable(
        self,
        repo: WorkflowRepository,
        events: ReportRepository,
        report_id: int,
        agency_id: int,
        now: datetime,
    ) -> None:
        """A report sent to the HQ itself, or to an agency where nobody would see it, goes to
        the HQ's queue at once."""
        to_hq = is_hq(self._directory.agency(agency_id))
        if not to_hq and agency_id not in await unstaffed_ids(repo.session, self._directory):
            return
        await repo.update_report(report_id, now=now, status=S.ESCALATED.value)
        await repo.save_tracking(report_id, escalated_at=now)
        await events.add_event(
            NewReportEvent(
                report_id,
                "escalated" if to_hq else UNSTAFFED_EVENT,
                from_status=S.REFERRED.value,
                to_status=S.ESCALATED.value,
                agency_id=agency_id,
                created_at=now,
            )
        )

    async def replay(self, update_id: int) -> Outcome | None:
        """The outcome an earlier handling of this update committed, if there was one."""
        async with self._db.session() as session:
            return await self._replayed(session, update_id)

    async def _replayed(self, session: AsyncSession, update_id: int | None) -> Outcome | None:
        found = await recalled_effect(
            session, self._directory.province_id, update_id, EFFECT_ACTION
        )
        if found is None:
            return None
        payload, notices = found
        report = await ReportRepository(session).get(int(payload["report"]))
        if report is None:
            return None
        return Outcome(report, str(payload["event"]), tuple(notices))

    def _new_agency(self, report: ReportDTO, agency_id: int | None) -> int:
        known = {a.id for a in self._directory.agencies}
        if agency_id is None or agency_id not in known or agency_id == report.agency_id:
            raise WorkflowError("bad_agency")
        return agency_id

    async def _resume_clock(
        self, repo: WorkflowRepository, report: ReportDTO, tracking: TrackingDTO, now: datetime
    ) -> None:
        """The working days the owner took to answer are given back to the agency."""
        if tracking.paused_at is not None:
            waited = self._calendar.working_days_between(tracking.paused_at, now)
            if waited > 0:
                due = self._calendar.add_working_days(report.due_at, waited)
                await repo.update_report(report.id, now=now, due_at=due)
        await repo.save_tracking(report.id, paused_at=None)

    def _notices(
        self, action: ReportAction, before: ReportDTO, after: ReportDTO, note: str | None
    ) -> list[Notice]:
        owner = Audience.OWNER
        agency = Audience.AGENCY
        if action is A.ACCEPT:
            return [Notice(owner, "accepted", after)]
        if action is A.ASK:
            return [Notice(owner, "question", after, note=note)]
        if action is A.RESOLVE:
            return [Notice(owner, "resolved", after, note=note)]
        if action is A.REJECT:
            return [Notice(owner, "rejected", after, note=note)]
        if action is A.REASSIGN and after.status == S.ESCALATED:
            if is_hq(self._directory.agency(after.agency_id)):
                # Referred to the HQ by way of reassigning: as any referral to the HQ.
                return [
                    Notice(Audience.SECRETARIAT, "escalated", after, agency_id=before.agency_id),
                    Notice(owner, "escalated", after),
                ]
            return [*unstaffed_notices(self._directory, after), Notice(owner, "escalated", after)]
        if action is A.REASSIGN:
            return [
                Notice(agency, "reassigned", after, agency_id=after.agency_id),
                Notice(owner, "reassigned", after),
            ]
        if action is A.ESCALATE:
            return [
                Notice(Audience.SECRETARIAT, "escalated", after, note=note),
                Notice(owner, "escalated", after),
            ]
        if action is A.ANSWER:
            return [Notice(agency, "answered", after, agency_id=after.agency_id, note=note)]
        if action is A.ADD_INFO:
            return [Notice(agency, "info", after, agency_id=after.agency_id, note=note)]
        if action is A.WITHDRAW:
            return [Notice(agency, "withdrawn", after, agency_id=after.agency_id)]
        if action is A.CONFIRM:
            return [Notice(agency, "confirmed", after, agency_id=after.agency_id)]
        if action is A.NOT_REMOVED:
            notices = [Notice(agency, "not_removed", after, agency_id=after.agency_id, note=note)]
            if after.status == S.ESCALATED:
                notices.append(Notice(Audience.SECRETARIAT, "escalated", after, note=note))
                notices.append(Notice(owner, "escalated", after))
            else:
                notices.append(Notice(owner, "reopened", after))
            return notices
        return []  # an internal note tells nobody

    # --- the clock acting -------------------------------------------------------------

    async def run_deadlines(self, now: datetime) -> list[Notice]:
        """Mark overdue reports, remind their agency once, escalate after the grace period.

        Idempotent: run it every few minutes; each report changes at most once per stage.
        """
        async with self._db.session() as session:
            candidates = await WorkflowRepository(session).past_due(
                self._directory.province_id, sorted(CLOCK_RUNNING), now
            )
        notices: list[Notice] = []
        for candidate in candidates:
            notices.extend(await self._deadline_step(candidate.id, now))
        return notices

    async def _deadline_step(self, report_id: int, now: datetime) -> Sequence[Notice]:
        async with self._db.transaction() as session:
            repo = WorkflowRepository(session)
            events = ReportRepository(session)
            report = await repo.lock_report(report_id)
            # Re-checked under the lock: someone may have acted since the scan.
            if report is None or report.status not in CLOCK_RUNNING or report.due_at >= now:
                return []
            tracking = await repo.tracking(report_id)
            escalate_at = self._calendar.add_working_days(report.due_at, self._grace_days)
            escalate = tracking.escalated_at is None and now >= escalate_at
            notices: list[Notice] = []
            if tracking.overdue_at is None:
                await events.add_event(
                    NewReportEvent(report_id, "overdue", agency_id=report.agency_id, created_at=now)
                )
                await repo.save_tracking(report_id, overdue_at=now)
                if not escalate:
                    await events.add_event(
                        NewReportEvent(
                            report_id, "reminded", agency_id=report.agency_id, created_at=now
                        )
                    )
                    await repo.save_tracking(report_id, reminded_at=now)
                    notices.append(
                        Notice(Audience.AGENCY, "overdue", report, agency_id=report.agency_id)
                    )
            if escalate:
                await repo.update_report(report_id, now=now, status=S.ESCALATED.value)
                await repo.save_tracking(report_id, escalated_at=now, paused_at=None)
                await events.add_event(
                    NewReportEvent(
                        report_id,
                        "escalated",
                        from_status=report.status,
                        to_status=S.ESCALATED.value,
                        agency_id=report.agency_id,
                        created_at=now,
                    )
                )
                after = await repo.lock_report(report_id)
                assert after is not None
                notices += [
                    Notice(Audience.SECRETARIAT, "escalated", after),
                    Notice(Audience.OWNER, "escalated", after),
                    Notice(Audience.AGENCY, "escalated", after, agency_id=after.agency_id),
                ]
            outbox = EffectRepository(session, self._directory.province_id)
            for notice in notices:
                await outbox.enqueue(json.dumps(dump_notices([notice])[0]), now)
            return notices

    async def unsent_notices(self) -> list[tuple[int, Notice]]:
        """The deadline notices not yet delivered, oldest first, with their outbox ids."""
        async with self._db.session() as session:
            rows = await EffectRepository(session, self._directory.province_id).unsent()
            repo = WorkflowRepository(session)
            result = []
            for outbox_id, raw in rows:
                found = await load_notices(repo, [json.loads(raw)])
                # A notice whose report is gone has nobody to reach: it counts as sent.
                result.append((outbox_id, found[0] if found else None))
        gone = [i for i, n in result if n is None]
        for outbox_id in gone:
            await self.notice_sent(outbox_id)
        return [(i, n) for i, n in result if n is not None]

    async def notice_sent(self, outbox_id: int) -> None:
        async with self._db.transaction() as session:
            await EffectRepository(session, self._directory.province_id).mark_sent(
                outbox_id, self._clock.now()
            )


async def _with_owner(session: AsyncSession, notices: list[Notice]) -> list[Notice]:
    """The owner's notices with the owner read in the action's transaction: nobody when
    the owner is gone or blocked the bot (handlers/notify.py would read the same row)."""
    owner_id = next(
        (n.report.owner_id for n in notices if n.audience is Audience.OWNER and n.report), None
    )
    if owner_id is None:
        return notices
    owner = await UserRepository(session).get(owner_id)
    reach = () if owner is None or owner.blocked else ((owner.id, owner.language),)
    # Every notice of one action is about its one report, so about one owner.
    return [replace(n, recipients=reach) if n.audience is Audience.OWNER else n for n in notices]


def _checked_note(action: ReportAction, note: str | None) -> str | None:
    """The action's note, trimmed; None for a blank one unless the action needs a note,
    which is then refused for its length."""
    note = (note or "").strip() or None
    if TRANSITIONS[action].needs_note or note is not None:
        return check_length(note or "", NOTE_MIN, NOTE_MAX)
    return note


async def _record_action(
    events: ReportRepository,
    action: ReportAction,
    report_id: int,
    before: str,
    target: str | None,
    agency_id: int | None,
    actor: int,
    note: str | None,
    now: datetime,
) -> None:
    """The action's event in the report's history; "not removed" is followed by the system's
    own move (escalated, or reopened)."""
    moved = target is not None and action is not A.NOT_REMOVED
    await events.add_event(
        NewReportEvent(
            report_id,
            EVENT_OF[action],
            actor_id=actor,
            from_status=before if moved else None,
            to_status=target if moved else None,
            agency_id=agency_id,
            note=note,
            internal=action is A.NOTE,
            created_at=now,
        )
    )
    if action is A.NOT_REMOVED:
        follow = "escalated" if target == S.ESCALATED else "reopened"
        await events.add_event(
            NewReportEvent(report_id, follow, from_status=before, to_status=target, created_at=now)
        )
