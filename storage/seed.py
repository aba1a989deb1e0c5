"""Load a province data set (TOML) into the database, once.

A province is data: `storage/datasets/<code>.toml` (or any path) holds its counties, sectors,
agencies, obstacle categories and routing table. Loading is idempotent: the first start
creates everything; later starts only add codes the file gained, never overwrite what
admins have edited since.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import Agency, Category, County, Province, RoutingRule, Sector
from storage.models_loans import LoanQuota, LoanReportedTotal
from storage.models_programs import Program

DATASETS_DIR = Path(__file__).parent / "datasets"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ProvinceSpec(_Strict):
    code: str
    name_fa: str
    name_en: str
    strategy_year: int
    timezone: str = "Asia/Tehran"


class NamedSpec(_Strict):
    code: str
    name_fa: str
    name_en: str


class AgencySpec(NamedSpec):
    kind: str
    short_name_fa: str | None = None
    short_name_en: str | None = None


class CategorySpec(NamedSpec):
    financial: bool = False
    deadline_days: int = 10
    default_agency: str


class RouteSpec(_Strict):
    category: str
    agency: str
    sector: str | None = None
    county: str | None = None


class Dataset(BaseModel):
    """The parts of a data set the foundation needs; later features read their own sections."""

    model_config = ConfigDict(extra="allow", frozen=True)

    province: ProvinceSpec
    counties: list[NamedSpec]
    sectors: list[NamedSpec]
    agencies: list[AgencySpec]
    categories: list[CategorySpec]
    routing: list[RouteSpec]
    version: str = ""

    @model_validator(mode="after")
    def _references_exist(self) -> Dataset:
        agencies = {a.code for a in self.agencies}
        categories = {c.code for c in self.categories}
        sectors = {s.code for s in self.sectors}
        counties = {c.code for c in self.counties}
        for category in self.categories:
            if category.default_agency not in agencies:
                raise ValueError(f"category {category.code}: unknown agency")
        for route in self.routing:
            if route.category not in categories or route.agency not in agencies:
                raise ValueError(f"routing rule {route}: unknown category or agency")
            if route.sector is not None and route.sector not in sectors:
                raise ValueError(f"routing rule {route}: unknown sector")
            if route.county is not None and route.county not in counties:
                raise ValueError(f"routing rule {route}: unknown county")
        return self


def dataset_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" and candidate.exists():
        return candidate
    return DATASETS_DIR / f"{name_or_path}.toml"


def load_dataset(name_or_path: str) -> Dataset:
    path = dataset_path(name_or_path)
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    data["version"] = hashlib.sha256(raw).hexdigest()[:16]
    return Dataset.model_validate(data)


async def seed_province(database: Database, dataset: Dataset) -> int:
    """Create the province and its reference data if missing; returns the province id."""
    async with database.transaction() as session:
        province = await session.scalar(
            select(Province).where(Province.code == dataset.province.code)
        )
        first_load = province is None
        if province is None:
            province = Province(**dataset.province.model_dump())
            session.add(province)
            await session.flush()
        province.dataset_version = dataset.version
        pid = province.id
        counties = await _add_missing(session, County, pid, dataset.counties)
        sectors = await _add_missing(session, Sector, pid, dataset.sectors)
        agencies = await _add_missing(session, Agency, pid, dataset.agencies)
        await _fill_short_names(session, pid, dataset.agencies)
        categories = await _add_missing(session, Category, pid, dataset.categories, agencies)
        if first_load:
            # The routing table is admin-editable data: seeded once, never overwritten.
            for route in dataset.routing:
                session.add(
                    RoutingRule(
                        province_id=pid,
                        category_id=categories[route.category],
                        agency_id=agencies[route.agency],
                        sector_id=sectors[route.sector] if route.sector else None,
                        county_id=counties[route.county] if route.county else None,
                    )
                )
        return pid


async def _add_missing(
    session: AsyncSession,
    model: type[County] | type[Sector] | type[Agency] | type[Category],
    province_id: int,
    specs: list[NamedSpec] | list[AgencySpec] | list[CategorySpec],
    agencies: dict[str, int] | None = None,
) -> dict[str, int]:
    result = await session.execute(
        select(model.code, model.id).where(model.province_id == province_id)
    )
    existing: dict[str, int] = {row.code: row.id for row in result}
    for position, spec in enumerate(specs):
        if spec.code in existing:
            continue
        # The spec's fields are the row's columns; only the agency is named by its code.
        fields = spec.model_dump(exclude={"default_agency"})
        if isinstance(spec, CategorySpec):
            assert agencies is not None
            fields["default_agency_id"] = agencies[spec.default_agency]
        row = model(province_id=province_id, position=position, **fields)
        session.add(row)
        await session.flush()
        existing[spec.code] = row.id
    return existing


async def _fill_short_names(
    session: AsyncSession, province_id: int, specs: list[AgencySpec]
) -> None:
    """Short names the data set gained since the agencies were created (0009c added the
    columns); only empty ones are filled, so an admin's edit stays."""
    by_code = {spec.code: spec for spec in specs}
    rows = await session.scalars(select(Agency).where(Agency.province_id == province_id))
    for row in rows:
        spec = by_code.get(row.code)
        if spec is None:
            continue
        if row.short_name_fa is None and spec.short_name_fa:
            row.short_name_fa = spec.short_name_fa
        if row.short_name_en is None and spec.short_name_en:
            row.short_name_en = spec.short_name_en


