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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jdatetime
from sqlalchemy import Table, insert, text

from bot.container import build_services
from bot.services.directory import Directory
from bot.settings import Settings
from storage.db import Database
from storage.figures import rebuild_figures
from storage.models import (
    CLOSED_REPORT_STATUSES,
    PermitStatus,
    Report,
    ReportEvent,
    Role,
    TrackingCounter,
    Unit,
    User,
    UserRole,
)
from storage.models_workflow import ReportTracking

BATCH = 5_000
OWNER_ID_BASE = 10_000_000
# The owner /myreports is timed for: many reports, far more than one page.
BUSY_OWNER_ID = OWNER_ID_BASE + 1
BUSY_OWNER_REPORTS = 2_000
FIRST_DAY = datetime(2019, 3, 21, 5, 0, tzinfo=UTC)  # 1 Farvardin 1398, the strategy's year
TEHRAN_OFFSET = timedelta(hours=3, minutes=30)
# Agency staff: OFFICER_ID_BASE + agency_id * 10 + k (k < OFFICERS_PER_AGENCY), and the
# province's officials, who all subscribe to the digest.
OFFICER_ID_BASE = 20_000_000
OFFICERS_PER_AGENCY = 3
OFFICIAL_ID_BASE = 30_000_000
OFFICIALS = 2_000
# The agency whose /inbox is timed gets this share of all reports (the industry, mine and
# trade organisation handles most obstacles); the others share the rest evenly.
BUSY_AGENCY_CODE = "smt"
BUSY_AGENCY_SHARE = 0.2
# A report older than SETTLED_AFTER has moved on: most are closed, a few are stuck
# (escalated, on the HQ agenda, or waiting for an owner who never answered). 14 days is
# the due date plus the escalation grace (3 working days): a report still on the agency's
# clock by then would have been escalated by the deadline job.
SETTLED_AFTER = timedelta(days=14)
DUE_AFTER = timedelta(days=10)


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
    # The last report is created just before `end` (the generation time), so the digest
    # period (yesterday) and "overdue now" see what a live province would.
    end: datetime = field(default_factory=lambda: datetime.now(UTC))
    busy_agency_id: int = 0
    bank_ids: list[int] = field(default_factory=list)
    sector_ids: list[int] = field(default_factory=list)
    county_ids: list[int] = field(default_factory=list)
    officials: list[int] = field(default_factory=list)
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


def officers_of(agency_id: int) -> list[int]:
    return [OFFICER_ID_BASE + agency_id * 10 + k for k in range(OFFICERS_PER_AGENCY)]


async def generate(
    database_url: str,
    *,
    reports: int = 1_000_000,
    units: int = 5_000,
    seed: int = 1398,
    officials: int = OFFICIALS,
) -> World:
    """Migrate + seed + bulk rows. On SQLite, synchronous=OFF for the generation only."""
    import bench.generate_figures  # noqa: F401  -- registers the figures' extensions

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

    world = _world(directory, units, reports, officials, random.Random(seed), timings)
    try:
        with _timed(timings, "staff"):
            await _staff(database, world)
        with _timed(timings, "owners + units"):
            await _owners_and_units(database, world)
        with _timed(timings, "reports + events"):
            counters = await _reports_and_events(database, world)
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
            with _timed(timings, function.__name__):
                await function(database, world)
        with _timed(timings, "figures"):
            async with database.engine.begin() as connection:
                # The bulk rows bypassed the repositories: count the figures they keep.
                await connection.run_sync(rebuild_figures)
        with _timed(timings, "analyze"):
            async with database.engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
    finally:
        await database.dispose()
    timings["total"] = time.perf_counter() - started
    return world


