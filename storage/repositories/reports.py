"""Obstacle reports, their attachments and their append-only history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Select, select

from storage.dialect import upsert_insert
from storage.dto import AttachmentDTO, OwnerContactDTO, Page, ReportDTO, ReportEventDTO
from storage.figures import FigureWriter, ReportState
from storage.models import (
    Report,
    ReportAttachment,
    ReportEvent,
    TrackingCounter,
    Unit,
    User,
)
from storage.new_rows import NewAttachment, NewReport, NewReportEvent
from storage.repositories.rows import Repository, fields_of, newest_first, to_dto

# The columns of a ReportHeadDTO, in its order: a caller selects them and adds its own.
REPORT_HEAD = (
    Report.id,
    Report.year,
    Report.seq,
    Report.status,
    Report.category_id,
    Report.agency_id,
)


def _report_select() -> Select[Report, str]:
    return select(Report, Unit.name).join(Unit, Unit.id == Report.unit_id)


def _dto(row: Report, unit_name: str) -> ReportDTO:
    # The attachment count is filled in only where a caller asks for it.
    return to_dto(ReportDTO, row, unit_name=unit_name, attachments=0)


class ReportRepository(Repository):
    async def next_sequence(self, province_id: int, year: int) -> int:
        """Hand out the next tracking sequence for a year, atomically on both dialects."""
        insert = upsert_insert(self.session, TrackingCounter)
        stmt = (
            insert.values(province_id=province_id, year=year, last_seq=1)
            .on_conflict_do_update(
                index_elements=["province_id", "year"],
                set_={"last_seq": TrackingCounter.last_seq + 1},
            )
            .returning(TrackingCounter.last_seq)
        )
        value = (await self.session.execute(stmt)).scalar_one()
        return int(value)

    async def add(self, new: NewReport, *, source_update_id: int | None = None) -> int:
        row = await self.inserted(
            Report, new, updated_at=new.created_at, source_update_id=source_update_id
        )
        await FigureWriter(self.session).report_added(
            province_id=new.province_id,
            unit_id=new.unit_id,
            category_id=new.category_id,
            state=ReportState(new.status, new.agency_id, new.due_at),
            created_at=new.created_at,
        )
        return row.id

    async def add_event(self, event: NewReportEvent) -> None:
        # Before the event is added: the writer compares it with the report's earlier ones.
        await FigureWriter(self.session).event_added(event)
        self.session.add(ReportEvent(**fields_of(event)))

    async def add_attachments(self, report_id: int, attachments: Sequence[NewAttachment]) -> None:
        self.session.add_all(
            ReportAttachment(report_id=report_id, **fields_of(a)) for a in attachments
        )

    async def get(self, report_id: int) -> ReportDTO | None:
        row = (await self.session.execute(_report_select().where(Report.id == report_id))).first()
        if row is None:
            return None
        report = _dto(row[0], row[1])
        count = await self.count(ReportAttachment, ReportAttachment.report_id == report_id)
        return replace(report, attachments=count)

    async def by_number(self, province_id: int, year: int, seq: int) -> ReportDTO | None:
        report_id = await self.session.scalar(
            select(Report.id).where(
                Report.province_id == province_id, Report.year == year, Report.seq == seq
            )
        )
        return await self.get(report_id) if report_id is not None else None

    async def by_source_update(self, owner_id: int, update_id: int) -> ReportDTO | None:
        report_id = await self.session.scalar(
            select(Report.id).where(
                Report.owner_id == owner_id, Report.source_update_id == update_id
            )
        )
        return await self.get(report_id) if report_id is not None else None

    async def of_owner_in_status(
        self, owner_id: int, province_id: int, status: str, *, limit: int
    ) -> list[ReportDTO]:
        """The owner's reports in one status, the most recently changed first."""
        rows = await self.session.execute(
            _report_select()
            .where(
                Report.owner_id == owner_id,
                Report.province_id == province_id,
                Report.status == status,
            )
            .order_by(*newest_first(Report.updated_at))
            .limit(limit)
        )
        return [_dto(report, unit_name) for report, unit_name in rows]

    async def of_owner(
        self, owner_id: int, province_id: int, *, page: int, page_size: int
    ) -> Page[ReportDTO]:
        condition = (Report.owner_id == owner_id) & (Report.province_id == province_id)
        total = await self.count(Report, condition)
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        rows = await self.session.execute(
            _report_select()
            .where(condition)
            .order_by(*newest_first(Report.created_at))
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        items = tuple(_dto(r, name) for r, name in rows)
        return Page(items=items, page=page, pages=pages, total=total)

    async def count_created_since(self, owner_id: int, since: datetime) -> int:
        return await self.count(Report, Report.owner_id == owner_id, Report.created_at >= since)

    async def events(self, report_id: int, *, include_internal: bool) -> list[ReportEventDTO]:
        stmt = select(ReportEvent).where(ReportEvent.report_id == report_id)
        if not include_internal:
            stmt = stmt.where(ReportEvent.internal.is_(False))
        rows = await self.session.scalars(stmt.order_by(ReportEvent.id))
        return [to_dto(ReportEventDTO, r) for r in rows]

    async def owner_contact(self, report_id: int) -> OwnerContactDTO | None:
        """The owner's name and the phone given with the report's unit."""
        row = (
            await self.session.execute(
                select(User.first_name, User.last_name, User.username, Unit.phone)
                .select_from(Report)
                .join(Unit, Unit.id == Report.unit_id)
                .join(User, User.id == Report.owner_id)
                .where(Report.id == report_id)
            )
        ).one_or_none()
        if row is None:
            return None
        first, last, username, phone = row
        name = " ".join(p for p in (first, last) if p)
        return OwnerContactDTO(name=name, username=username, phone=phone)

    async def attachments(self, report_id: int) -> list[AttachmentDTO]:
        rows = await self.session.scalars(
            select(ReportAttachment)
            .where(ReportAttachment.report_id == report_id)
            .order_by(ReportAttachment.id)
        )
        return [AttachmentDTO(r.id, r.kind, r.file_id, r.file_name) for r in rows]