# --- the officials' figures: key programs, loan quotas and reported loan totals ----------


class ProgramSpec(_Strict):
    number: int
    code: str
    title_fa: str
    title_en: str
    agency: str
    theme: str = ""
    category: str | None = None
    target_fa: str | None = None
    target_en: str | None = None
    # Jalali dates as text ("1398/01/01"); the schedule behind the "behind" traffic light.
    starts: str | None = None
    due: str | None = None


class LoanQuotaSpec(_Strict):
    year: int
    amount_rials: int
    source_fa: str = ""
    source_en: str = ""


class LoanReportSpec(_Strict):
    source_code: str
    source_fa: str
    source_en: str
    year: int
    amount_rials: int
    projects: int | None = None
    note_fa: str | None = None
    note_en: str | None = None
    reported_on: str | None = None  # Jalali


class FiguresSpec(BaseModel):
    """The data set's [[programs]], [[loan_quotas]] and [[loan_reports]] sections."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    programs: list[ProgramSpec] = []
    loan_quotas: list[LoanQuotaSpec] = []
    loan_reports: list[LoanReportSpec] = []

    @model_validator(mode="after")
    def _unique(self) -> FiguresSpec:
        numbers = [p.number for p in self.programs]
        codes = [p.code for p in self.programs]
        if len(set(numbers)) != len(numbers) or len(set(codes)) != len(codes):
            raise ValueError("program numbers and codes must be unique")
        return self


def figures_spec(dataset: Dataset) -> FiguresSpec:
    return FiguresSpec.model_validate(dataset.model_extra or {})


# A data file's Jalali date (or None) as a calendar day; ValueError if it is not one. The
# caller passes it (bot.text.jalali_to_date): reading dates as people write them is the
# bot's business, and storage imports nothing from the bot.
DateParser = Callable[[str | None], date | None]


async def seed_figures(
    database: Database, dataset: Dataset, province_id: int, *, to_date: DateParser
) -> None:
    """Add the data set's programs, quotas and reported totals that are missing.

    Idempotent, and never overwrites: programs are matched by code (or number), quotas by
    year, reported totals by source and year; whatever an admin has edited stays.
    """
    spec = figures_spec(dataset)
    async with database.transaction() as session:
        await _seed_programs(session, spec, province_id, to_date)
        await _seed_loans(session, spec, province_id, to_date)


async def _code_ids(
    session: AsyncSession, model: type[Agency | Category], province_id: int
) -> dict[str, int]:
    """The province's rows of a coded table (agencies, categories): code -> id."""
    rows = await session.execute(
        select(model.code, model.id).where(model.province_id == province_id)
    )
    return dict(rows.all())


async def _seed_programs(
    session: AsyncSession, spec: FiguresSpec, province_id: int, to_date: DateParser
) -> None:
    """The programs not there yet, by code or number; their agency and category must exist."""
    agencies = await _code_ids(session, Agency, province_id)
    categories = await _code_ids(session, Category, province_id)
    existing = (
        await session.execute(
            select(Program.code, Program.number).where(Program.province_id == province_id)
        )
    ).all()
    codes = {row[0] for row in existing}
    numbers = {row[1] for row in existing}
    for program in spec.programs:
        if program.code in codes or program.number in numbers:
            continue
        if program.agency not in agencies:
            raise ValueError(f"program {program.number}: unknown agency {program.agency!r}")
        if program.category is not None and program.category not in categories:
            raise ValueError(f"program {program.number}: unknown category")
        session.add(
            Program(
                province_id=province_id,
                **program.model_dump(exclude={"agency", "category", "starts", "due"}),
                agency_id=agencies[program.agency],
                category_id=categories[program.category] if program.category else None,
                starts_on=to_date(program.starts),
                due_on=to_date(program.due),
                progress=0,
            )
        )


async def _seed_loans(
    session: AsyncSession, spec: FiguresSpec, province_id: int, to_date: DateParser
) -> None:
    """The loan quotas (by year) and reported totals (by source and year) not there yet."""
    quota_years = set(
        (
            await session.scalars(
                select(LoanQuota.year).where(LoanQuota.province_id == province_id)
            )
        ).all()
    )
    for quota in spec.loan_quotas:
        if quota.year not in quota_years:
            session.add(LoanQuota(province_id=province_id, **quota.model_dump()))
    reported = {
        (code, year)
        for code, year in await session.execute(
            select(LoanReportedTotal.source_code, LoanReportedTotal.year).where(
                LoanReportedTotal.province_id == province_id
            )
        )
    }
    for total in spec.loan_reports:
        if (total.source_code, total.year) in reported:
            continue
        session.add(
            LoanReportedTotal(
                province_id=province_id,
                **total.model_dump(exclude={"reported_on"}),
                reported_on=to_date(total.reported_on),
            )
        )
