"""Load a province data set (TOML) into the database, once.

A province is data: `storage/datasets/<code>.toml` (or any path) holds its counties, sectors,
agencies, obstacle categories and routing table. Loading is idempotent: the first start
creates everything; later starts only add codes the file gained, never overwrite what
admins have edited since.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import Agency, Category, County, Province, RoutingRule, Sector

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
            province = Province(
                code=dataset.province.code,
                name_fa=dataset.province.name_fa,
                name_en=dataset.province.name_en,
                strategy_year=dataset.province.strategy_year,
                timezone=dataset.province.timezone,
            )
            session.add(province)
            await session.flush()
        province.dataset_version = dataset.version
        pid = province.id
        counties = await _add_missing(session, County, pid, dataset.counties)
        sectors = await _add_missing(session, Sector, pid, dataset.sectors)
        agencies = await _add_missing(session, Agency, pid, dataset.agencies)
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
        fields: dict[str, object] = {
            "province_id": province_id,
            "code": spec.code,
            "name_fa": spec.name_fa,
            "name_en": spec.name_en,
            "position": position,
        }
        if isinstance(spec, AgencySpec):
            fields["kind"] = spec.kind
        if isinstance(spec, CategorySpec):
            assert agencies is not None
            fields.update(
                financial=spec.financial,
                deadline_days=spec.deadline_days,
                default_agency_id=agencies[spec.default_agency],
            )
        row = model(**fields)
        session.add(row)
        await session.flush()
        existing[spec.code] = row.id
    return existing
