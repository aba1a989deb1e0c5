"""Production-boom facilities: figures for /loans, and importing banks' spreadsheets."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.services.base import ProvinceService
from bot.services.directory import Directory
from bot.services.loan_import import (
    ImportFormatError,
    Named,
    ParsedFile,
    Reference,
    RowError,
    parse_loans,
    read_table,
)
from storage.db import Database
from storage.dto_figures import LoanAdded, LoanGroupRow, LoanQuotaDTO, LoanReportedDTO
from storage.models_loans import LoanStage
from storage.repositories.loans import LoanRepository

# The breakdowns /loans offers, in the order of its buttons.
DIMENSIONS: Final = ("bank", "sector", "county", "type", "stage", "month")
BANK_KIND: Final = "bank"


@dataclass(frozen=True, slots=True)
class Share:
    key: object  # an id, a code, a yyyymm month, or None for "not given"
    count: int
    amount_rials: int


@dataclass(frozen=True, slots=True)
class LoanOverview:
    """One year's figures, each kept with where it comes from."""

    year: int | None
    years: tuple[int, ...]
    quota: LoanQuotaDTO | None
    reported: tuple[LoanReportedDTO, ...]
    # From the imported per-facility rows:
    paid_count: int
    paid_rials: int
    all_count: int
    all_rials: int
    groups: Mapping[str, tuple[LoanGroupRow, ...]]

    def realisation(self, amount_rials: int) -> Decimal | None:
        """amount / quota (1.24 for 124%); None without a quota."""
        if self.quota is None or self.quota.amount_rials <= 0:
            return None
        return Decimal(amount_rials) / Decimal(self.quota.amount_rials)

    def breakdown(self, dimension: str) -> list[Share]:
        """Paid facilities by `dimension` (all stages for "stage"), largest first."""
        counts: dict[object, int] = defaultdict(int)
        amounts: dict[object, int] = defaultdict(int)
        for row in self.groups.get(dimension, ()):
            if dimension != "stage" and row.stage != LoanStage.PAID:
                continue
            counts[row.key] += row.count
            amounts[row.key] += row.amount_rials
        shares = [Share(k, counts[k], amounts[k]) for k in counts]
        if dimension == "month":
            return sorted(shares, key=lambda s: (s.key is None, s.key or 0))
        if dimension == "stage":
            order = list(LoanStage)
            return sorted(shares, key=lambda s: order.index(LoanStage(str(s.key))))
        return sorted(shares, key=lambda s: (-s.amount_rials, str(s.key)))


