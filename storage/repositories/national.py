"""Figures across every province the database serves (the ministry's roll-up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from storage.dto import ProvinceDTO
from storage.models import CLOSED_REPORT_STATUSES, Province, Report
from storage.repositories.rows import Repository, to_dto


@dataclass(frozen=True, slots=True)
class StatusCount:
    province_id: int
    status: str
    reports: int
    overdue: int  # still open past the response deadline


class NationalRepository(Repository):
    async def provinces(self) -> list[ProvinceDTO]:
        rows = await self.session.scalars(select(Province).order_by(Province.id))
        return [to_dto(ProvinceDTO, r) for r in rows]

    async def report_counts(self, now: datetime) -> list[StatusCount]:
        """Reports per province and status in one grouped query (index: province, created)."""
        # Open by status, as the digest and /stats count it: a decided report has no
        # closed_at (the HQ's decision is not the agency's closing) but owes nothing more.
        still_open = Report.status.not_in(sorted(CLOSED_REPORT_STATUSES))
        overdue = func.sum(case((still_open & (Report.due_at < now), 1), else_=0))
        rows = await self.session.execute(
            select(Report.province_id, Report.status, func.count(), overdue)
            .group_by(Report.province_id, Report.status)
            .order_by(Report.province_id, Report.status)
        )
        return [StatusCount(int(p), str(s), int(n), int(o or 0)) for p, s, n, o in rows]
