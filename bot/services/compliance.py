"""The compliance board: per agency, what became of the HQ decisions naming it.

Every figure is computed from the rows of `decision_agencies` (the agency's answer and
when it came) and `hq_decision_followups` (objections the secretariat upheld), for the
decisions made in a Jalali month, season or year.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from bot.access import Permission, Principal
from bot.clock import Clock
from bot.services.base import ProvinceService
from bot.services.directory import Directory
from bot.services.workflow import WorkflowError
from storage.db import Database
from storage.dto_workflow import DecisionAgencyDTO, DecisionDTO
from storage.models_workflow import AgencyResponse
from storage.repositories.sessions import SessionRepository
from storage.repositories.workflow import WorkflowRepository

PERIODS = ("month", "season", "year")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # month | season | year
    year: int  # Jalali
    index: int  # month 1..12, season 1..4, or 0 for the year
    start: datetime
    end: datetime  # exclusive


def period_of(kind: str, now: datetime, tz: ZoneInfo) -> Period:
    """The Jalali month, season or year that contains `now`."""
    if kind not in PERIODS:
        raise WorkflowError("not_now")
    today = jdatetime.date.fromgregorian(date=now.astimezone(tz).date())
    if kind == "month":
        first, last = (today.year, today.month), _next(today.year, today.month, 1)
        index = today.month
    elif kind == "season":
        index = (today.month - 1) // 3 + 1
        first = (today.year, 3 * index - 2)
        last = _next(*first, 3)
    else:
        first, last, index = (today.year, 1), (today.year + 1, 1), 0
    return Period(kind, today.year, index, _start(*first, tz), _start(*last, tz))


def _next(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _start(year: int, month: int, tz: ZoneInfo) -> datetime:
    day = jdatetime.date(year, month, 1).togregorian()
    return datetime(day.year, day.month, day.day, tzinfo=tz)


@dataclass(frozen=True, slots=True)
class AgencyCompliance:
    agency_id: int
    assigned: int
    on_time: int
    late: int
    overdue: int
    objected: int
    upheld: int
    median_days: float | None

    @property
    def implemented(self) -> int:
        return self.on_time + self.late

    @property
    def share(self) -> float:
        return self.implemented / self.assigned if self.assigned else 0.0


def tally(
    agency_id: int,
    rows: list[tuple[DecisionDTO, DecisionAgencyDTO]],
    upheld: set[tuple[int, int]],
    now: datetime,
) -> AgencyCompliance:
    """One agency's line of the board from its decision rows, as it stood at `now`
    (an implementation reported later does not count yet)."""
    on_time = late = overdue = objected = upheld_count = 0
    days: list[float] = []
    for decision, answer in rows:
        if (
            answer.state == AgencyResponse.IMPLEMENTED
            and answer.responded_at is not None
            and answer.responded_at <= now
        ):
            if answer.responded_at <= decision.deadline_at:
                on_time += 1
            else:
                late += 1
            days.append((answer.responded_at - decision.created_at).total_seconds() / 86400)
        elif now > decision.deadline_at and (decision.id, agency_id) not in upheld:
            overdue += 1
        if answer.objection is not None:
            objected += 1
        if (decision.id, agency_id) in upheld:
            upheld_count += 1
    return AgencyCompliance(
        agency_id=agency_id,
        assigned=len(rows),
        on_time=on_time,
        late=late,
        overdue=overdue,
        objected=objected,
        upheld=upheld_count,
        median_days=round(statistics.median(days), 1) if days else None,
    )


class ComplianceService(ProvinceService):
    def __init__(self, database: Database, directory: Directory, clock: Clock, tz: ZoneInfo):
        super().__init__(database, directory, clock)
        self.tz = tz

    async def board(
        self, principal: Principal | None, kind: str = "year"
    ) -> tuple[Period, list[AgencyCompliance]]:
        """Worst first: the lowest share implemented, then the most overdue.

        `principal` None: the digest asks, having picked its readers by role.
        """
        if principal is not None and not (
            principal.can(Permission.VIEW_PROVINCE) or principal.can(Permission.MANAGE_AGENDA)
        ):
            raise WorkflowError("not_allowed")
        now = self._clock.now()
        period = period_of(kind, now, self.tz)
        return period, await self.lines(period.start, period.end, now)

    async def lines(self, start: datetime, end: datetime, now: datetime) -> list[AgencyCompliance]:
        """The board of decisions made in [start, end) and before `now`, as at `now`."""
        async with self._db.session() as session:
            decisions = [
                d
                for d in await WorkflowRepository(session).decisions(self._directory.province_id)
                if start <= d.created_at < end and d.created_at <= now
            ]
            followups = await SessionRepository(session).followups(d.id for d in decisions)
        upheld = {(f.decision_id, f.agency_id) for f in followups if f.upheld_at is not None}
        per_agency: dict[int, list[tuple[DecisionDTO, DecisionAgencyDTO]]] = {}
        for decision in decisions:
            for answer in decision.agencies:
                per_agency.setdefault(answer.agency_id, []).append((decision, answer))
        order = {a.id: i for i, a in enumerate(self._directory.agencies)}
        lines = [tally(a, rows, upheld, now) for a, rows in per_agency.items()]
        lines.sort(key=lambda c: (c.share, -c.overdue, -c.assigned, order.get(c.agency_id, 0)))
        return lines

    async def head(
        self, now: datetime
    ) -> tuple[Period, float, float | None, list[AgencyCompliance]]:
        """For the weekly digest: this year's share implemented now and a week ago (None
        if nothing had been decided then), and the board, worst first."""
        period = period_of("year", now, self.tz)
        lines = await self.lines(period.start, period.end, now)
        before = await self.lines(period.start, period.end, now - timedelta(days=7))
        return period, overall(lines) or 0.0, overall(before), lines


def overall(lines: list[AgencyCompliance]) -> float | None:
    assigned = sum(line.assigned for line in lines)
    return sum(line.implemented for line in lines) / assigned if assigned else None