@dataclass(frozen=True, slots=True)
class LoanChange:
    """The digest's loans section: the year's figures now, and what was added since."""

    overview: LoanOverview
    added: LoanAdded


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What became of a file: imported (rows, total), refused (errors) or a duplicate."""

    imported: bool
    rows: int = 0
    total_rials: int = 0
    errors: tuple[RowError, ...] = ()
    format_error: str | None = None
    format_detail: str = ""
    duplicate_of: tuple[str, datetime] | None = None
    skipped_total_rows: int = 0


def content_hash(parsed: ParsedFile) -> str:
    """The rows' content, not the file's bytes: Excel re-saves the same sheet differently."""
    canonical = json.dumps(
        [{k: v for k, v in row.items() if k != "row_number"} for row in parsed.rows],
        default=str,
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class LoanService(ProvinceService):
    def __init__(self, database: Database, directory: Directory, clock: Clock) -> None:
        super().__init__(database, directory, clock)
        # Facilities change only by imports (here or from the CLI in another process); the
        # cache is keyed by the latest import's id, so it is exact and /loans costs one
        # primary-key lookup instead of the aggregation.
        self._cache: dict[tuple[int, int | None], tuple[int, LoanOverview]] = {}
        self._lock = asyncio.Lock()

    def reference(self) -> Reference:
        d = self._directory

        def named(items: object) -> tuple[Named, ...]:
            return tuple(
                Named(i.id, (i.code, i.name_fa, i.name_en))
                for i in items  # type: ignore[attr-defined]
            )

        return Reference(
            banks=named(a for a in d.agencies if a.kind == BANK_KIND),
            sectors=named(d.sectors),
            counties=named(d.counties),
        )

    def invalidate(self) -> None:
        self._cache.clear()

    def cached(self, year: int | None = None) -> LoanOverview | None:
        """This province's overview as cached (None: cold; whether it is still current is
        checked against the latest import on use)."""
        entry = self._cache.get((self._directory.province_id, year))
        return entry[1] if entry else None

    async def _version(self, province_id: int) -> int:
        async with self._db.session() as session:
            return await LoanRepository(session).last_import_id(province_id)

    async def overview(
        self, year: int | None = None, *, province_id: int | None = None
    ) -> LoanOverview:
        """One year's figures (the latest year by default) of this bot's province, or of
        another one for the ministry's roll-up (`province_id`)."""
        province_id = province_id or self._directory.province_id
        key = (province_id, year)
        version = await self._version(province_id)
        cached = self._cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        async with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
            overview = await self._compute(year, province_id)
            self._cache[key] = (version, overview)
            return overview

    async def change(self, since: datetime) -> LoanChange | None:
        """The figures of the year imports since `since` added to, and what they added;
        None when nothing was imported since (the digest's loans section has no news)."""
        async with self._db.session() as session:
            added = await LoanRepository(session).added_since(self._directory.province_id, since)
        if not added.files:
            return None
        overview = await self.overview(added.year)
        return LoanChange(overview, added) if overview.year is not None else None

    async def _compute(self, year: int | None, province_id: int) -> LoanOverview:
        async with self._db.session() as session:
            repo = LoanRepository(session)
            quotas = await repo.quotas(province_id)
            reported = await repo.reported(province_id)
            facility_years = await repo.years(province_id)
            years = sorted(
                {q.year for q in quotas} | {r.year for r in reported} | set(facility_years)
            )
            if year is None:
                year = years[-1] if years else None
            groups: dict[str, tuple[LoanGroupRow, ...]] = {}
            if year is not None and year in facility_years:
                for dimension in DIMENSIONS:
                    groups[dimension] = tuple(await repo.grouped(province_id, year, dimension))
        rows = groups.get("stage", ())
        paid = [r for r in rows if r.stage == LoanStage.PAID]
        return LoanOverview(
            year=year,
            years=tuple(years),
            quota=next((q for q in quotas if q.year == year), None),
            reported=tuple(r for r in reported if r.year == year),
            paid_count=sum(r.count for r in paid),
            paid_rials=sum(r.amount_rials for r in paid),
            all_count=sum(r.count for r in rows),
            all_rials=sum(r.amount_rials for r in rows),
            groups=groups,
        )

    def parse(self, data: bytes, file_name: str) -> ParsedFile:
        """Read and check a file without storing anything (raises ImportFormatError)."""
        return parse_loans(read_table(data, file_name), self.reference())

    async def import_file(
        self, data: bytes, file_name: str, *, imported_by: int | None
    ) -> ImportResult:
        """All rows in one transaction, or none: a single bad row refuses the whole file."""
        try:
            # Parsing a large workbook takes a while; keep the event loop free meanwhile.
            parsed = await asyncio.to_thread(self.parse, data, file_name)
        except ImportFormatError as exc:
            return ImportResult(False, format_error=exc.reason, format_detail=exc.detail)
        if not parsed.ok:
            return ImportResult(
                False, errors=tuple(parsed.errors), skipped_total_rows=parsed.skipped_total_rows
            )
        sha256 = content_hash(parsed)
        province_id = self._directory.province_id
        try:
            async with self._db.transaction() as session:
                repo = LoanRepository(session)
                earlier = await repo.import_by_hash(province_id, sha256)
                if earlier is not None:
                    return ImportResult(False, duplicate_of=earlier)
                await repo.add_import(
                    province_id,
                    file_name=file_name,
                    sha256=sha256,
                    rows=parsed.rows,
                    imported_by=imported_by,
                    now=self._clock.now(),
                )
        except IntegrityError:
            # The same file sent twice at once: the other copy won the unique constraint.
            async with self._db.session() as session:
                earlier = await LoanRepository(session).import_by_hash(province_id, sha256)
            return ImportResult(False, duplicate_of=earlier)
        self.invalidate()
        # Officials ask right after an import: aggregate now, while the admin waits anyway.
        await self.overview()
        return ImportResult(
            True,
            rows=len(parsed.rows),
            total_rials=parsed.total_rials,
            skipped_total_rows=parsed.skipped_total_rows,
        )
