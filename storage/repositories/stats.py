"""Report statistics for officials: every figure is a GROUP BY in the database."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import seconds_between
from storage.dto import ReportEventDTO
from storage.dto_figures import AgencyTiming, ReportExportRow
from storage.models import Report, ReportEvent, Unit

# Events that are not a response: the owner's submission and the automatic routing.
NOT_RESPONSES = ("submitted", "routed")


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_status_category_agency(self, province_id: int) -> list[tuple[str, int, int, int]]:
        """(status, category_id, agency_id, count): three breakdowns from one scan."""
        rows = await self.session.execute(
            select(Report.status, Report.category_id, Report.agency_id, func.count())
            .where(Report.province_id == province_id)
            .group_by(Report.status, Report.category_id, Report.agency_id)
        )
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    async def by_county_sector(self, province_id: int) -> list[tuple[int, int, int]]:
        """(county_id, sector_id, count) of reports, by their unit's county and sector."""
        rows = await self.session.execute(
            select(Unit.county_id, Unit.sector_id, func.count())
            .select_from(Report)
            .join(Unit, Unit.id == Report.unit_id)
            .where(Report.province_id == province_id)
            .group_by(Unit.county_id, Unit.sector_id)
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    async def overdue_by_agency(
        self, province_id: int, now: datetime, open_statuses: Sequence[str]
    ) -> dict[int, int]:
        # IN over the open statuses (not NOT IN the closed ones): one index range per status.
        rows = await self.session.execute(
            select(Report.agency_id, func.count())
            .where(
                Report.province_id == province_id,
                Report.status.in_(open_statuses),
                Report.due_at < now,
            )
            .group_by(Report.agency_id)
        )
        return {r[0]: int(r[1]) for r in rows}

    async def weekly(self, province_id: int, week_starts: Sequence[datetime]) -> list[int]:
        """Reports created in each week [start[i], start[i+1]); the last bound is exclusive.

        One range scan with a CASE per week: portable, and it uses the created_at index.
        """
        buckets = [
            func.sum(
                case(
                    (and_(Report.created_at >= lo, Report.created_at < hi), 1),
                    else_=0,
                )
            )
            for lo, hi in itertools.pairwise(week_starts)
        ]
        row = (
            await self.session.execute(
                select(*buckets).where(
                    Report.province_id == province_id,
                    Report.created_at >= week_starts[0],
                    Report.created_at < week_starts[-1],
                )
            )
        ).one()
        return [int(v or 0) for v in row]

    async def timings(self, province_id: int, resolved: Sequence[str]) -> list[AgencyTiming]:
        """Median time to first response and to resolution, per responsible agency.

        First response: the first event by someone other than the owner that is not the
        submission or the routing (an officer accepting, answering, asking, resolving...).
        Resolution: the first event that moved the report to a resolved status. Medians are
        computed with window functions (ROW_NUMBER/COUNT), which SQLite and PostgreSQL share.
        """
        dialect = self.session.get_bind().dialect.name
        e, r = ReportEvent, Report
        is_response = and_(
            e.actor_id.is_not(None), e.actor_id != r.owner_id, e.kind.not_in(NOT_RESPONSES)
        )
        firsts = (
            select(
                r.agency_id.label("agency_id"),
                r.created_at.label("created_at"),
                func.min(case((is_response, e.created_at))).label("responded_at"),
                func.min(case((e.to_status.in_(resolved), e.created_at))).label("resolved_at"),
            )
            .join(e, e.report_id == r.id)
            .where(r.province_id == province_id)
            .group_by(r.id, r.agency_id, r.created_at)
            .cte("firsts")
        )
        result: dict[int, dict[str, tuple[int, float | None]]] = {}
        for name, column in (
            ("response", firsts.c.responded_at),
            ("resolution", firsts.c.resolved_at),
        ):
            seconds = seconds_between(dialect, column, firsts.c.created_at)
            durations = (
                select(firsts.c.agency_id.label("agency_id"), seconds.label("d"))
                .where(column.is_not(None))
                .cte(f"d_{name}")
            )
            ranked = select(
                durations.c.agency_id,
                durations.c.d,
                func.row_number()
                .over(partition_by=durations.c.agency_id, order_by=durations.c.d)
                .label("rn"),
                func.count().over(partition_by=durations.c.agency_id).label("n"),
            ).subquery("ranked")
            middle = ranked.c.rn.in_(
                [(ranked.c.n + 1) / literal_column("2"), (ranked.c.n + 2) / literal_column("2")]
            )
            rows = await self.session.execute(
                select(ranked.c.agency_id, func.avg(ranked.c.d), func.max(ranked.c.n))
                .where(middle)
                .group_by(ranked.c.agency_id)
            )
            for agency_id, median, n in rows:
                result.setdefault(agency_id, {})[name] = (int(n), float(median))
        timings = []
        for agency_id, values in sorted(result.items()):
            response = values.get("response", (0, None))
            resolution = values.get("resolution", (0, None))
            timings.append(
                AgencyTiming(
                    agency_id=agency_id,
                    responded=response[0],
                    median_first_response_s=response[1],
                    resolved=resolution[0],
                    median_resolution_s=resolution[1],
                )
            )
        return timings

    async def latest_reports(self, province_id: int, limit: int) -> list[ReportExportRow]:
        """The newest reports with their unit's name, county and sector (exports)."""
        rows = await self.session.execute(
            select(
                Report.id,
                Report.year,
                Report.seq,
                Unit.name.label("unit_name"),
                Unit.county_id,
                Unit.sector_id,
                Report.category_id,
                Report.agency_id,
                Report.status,
                Report.amount_rials,
                Report.description,
                Report.created_at,
                Report.due_at,
                Report.closed_at,
            )
            .join(Unit, Unit.id == Report.unit_id)
            .where(Report.province_id == province_id)
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(limit)
        )
        return [ReportExportRow(**row._mapping) for row in rows]

    async def events_of(self, report_ids: Sequence[int]) -> list[ReportEventDTO]:
        """Public history (no internal notes) of the given reports, in chunks of ids."""
        events: list[ReportEventDTO] = []
        for start in range(0, len(report_ids), 500):
            chunk = report_ids[start : start + 500]
            rows = await self.session.scalars(
                select(ReportEvent)
                .where(ReportEvent.report_id.in_(chunk), ReportEvent.internal.is_(False))
                .order_by(ReportEvent.report_id, ReportEvent.id)
            )
            events.extend(
                ReportEventDTO(
                    id=r.id,
                    report_id=r.report_id,
                    actor_id=r.actor_id,
                    kind=r.kind,
                    from_status=r.from_status,
                    to_status=r.to_status,
                    agency_id=r.agency_id,
                    note=r.note,
                    internal=r.internal,
                    created_at=r.created_at,
                )
                for r in rows
            )
        return events
