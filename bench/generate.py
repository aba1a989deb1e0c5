"""Fill a database with a province's worth of history, fast, for the query benchmarks.

`python -m bench.generate DATABASE_URL [--reports N]` (or `generate()` from code) migrates,
seeds the province data set, then bulk-inserts owners, units, reports and their events
with batched Core inserts (executemany), never one ORM object at a time.

Extension point: a feature with its own tables (loans, programs' updates...) registers an
async function with `@extension`; it gets the `World` (ids and sizes chosen here) and the
database, and adds its rows the same way. Extensions run in registration order after the
core rows, and each gets its share of the `--scale` factor through `world.scale`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jdatetime
from sqlalchemy import Table, insert, text

from bot.container import build_services
from bot.settings import Settings
from storage.db import Database
from storage.models import (
    PermitStatus,
    Report,
    ReportEvent,
    ReportStatus,
    TrackingCounter,
    Unit,
    User,
)

BATCH = 5_000
OWNER_ID_BASE = 10_000_000
# The owner /myreports is timed for: many reports, far more than one page.
BUSY_OWNER_ID = OWNER_ID_BASE + 1
BUSY_OWNER_REPORTS = 2_000
FIRST_DAY = datetime(2019, 3, 21, 5, 0, tzinfo=UTC)  # 1 Farvardin 1398, the strategy's year
TEHRAN_OFFSET = timedelta(hours=3, minutes=30)


@dataclass
class World:
    """What the generator made; extensions read it to create rows that refer to it."""

    province_id: int
    owners: list[int]
    unit_ids: list[int]
    unit_owner: dict[int, int]
    agency_ids: list[int]
    category_ids: list[int]
    reports: int
    scale: float
    rng: random.Random
    # A few reports to open and look up by number in the benchmark: (id, year, seq, owner).
    samples: list[tuple[int, int, int, int]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


Extension = Callable[[Database, World], Awaitable[None]]
EXTENSIONS: list[Extension] = []


def extension(function: Extension) -> Extension:
    """Register a generator for a feature's tables (e.g. 100,000 loans, 27 programs)."""
    EXTENSIONS.append(function)
    return function


def batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def bulk_insert(database: Database, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    """Batched executemany, one transaction per batch; returns the row count."""
    count = 0
    for batch in batches(rows):
        async with database.engine.begin() as connection:
            await connection.execute(insert(table), batch)
        count += len(batch)
    return count


async def generate(
    database_url: str, *, reports: int = 1_000_000, units: int = 5_000, seed: int = 1398
) -> World:
    """Migrate + seed + bulk rows. On SQLite, synchronous=OFF for the generation only."""
    started = time.perf_counter()
    settings = Settings(_env_file=None, database_url=database_url)
    services = await build_services(settings)
    directory = services.directory
    await services.close()
    timings = {"migrate + seed": time.perf_counter() - started}
    database = Database(database_url)
    if database.is_sqlite:
        # Durability is pointless while generating a throw-away data set; connections made
        # later (the bot's) get the normal settings from storage.db again.
        @_on_connect(database)
        def _fast(cursor: Any) -> None:
            cursor.execute("PRAGMA synchronous=OFF")

    rng = random.Random(seed)
    owners = [OWNER_ID_BASE + i for i in range(1, units + 1)]
    world = World(
        province_id=directory.province_id,
        owners=owners,
        unit_ids=[],
        unit_owner={},
        agency_ids=[a.id for a in directory.agencies],
        category_ids=[c.id for c in directory.categories],
        reports=reports,
        scale=reports / 1_000_000,
        rng=rng,
        timings=timings,
    )
    sectors = [s.id for s in directory.sectors]
    counties = [c.id for c in directory.counties]
    try:
        mark = time.perf_counter()
        await bulk_insert(
            database,
            User.__table__,  # type: ignore[arg-type]
            (
                {"id": uid, "first_name": f"مالک {i}", "language": "fa", "created_at": FIRST_DAY}
                for i, uid in enumerate(owners, 1)
            ),
        )
        permits = [p.value for p in PermitStatus]
        unit_rows: list[dict[str, Any]] = [
            {
                "id": i,
                "province_id": world.province_id,
                "owner_id": owners[i - 1],
                "name": f"واحد تولیدی شمارهٔ {i}",
                "sector_id": rng.choice(sectors),
                "county_id": rng.choice(counties),
                "permit_status": rng.choice(permits),
                "phone": f"+98912{i:07d}",
                "created_at": FIRST_DAY,
            }
            for i in range(1, units + 1)
        ]
        await bulk_insert(database, Unit.__table__, iter(unit_rows))  # type: ignore[arg-type]
        world.unit_ids = [int(r["id"]) for r in unit_rows]
        world.unit_owner = {int(r["id"]): int(r["owner_id"]) for r in unit_rows}
        timings["owners + units"] = time.perf_counter() - mark
        mark = time.perf_counter()
        counters = await _reports_and_events(database, world)
        timings["reports + events"] = time.perf_counter() - mark
        async with database.engine.begin() as connection:
            # New reports must continue each year's sequence, not collide with it.
            await connection.execute(
                insert(TrackingCounter.__table__),  # type: ignore[arg-type]
                [
                    {"province_id": world.province_id, "year": year, "last_seq": seq}
                    for year, seq in sorted(counters.items())
                ],
            )
        for function in EXTENSIONS:
            mark = time.perf_counter()
            await function(database, world)
            timings[function.__name__] = time.perf_counter() - mark
        mark = time.perf_counter()
        async with database.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
        timings["analyze"] = time.perf_counter() - mark
    finally:
        await database.dispose()
    timings["total"] = time.perf_counter() - started
    return world


def _on_connect(database: Database) -> Callable[[Callable[[Any], None]], None]:
    from sqlalchemy import event

    def register(function: Callable[[Any], None]) -> None:
        @event.listens_for(database.engine.sync_engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            function(cursor)
            cursor.close()

    return register


def _jalali_year(moment: datetime) -> int:
    local = (moment + TEHRAN_OFFSET).date()
    return int(jdatetime.date.fromgregorian(date=local).year)


async def _reports_and_events(database: Database, world: World) -> dict[int, int]:
    """Reports spread over seven years in time order (so sequences follow creation), each
    with its history; returns the last sequence per Jalali year."""
    rng = world.rng
    span = (datetime(2026, 11, 1, tzinfo=UTC) - FIRST_DAY).total_seconds()
    step = span / max(world.reports, 1)
    busy_units = [u for u, o in world.unit_owner.items() if o == BUSY_OWNER_ID]
    busy_every = max(1, world.reports // BUSY_OWNER_REPORTS)
    counters: dict[int, int] = {}
    statuses = [s.value for s in ReportStatus]
    closed = {ReportStatus.RESOLVED.value, ReportStatus.REJECTED.value, "decided", "withdrawn"}
    samples_every = max(1, world.reports // 50)
    event_id = 0

    def rows() -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
        nonlocal event_id
        for n in range(1, world.reports + 1):
            created = FIRST_DAY + timedelta(seconds=n * step)
            year = _jalali_year(created)
            seq = counters[year] = counters.get(year, 0) + 1
            unit_id = busy_units[0] if n % busy_every == 0 else rng.choice(world.unit_ids)
            owner = world.unit_owner[unit_id]
            agency = rng.choice(world.agency_ids)
            status = rng.choice(statuses)
            done = created + timedelta(days=rng.randint(1, 40))
            if n % samples_every == 0:
                world.samples.append((n, year, seq, owner))
            report = {
                "id": n, "province_id": world.province_id, "year": year, "seq": seq,
                "unit_id": unit_id, "owner_id": owner,
                "category_id": rng.choice(world.category_ids), "agency_id": agency,
                "description": f"شرح مانع شمارهٔ {n}: تأمین مواد اولیه و مجوزها معطل مانده است.",
                "amount_rials": rng.choice((None, rng.randrange(10**7, 10**12, 10**6))),
                "status": status, "created_at": created, "updated_at": done,
                "due_at": created + timedelta(days=10),
                "closed_at": done if status in closed else None, "source_update_id": None,
            }  # fmt: skip
            history = [
                ("submitted", None, "submitted", None, created),
                ("routed", "submitted", "referred", agency, created),
            ]
            if status not in ("submitted", "referred"):
                history.append(("status", "referred", status, agency, done))
            events = []
            for kind, old, new, agency_id, when in history:
                event_id += 1
                events.append(
                    {
                        "id": event_id, "report_id": n, "actor_id": owner if kind == "submitted"
                        else None, "kind": kind, "from_status": old, "to_status": new,
                        "agency_id": agency_id, "note": None, "internal": False,
                        "created_at": when,
                    }
                )  # fmt: skip
            yield report, events

    report_batch: list[dict[str, Any]] = []
    event_batch: list[dict[str, Any]] = []
    for report, events in rows():
        report_batch.append(report)
        event_batch.extend(events)
        if len(report_batch) >= BATCH:
            await _flush(database, report_batch, event_batch)
            report_batch, event_batch = [], []
    if report_batch:
        await _flush(database, report_batch, event_batch)
    return counters


async def _flush(
    database: Database, reports: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(insert(Report.__table__), reports)  # type: ignore[arg-type]
        await connection.execute(insert(ReportEvent.__table__), events)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("database_url")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=5_000)
    args = parser.parse_args(argv)
    world = asyncio.run(generate(args.database_url, reports=args.reports, units=args.units))
    for name, seconds in world.timings.items():
        print(f"{name:>20}: {seconds:7.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
