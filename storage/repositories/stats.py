"""Report statistics for officials, read from the figures kept on write (storage/figures.py).

Every read here touches the small figure tables (a few thousand rows at most) plus, for
"overdue now", the reports due in the current due bucket through the inbox index; none
scans the reports.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from storage.dto import ReportEventDTO
from storage.dto_figures import AgencyTiming, ReportExportRow
from storage.figures import (
    DUE_BUCKET_S,
    EPOCH,
    OPEN_STATUSES,
    SLOT_S,
    Figures,
    epoch_s,
    maintained_figures,
    recount_figures,
)
from storage.models import Report, ReportEvent, Unit
from storage.models_figures import (
    ReportCount,
    ReportCreatedSlot,
    ReportDurationCount,
    ReportDurationMedian,
    ReportOpenDue,
)
from storage.repositories.rows import Repository, newest_first, to_dto


class StatsRepository(Repository):
    async def counts(self, province_id: int) -> dict[str, dict[str, int]]:
        """dimension (status, category, agency, county, sector) -> key -> reports."""
        rows = await self.session.execute(
            select(ReportCount.dimension, ReportCount.key, ReportCount.n).where(
                ReportCount.province_id == province_id, ReportCount.n != 0
            )
        )
        found: dict[str, dict[str, int]] = defaultdict(dict)
        for dimension, key, n in rows:
            found[dimension][key] = int(n)
        return found

    async def overdue_by_agency(self, province_id: int, now: datetime) -> dict[int, int]:
        """Open reports past their due time, per agency: the due buckets wholly past, plus
        the current bucket's reports due before now (counted on the inbox index)."""
        current = epoch_s(now) // DUE_BUCKET_S
        d = ReportOpenDue
        rows = await self.session.execute(
            select(
                d.agency_id,
                func.sum(case((d.bucket < current, d.n), else_=0)),
                func.sum(case((d.bucket == current, d.n), else_=0)),
            )
            .where(d.province_id == province_id, d.bucket <= current)
            .group_by(d.agency_id)
        )
        overdue: dict[int, int] = {}
        in_current: list[int] = []
        for agency_id, past, now_bucket in rows:
            if past:
                overdue[agency_id] = int(past)
            if now_bucket:
                in_current.append(agency_id)
        if in_current:
            since = EPOCH + timedelta(seconds=current * DUE_BUCKET_S)
            partial = await self.session.execute(
                select(Report.agency_id, func.count())
                .where(
                    Report.province_id == province_id,
                    Report.agency_id.in_(sorted(in_current)),
                    Report.status.in_(OPEN_STATUSES),
                    Report.due_at >= since,
                    Report.due_at < now,
                )
                .group_by(Report.agency_id)
            )
            for agency_id, n in partial:
                overdue[agency_id] = overdue.get(agency_id, 0) + int(n)
        return {a: n for a, n in overdue.items() if n}

    async def weekly(self, province_id: int, week_starts: Sequence[datetime]) -> list[int]:
        """Reports created in each week [start[i], start[i+1]); the last bound is exclusive.

        Week starts are local midnights, which fall on the 15-minute slots' boundaries. One
        key range per week, summed without a CASE per row (a week is 672 slot rows)."""
        slots = [epoch_s(start) // SLOT_S for start in week_starts]
        s = ReportCreatedSlot
        weeks = [
            select(literal(i).label("week"), func.coalesce(func.sum(s.n), 0).label("n")).where(
                s.province_id == province_id, s.slot >= lo, s.slot < hi
            )
            for i, (lo, hi) in enumerate(itertools.pairwise(slots))
        ]
        rows = (await self.session.execute(union_all(*weeks))).all()
        found: dict[int, int] = {int(week): int(n) for week, n in rows}
        return [int(found.get(i) or 0) for i in range(len(slots) - 1)]

    async def timings(self, province_id: int) -> list[AgencyTiming]:
        """Median time to first response and to resolution, per responsible agency.

        From the medians' positions kept on write (report_duration_medians) with their
        bucket's count and, for an even total whose upper middle rank lies further up, the
        next non-empty bucket: one row per agency and kind, whatever the number of reports.
        Precision is the histogram's (minutes under an hour, hours above: what /stats shows).
        """
        m, h = ReportDurationMedian, ReportDurationCount
        upper = aliased(ReportDurationCount)
        same = (
            (upper.province_id == m.province_id)
            & (upper.kind == m.kind)
            & (upper.agency_id == m.agency_id)
        )
        following = (
            select(func.min(upper.minutes))
            .where(same, upper.minutes > m.minutes, upper.n > 0)
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(m.kind, m.agency_id, m.total, m.below, m.minutes, h.n, following)
            .join(
                h,
                (h.province_id == m.province_id)
                & (h.kind == m.kind)
                & (h.agency_id == m.agency_id)
                & (h.minutes == m.minutes),
            )
            .where(m.province_id == province_id, m.total > 0)
        )
        found: dict[int, dict[str, tuple[int, float]]] = {}
        for kind, agency_id, total, below, minutes, here, after in rows:
            high = int(total) // 2 + 1  # the upper middle rank: the lower one for an odd total
            second = minutes if high <= int(below) + int(here) else after
            median = (minutes + (second if second is not None else minutes)) * 30.0
            found.setdefault(agency_id, {})[kind] = (int(total), median)
        timings = []
        for agency_id, medians in sorted(found.items()):
            response = medians.get("response")
            resolution = medians.get("resolution")
            timings.append(
                AgencyTiming(
                    agency_id=agency_id,
                    responded=response[0] if response else 0,
                    median_first_response_s=response[1] if response else None,
                    resolved=resolution[0] if resolution else 0,
                    median_resolution_s=resolution[1] if resolution else None,
                )
            )
        return timings

    async def maintained_figures(self) -> Figures:
        """The figures as the write paths kept them (compare with recount_figures)."""
        return await maintained_figures(self.session)

    async def recount_figures(self) -> Figures:
        """The same figures counted from the rows now: the invariant's reference."""
        return await recount_figures(self.session)

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
            .order_by(*newest_first(Report.created_at))
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
            events.extend(to_dto(ReportEventDTO, r) for r in rows)
        return events