def _world(
    directory: Directory,
    units: int,
    reports: int,
    officials: int,
    rng: random.Random,
    timings: dict[str, float],
) -> World:
    """The province as seeded, and the ids the bulk rows will use."""
    world = World(
        province_id=directory.province_id,
        owners=[OWNER_ID_BASE + i for i in range(1, units + 1)],
        unit_ids=[],
        unit_owner={},
        agency_ids=[a.id for a in directory.agencies],
        category_ids=[c.id for c in directory.categories],
        reports=reports,
        scale=reports / 1_000_000,
        rng=rng,
        timings=timings,
    )
    world.sector_ids = [s.id for s in directory.sectors]
    world.county_ids = [c.id for c in directory.counties]
    world.bank_ids = [a.id for a in directory.agencies if a.kind == "bank" and a.code != "banks"]
    busy = directory.agency_by_code(BUSY_AGENCY_CODE)
    world.busy_agency_id = busy.id if busy is not None else world.agency_ids[0]
    world.officials = [OFFICIAL_ID_BASE + i for i in range(1, officials + 1)]
    return world


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Time the block into `timings[name]` (seconds)."""
    mark = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - mark


async def _owners_and_units(database: Database, world: World) -> None:
    """One user per owner and one unit each, in a random sector and county."""
    rng, owners = world.rng, world.owners
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
            "owner_id": owner_id,
            "name": f"واحد تولیدی شمارهٔ {i}",
            "sector_id": rng.choice(world.sector_ids),
            "county_id": rng.choice(world.county_ids),
            "permit_status": rng.choice(permits),
            "phone": f"+98912{i:07d}",
            "created_at": FIRST_DAY,
        }
        for i, owner_id in enumerate(owners, 1)
    ]
    await bulk_insert(database, Unit.__table__, iter(unit_rows))  # type: ignore[arg-type]
    world.unit_ids = [int(r["id"]) for r in unit_rows]
    world.unit_owner = {int(r["id"]): int(r["owner_id"]) for r in unit_rows}


def _on_connect(database: Database) -> Callable[[Callable[[Any], None]], None]:
    from sqlalchemy import event

    def register(function: Callable[[Any], None]) -> None:
        @event.listens_for(database.engine.sync_engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            function(cursor)
            cursor.close()

    return register


async def _staff(database: Database, world: World) -> None:
    """Officers of every agency and the province's officials, with their roles."""
    staff: list[tuple[int, str, int | None]] = [
        (user_id, Role.OFFICER.value, agency_id)
        for agency_id in world.agency_ids
        for user_id in officers_of(agency_id)
    ] + [(user_id, Role.OFFICIAL.value, None) for user_id in world.officials]
    await bulk_insert(
        database,
        User.__table__,  # type: ignore[arg-type]
        (
            {"id": uid, "first_name": f"کارشناس {uid % 1000}", "language": "fa",
             "created_at": FIRST_DAY}
            for uid, _, _ in staff
        ),
    )  # fmt: skip
    await bulk_insert(
        database,
        UserRole.__table__,  # type: ignore[arg-type]
        (
            {"user_id": uid, "role": role, "province_id": world.province_id,
             "agency_id": agency, "granted_at": FIRST_DAY}
            for uid, role, agency in staff
        ),
    )  # fmt: skip


# Where reports stand, by age. Recent ones are spread over the working statuses; settled
# ones (older than SETTLED_AFTER) are mostly closed, a few stuck out of the agency's clock.
RECENT_STATUSES = (
    ("referred", 25), ("in_progress", 25), ("awaiting_owner", 10), ("reopened", 3),
    ("resolved", 25), ("rejected", 7), ("withdrawn", 3), ("escalated", 2),
)  # fmt: skip
SETTLED_STATUSES = (
    ("resolved", 70), ("rejected", 12), ("withdrawn", 6), ("decided", 4), ("escalated", 2),
    ("on_agenda", 1), ("awaiting_owner", 5),
)  # fmt: skip


def jalali_year(moment: datetime) -> int:
    local = (moment + TEHRAN_OFFSET).date()
    return int(jdatetime.date.fromgregorian(date=local).year)


async def _reports_and_events(database: Database, world: World) -> dict[int, int]:
    """Reports spread from FIRST_DAY to `world.end` in time order (so sequences follow
    creation), each with its history and, while open, its workflow row; returns the last
    sequence per Jalali year."""
    counters: dict[int, int] = {}
    report_batch: list[dict[str, Any]] = []
    event_batch: list[dict[str, Any]] = []
    tracking_batch: list[dict[str, Any]] = []
    for report, events, tracking in _report_rows(world, counters):
        report_batch.append(report)
        event_batch.extend(events)
        if tracking is not None:
            tracking_batch.append(tracking)
        if len(report_batch) >= BATCH:
            await _flush(database, report_batch, event_batch, tracking_batch)
            report_batch, event_batch, tracking_batch = [], [], []
    if report_batch:
        await _flush(database, report_batch, event_batch, tracking_batch)
    return counters


