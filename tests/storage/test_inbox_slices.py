"""The inbox's two slices (overdue, then not yet due) page exactly like one ordered list.

On a small generated province (bench/generate.py: also its smoke test for the figures'
extensions), every page of a busy agency's inbox, with and without filters, is compared
with the order computed here from all its open reports: past due first, then the newest.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, select

from bench.generate import generate
from bot.services.workflow import AGENCY_OPEN
from storage.db import Database
from storage.models import Report
from storage.models_digest import DigestSubscription
from storage.models_loans import LoanFacility, LoanImport
from storage.models_programs import Program, ProgramUpdate
from storage.models_workflow import ReportTracking
from storage.repositories.workflow import WorkflowRepository

PAGE = 5


async def test_inbox_pages_follow_one_order(database_url: str) -> None:
    world = await generate(database_url, reports=3_000, units=40, officials=20)
    database = Database(database_url)
    try:
        async with database.session() as session:
            counts = {
                model.__name__: await session.scalar(select(func.count()).select_from(model))
                for model in (
                    LoanFacility,
                    LoanImport,
                    ProgramUpdate,
                    ReportTracking,
                    DigestSubscription,
                )
            }
            assert all(counts.values()), counts
            assert await session.scalar(select(func.min(Program.progress))) is not None
            rows = (
                await session.execute(
                    select(Report.id, Report.created_at, Report.due_at, Report.category_id).where(
                        Report.agency_id == world.busy_agency_id,
                        Report.status.in_(sorted(AGENCY_OPEN)),
                    )
                )
            ).all()
            # "Now" in the middle of the open reports: both slices are long.
            now = sorted(r.due_at for r in rows)[len(rows) // 2]
            assert len(rows) > 4 * PAGE
            repo = WorkflowRepository(session)
            category = rows[0].category_id
            for overdue_only, category_id in ((False, None), (True, None), (False, category)):
                chosen = [
                    r
                    for r in rows
                    if (not overdue_only or r.due_at < now)
                    and (category_id is None or r.category_id == category_id)
                ]
                expected = [
                    r.id
                    for r in sorted(
                        chosen, key=lambda r: (r.due_at >= now, _neg(r.created_at), -r.id)
                    )
                ]
                inbox = partial(
                    repo.inbox,
                    world.province_id,
                    [world.busy_agency_id],
                    sorted(AGENCY_OPEN),
                    now=now,
                    category_id=category_id,
                    overdue_only=overdue_only,
                    page_size=PAGE,
                )
                first = await inbox()
                assert first.total == len(expected)
                seen: list[int] = []
                for page in range(1, first.pages + 1):
                    seen += [r.id for r in (await inbox(page=page)).items]
                assert seen == expected, (overdue_only, category_id)
    finally:
        await database.dispose()


def _neg(moment: datetime) -> timedelta:
    """Newest first inside a slice, as a sort key."""
    return datetime(2000, 1, 1, tzinfo=moment.tzinfo) - moment
