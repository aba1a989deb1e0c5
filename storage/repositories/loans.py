"""Production-boom facilities: imports, the per-year aggregate, quotas and reported totals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from storage.dto_figures import (
    LoanAdded,
    LoanFacilityDTO,
    LoanGroupRow,
    LoanQuotaDTO,
    LoanReportedDTO,
)
from storage.figures import LOAN_COLUMNS, FigureWriter
from storage.models_figures import LoanFigure
from storage.models_loans import (
    LoanFacility,
    LoanImport,
    LoanQuota,
    LoanReportedTotal,
    LoanStage,
)
from storage.repositories.rows import Repository, to_dto


class LoanRepository(Repository):
    async def quotas(self, province_id: int) -> list[LoanQuotaDTO]:
        return await self.province_dtos(LoanQuotaDTO, LoanQuota, province_id, LoanQuota.year)

    async def reported(self, province_id: int) -> list[LoanReportedDTO]:
        order = (LoanReportedTotal.year, LoanReportedTotal.id)
        return await self.province_dtos(LoanReportedDTO, LoanReportedTotal, province_id, *order)

    async def years(self, province_id: int) -> list[int]:
        """Years with imported facilities (from the figures kept by each import)."""
        rows = await self.session.scalars(
            select(LoanFigure.year)
            .where(LoanFigure.province_id == province_id, LoanFigure.dimension == "stage")
            .group_by(LoanFigure.year)
            .order_by(LoanFigure.year)
        )
        return list(rows)

    async def grouped(self, province_id: int, year: int, dimension: str) -> list[LoanGroupRow]:
        """(stage, key) -> count, sum for one breakdown, as each import added to it."""
        if dimension not in LOAN_COLUMNS:
            raise KeyError(dimension)
        f = LoanFigure
        rows = await self.session.execute(
            select(f.stage, f.key, f.count, f.amount_rials).where(
                f.province_id == province_id, f.year == year, f.dimension == dimension
            )
        )
        typed = dimension not in ("type", "stage")  # ids and months are numbers
        return [
            LoanGroupRow(
                stage, (int(key) if key else None) if typed else key, int(count), int(amount)
            )
            for stage, key, count, amount in rows
        ]

    async def added_since(self, province_id: int, since: datetime) -> LoanAdded:
        """Files imported since `since`, and what they added to the latest year they touch,
        paid and in all (facilities are only ever added: this is the change since then)."""
        f = LoanFacility
        files = await self.count(
            LoanImport, LoanImport.province_id == province_id, LoanImport.created_at >= since
        )
        year = await self.session.scalar(
            select(func.max(f.year)).where(f.province_id == province_id, f.created_at >= since)
        )
        paid_count = paid_rials = all_count = all_rials = 0
        if year is not None:
            is_paid = f.stage == LoanStage.PAID.value
            rows = await self.session.execute(
                select(is_paid, func.count(), func.sum(f.amount_rials))
                .where(f.province_id == province_id, f.year == year, f.created_at >= since)
                .group_by(is_paid)
            )
            for paid, count, amount in rows:
                all_count += int(count)
                all_rials += int(amount or 0)
                if paid:
                    paid_count, paid_rials = int(count), int(amount or 0)
        return LoanAdded(files, year, paid_count, paid_rials, all_count, all_rials)

    async def last_import_id(self, province_id: int) -> int:
        value = await self.session.scalar(
            select(func.max(LoanImport.id)).where(LoanImport.province_id == province_id)
        )
        return int(value or 0)

    async def import_by_hash(self, province_id: int, sha256: str) -> tuple[str, datetime] | None:
        row = (
            await self.session.execute(
                select(LoanImport.file_name, LoanImport.created_at).where(
                    LoanImport.province_id == province_id, LoanImport.sha256 == sha256
                )
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def add_import(
        self,
        province_id: int,
        *,
        file_name: str,
        sha256: str,
        rows: Sequence[dict[str, Any]],
        imported_by: int | None,
        now: datetime,
    ) -> int:
        """Record the file and insert its rows in one executemany, not one ORM object each."""
        batch = LoanImport(
            province_id=province_id,
            file_name=file_name[:256],
            sha256=sha256,
            rows=len(rows),
            total_rials=sum(int(r["amount_rials"]) for r in rows),
            imported_by=imported_by,
            created_at=now,
        )
        self.session.add(batch)
        await self.session.flush()
        if rows:
            await self.session.execute(
                insert(LoanFacility),
                [
                    {**row, "province_id": province_id, "import_id": batch.id, "created_at": now}
                    for row in rows
                ],
            )
            # The breakdowns /loans reads, in this same transaction: fresh once committed.
            await FigureWriter(self.session).loans_imported(province_id, rows)
        return batch.id

    async def facilities(
        self, province_id: int, *, batch_size: int = 5000
    ) -> AsyncIterator[LoanFacilityDTO]:
        """Every facility, in id order, fetched in keyset pages (exports)."""
        last_id = 0
        while True:
            rows = (
                await self.session.scalars(
                    select(LoanFacility)
                    .where(LoanFacility.province_id == province_id, LoanFacility.id > last_id)
                    .order_by(LoanFacility.id)
                    .limit(batch_size)
                )
            ).all()
            if not rows:
                return
            for r in rows:
                yield to_dto(LoanFacilityDTO, r)
            last_id = rows[-1].id