def _report_rows(
    world: World, counters: dict[int, int]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]]:
    """Each report's row, its events' rows and its workflow row (None once closed), in
    creation order; `counters` keeps the last sequence per Jalali year."""
    rng = world.rng
    span = (world.end - timedelta(minutes=5) - FIRST_DAY).total_seconds()
    step = span / max(world.reports, 1)
    busy_units = [u for u, o in world.unit_owner.items() if o == BUSY_OWNER_ID]
    busy_every = max(1, world.reports // BUSY_OWNER_REPORTS)
    closed = CLOSED_REPORT_STATUSES
    recent = ([s for s, _ in RECENT_STATUSES], [w for _, w in RECENT_STATUSES])
    settled = ([s for s, _ in SETTLED_STATUSES], [w for _, w in SETTLED_STATUSES])
    others = [a for a in world.agency_ids if a != world.busy_agency_id]
    samples_every = max(1, world.reports // 50)
    event_id = 0

    for n in range(1, world.reports + 1):
        created = FIRST_DAY + timedelta(seconds=n * step)
        year = jalali_year(created)
        seq = counters[year] = counters.get(year, 0) + 1
        unit_id = busy_units[0] if n % busy_every == 0 else rng.choice(world.unit_ids)
        owner = world.unit_owner[unit_id]
        busy = rng.random() < BUSY_AGENCY_SHARE
        agency = world.busy_agency_id if busy else rng.choice(others)
        officer = officers_of(agency)[n % OFFICERS_PER_AGENCY]
        age = world.end - created
        names, weights = recent if age < SETTLED_AFTER else settled
        status = rng.choices(names, weights)[0]
        due = created + DUE_AFTER
        # Something happened after the routing: within 40 days, never in the future.
        done = min(created + timedelta(days=rng.uniform(0.1, 40)), world.end)
        if n % samples_every == 0:
            world.samples.append((n, year, seq, owner))
        report = {
            "id": n, "province_id": world.province_id, "year": year, "seq": seq,
            "unit_id": unit_id, "owner_id": owner,
            "category_id": rng.choice(world.category_ids), "agency_id": agency,
            "description": f"شرح مانع شمارهٔ {n}: تأمین مواد اولیه و مجوزها معطل مانده است.",
            "amount_rials": rng.choice((None, rng.randrange(10**7, 10**12, 10**6))),
            "status": status, "created_at": created,
            "updated_at": created if status == "referred" else done,
            "due_at": due, "closed_at": done if status in closed else None,
            "source_update_id": None,
        }  # fmt: skip
        history: list[Step] = [
            ("submitted", None, "submitted", None, owner, created),
            ("routed", "submitted", "referred", agency, None, created),
        ]
        if status != "referred":
            # An officer of the agency acted (accepted, asked, resolved...).
            history.append(("status", "referred", status, agency, officer, done))
        events = _event_rows(event_id, n, history)
        event_id += len(events)
        late = due < world.end and status in ("referred", "in_progress", "reopened")
        yield report, events, _tracking_row(n, status, officer, done, due, late)


# A history step: kind, from status, to status, agency, actor, when.
Step = tuple[str, str | None, str, int | None, int | None, datetime]


def _event_rows(last_id: int, report_id: int, history: list[Step]) -> list[dict[str, Any]]:
    """The report's event rows, numbered on from `last_id`."""
    return [
        {
            "id": last_id + k, "report_id": report_id, "actor_id": actor, "kind": kind,
            "from_status": old, "to_status": new, "agency_id": agency_id,
            "note": None, "internal": False, "created_at": when,
        }
        for k, (kind, old, new, agency_id, actor, when) in enumerate(history, 1)
    ]  # fmt: skip


def _tracking_row(
    report_id: int, status: str, officer: int, done: datetime, due: datetime, late: bool
) -> dict[str, Any] | None:
    """Open and taken up or past due: the workflow's row (assignee, the deadline job's
    marks: overdue and reminded once, within the escalation grace); None otherwise."""
    if status in CLOSED_REPORT_STATUSES or (status == "referred" and not late):
        return None
    return {
        "report_id": report_id, "reopen_count": 0,
        "assignee_id": None if status == "referred" else officer,
        "paused_at": done if status == "awaiting_owner" else None,
        "overdue_at": due if late else None,
        "reminded_at": due if late else None,
        "escalated_at": done if status in ("escalated", "on_agenda") else None,
    }  # fmt: skip


async def _flush(
    database: Database,
    reports: list[dict[str, Any]],
    events: list[dict[str, Any]],
    tracking: list[dict[str, Any]],
) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(insert(Report.__table__), reports)  # type: ignore[arg-type]
        await connection.execute(insert(ReportEvent.__table__), events)  # type: ignore[arg-type]
        if tracking:
            await connection.execute(
                insert(ReportTracking.__table__),  # type: ignore[arg-type]
                tracking,
            )


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
    # Run as bench.generate, not __main__: the extensions register with that module.
    from bench import generate as _module

    raise SystemExit(_module.main())
