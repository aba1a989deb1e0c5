"""The key programs, their progress history and the reports linked to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select

from storage.dialect import upsert_insert
from storage.dto_figures import LinkedReportDTO, ProgramDTO, ProgramUpdateDTO
from storage.models import INT4_MAX, Report
from storage.models_programs import Program, ProgramReportLink, ProgramUpdate
from storage.new_rows import NewProgramUpdate
from storage.repositories.reports import REPORT_HEAD
from storage.repositories.rows import Repository, fields_of, newest_first, to_dto

# Fields an admin may edit one by one; anything else goes through a program-set file.
EDITABLE_FIELDS = frozenset(
    {"title_fa", "title_en", "agency_id", "target_fa", "target_en", "starts_on", "due_on"}
)


# The columns of a LinkedReportDTO but `explicit`, in its order.
_LinkedRows = Select[int, int, int, str, int, int, datetime]


class ProgramRepository(Repository):
    async def all(self, province_id: int) -> list[ProgramDTO]:
        return await self.province_dtos(ProgramDTO, Program, province_id, Program.number)

    async def get(self, program_id: int) -> ProgramDTO | None:
        return await self.dto_by_id(ProgramDTO, Program, program_id)

    async def by_number(self, province_id: int, number: int) -> ProgramDTO | None:
        if not 0 < number <= INT4_MAX:
            return None  # a typed number beyond the column's range (int4): no such program
        row = await self.session.scalar(
            select(Program).where(Program.province_id == province_id, Program.number == number)
        )
        return to_dto(ProgramDTO, row) if row else None

    async def updates(self, program_id: int, limit: int) -> list[ProgramUpdateDTO]:
        rows = await self.session.scalars(
            select(ProgramUpdate)
            .where(ProgramUpdate.program_id == program_id)
            .order_by(ProgramUpdate.id.desc())
            .limit(limit)
        )
        return [to_dto(ProgramUpdateDTO, r) for r in rows]

    async def all_updates(self, province_id: int) -> list[ProgramUpdateDTO]:
        rows = await self.session.scalars(
            select(ProgramUpdate)
            .join(Program, Program.id == ProgramUpdate.program_id)
            .where(Program.province_id == province_id)
            .order_by(Program.number, ProgramUpdate.id)
        )
        return [to_dto(ProgramUpdateDTO, r) for r in rows]

    async def updates_between(
        self, province_id: int, start: datetime, end: datetime
    ) -> list[ProgramUpdateDTO]:
        """Updates posted in [start, end), by program number, newest last."""
        rows = await self.session.scalars(
            select(ProgramUpdate)
            .join(Program, Program.id == ProgramUpdate.program_id)
            .where(
                Program.province_id == province_id,
                ProgramUpdate.created_at >= start,
                ProgramUpdate.created_at < end,
            )
            .order_by(Program.number, ProgramUpdate.id)
        )
        return [to_dto(ProgramUpdateDTO, r) for r in rows]

    async def evidence(self, update_id: int) -> tuple[str, str] | None:
        row = await self.session.get(ProgramUpdate, update_id)
        if row is None or row.evidence_kind is None or row.evidence_file_id is None:
            return None
        return row.evidence_kind, row.evidence_file_id

    async def add_update(self, new: NewProgramUpdate) -> ProgramUpdateDTO:
        row = ProgramUpdate(**fields_of(new))
        self.session.add(row)
        program = await self.session.get(Program, new.program_id, with_for_update=True)
        assert program is not None
        # The newest measurement wins, by the day it was measured, not the day it was typed.
        latest = await self.session.scalar(
            select(func.max(ProgramUpdate.reported_on)).where(
                ProgramUpdate.program_id == new.program_id
            )
        )
        if latest is None or new.reported_on >= latest:
            program.progress = new.percent
        program.last_update_at = new.created_at
        await self.session.flush()
        return to_dto(ProgramUpdateDTO, row)

    async def edit(
        self, program_id: int, field: str, value: Any, *, by: int, now: datetime
    ) -> bool:
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} is not editable")
        changes = {field: value, "updated_by": by, "updated_at": now}
        return await self.change(Program, program_id, **changes)

    async def upsert(self, province_id: int, fields: dict[str, Any], *, by: int | None) -> bool:
        """Insert a program or update the one with the same code; True when it was new."""
        row = await self.session.scalar(
            select(Program).where(
                Program.province_id == province_id, Program.code == fields["code"]
            )
        )
        if row is None:
            self.session.add(Program(province_id=province_id, progress=0, updated_by=by, **fields))
            await self.session.flush()
            return True
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_by = by
        await self.session.flush()
        return False

    async def numbers_by_code(self, province_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(Program.code, Program.number).where(Program.province_id == province_id)
        )
        return dict(rows.all())

    # --- links to obstacle reports ---------------------------------------------------

    async def link(self, program_id: int, report_id: int, *, by: int | None, now: datetime) -> bool:
        insert = upsert_insert(self.session, ProgramReportLink)
        result = await self.session.execute(
            insert.values(program_id=program_id, report_id=report_id, linked_by=by, linked_at=now)
            .on_conflict_do_nothing()
            .returning(ProgramReportLink.report_id)
        )
        return result.first() is not None

    async def unlink(self, program_id: int, report_id: int) -> bool:
        result = await self.session.execute(
            delete(ProgramReportLink)
            .where(
                ProgramReportLink.program_id == program_id,
                ProgramReportLink.report_id == report_id,
            )
            .returning(ProgramReportLink.report_id)
        )
        return result.first() is not None

    async def linked_reports(
        self, program: ProgramDTO, province_id: int, limit: int
    ) -> tuple[int, list[LinkedReportDTO]]:
        """The latest linked reports and how many there are in all.

        Two index-friendly queries (by category, by explicit link) rather than one OR that
        would scan every report; a report linked both ways is counted once.
        """
        columns = (*REPORT_HEAD, Report.created_at)
        items: dict[int, LinkedReportDTO] = {}
        total = 0
        explicit_other = (
            select(*columns)
            .join(ProgramReportLink, ProgramReportLink.report_id == Report.id)
            .where(ProgramReportLink.program_id == program.id)
        )
        if program.category_id is not None:
            # A report linked by hand that is also in the category counts once, as explicit.
            explicit_other = explicit_other.where(Report.category_id != program.category_id)
            by_category = Report.category_id == program.category_id
            total += await self.count(Report, by_category, Report.province_id == province_id)
            in_category = select(*columns).where(by_category, Report.province_id == province_id)
            items.update(await self._latest(in_category, limit, explicit=False))
            linked_ids = await self.session.scalars(
                select(ProgramReportLink.report_id).where(
                    ProgramReportLink.program_id == program.id
                )
            )
            for report_id in linked_ids:
                if report_id in items:
                    items[report_id] = replace(items[report_id], explicit=True)
        total += await self.count(explicit_other.subquery())
        items.update(await self._latest(explicit_other, limit, explicit=True))
        ordered = sorted(items.values(), key=lambda r: (r.created_at, r.id), reverse=True)
        return total, ordered[:limit]

    async def _latest(
        self, reports: _LinkedRows, limit: int, *, explicit: bool
    ) -> dict[int, LinkedReportDTO]:
        """The newest `limit` of these linked reports, by id."""
        rows = await self.session.execute(
            reports.order_by(*newest_first(Report.created_at)).limit(limit)
        )
        return {row.id: LinkedReportDTO(*row, explicit=explicit) for row in rows}
