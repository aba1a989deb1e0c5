"""The officials' figures for the generated province (bench/generate.py's extensions).

Registered with `@extension`, run after the reports: production-boom facilities imported
month by month (100,000 at full size), the 27 key programs' progress updates, HQ agenda
items with their decisions, and digest subscriptions for the officials, the officers and
some owners. Batched Core inserts, as for the reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import jdatetime
from sqlalchemy import select, update

from bench.generate import (
    BUSY_OWNER_ID,
    FIRST_DAY,
    TEHRAN_OFFSET,
    World,
    bulk_insert,
    extension,
    officers_of,
)
from storage.db import Database
from storage.models_digest import ChatKind, DigestSubscription
from storage.models_loans import LoanFacility, LoanImport, LoanStage, LoanType
from storage.models_programs import Program, ProgramUpdate
from storage.models_workflow import AgendaItem, CauseKind, Decision, DecisionAgency

LOANS = 100_000
OWNER_SUBSCRIBERS = 1_000
PROGRAM_UPDATES_FROM = datetime(2023, 3, 21, 5, 0, tzinfo=FIRST_DAY.tzinfo)  # 1402/01/01
AGENDA_ITEMS = 60
# Stages as a bank's sheet reports them a few months on: most facilities paid.
STAGES = (
    (LoanStage.PAID, 55),
    (LoanStage.APPROVED_BANK, 15),
    (LoanStage.APPROVED_WG, 15),
    (LoanStage.APPLIED, 15),
)


def _local_day(moment: datetime) -> date:
    return (moment + TEHRAN_OFFSET).date()


def _jalali(day: date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


def _months(world: World) -> list[tuple[int, int, date, date]]:
    """(jalali year, month, first day, last day) from FIRST_DAY to the generation's end."""
    months = []
    current = _jalali(_local_day(FIRST_DAY)).replace(day=1)
    last = _jalali(_local_day(world.end))
    while (current.year, current.month) <= (last.year, last.month):
        following = (
            current.replace(month=current.month + 1)
            if current.month < 12
            else current.replace(year=current.year + 1, month=1)
        )
        months.append(
            (
                current.year,
                current.month,
                current.togregorian(),
                min(following.togregorian() - timedelta(days=1), _local_day(world.end)),
            )
        )
        current = following
    return months


def _monthly_imports(
    world: World, total: int
) -> tuple[list[dict[str, Any]], dict[int, tuple[int, int, date, date]]]:
    """One import row a Jalali month, `total` facilities spread over them (later months
    busier), and each import's month by its id."""
    months = _months(world)
    weights = [1.0 + i / len(months) * 2 for i in range(len(months))]
    share = sum(weights)
    made = 0
    imports: list[dict[str, Any]] = []
    spans: dict[int, tuple[int, int, date, date]] = {}
    for index, (year, month, first, last) in enumerate(months):
        count = (
            total - made
            if index == len(months) - 1
            else min(total - made, round(total * weights[index] / share))
        )
        made += count
        imported = datetime.combine(last, datetime.min.time(), FIRST_DAY.tzinfo) + timedelta(
            hours=12
        )
        spans[index + 1] = (year, month, first, last)
        imports.append(
            {
                "id": index + 1,
                "province_id": world.province_id,
                "file_name": f"bank-sheet-{year}-{month:02d}.xlsx",
                "sha256": hashlib.sha256(f"bench-{year}-{month}".encode()).hexdigest(),
                "rows": count,
                "total_rials": 0,  # set below, once the rows are made
                "imported_by": None,
                "created_at": min(imported, world.end - timedelta(hours=1)),
            }
        )
    return imports, spans


@extension
async def loans(database: Database, world: World) -> None:
    """One bank sheet imported per Jalali month, holding the facilities whose stage date
    falls in it; the latest was imported just before the generation's end (so the digest
    has loan news). Facilities grow over the years, as the programme did."""
    rng = world.rng
    imports, spans = _monthly_imports(world, max(1, round(LOANS * world.scale)))
    stages = ([s.value for s, _ in STAGES], [w for _, w in STAGES])
    totals: dict[int, int] = {}
    order = [s.value for s in LoanStage]
    steps = ("applied_on", "approved_wg_on", "approved_bank_on", "paid_on")

    def facilities() -> Iterator[dict[str, Any]]:
        number = 0
        for row in imports:
            year, month, first, last = spans[row["id"]]
            for i in range(1, int(row["rows"]) + 1):
                number += 1
                stage = rng.choices(*stages)[0]
                on = first + timedelta(days=rng.randint(0, (last - first).days))
                amount = rng.choice((5, 10, 20, 30, 50, 100, 200, 500)) * 10**9
                totals[row["id"]] = totals.get(row["id"], 0) + amount
                reached = order.index(stage)
                # Each earlier stage some weeks before the one reported, later ones empty.
                before = (rng.randint(40, 90), rng.randint(20, 39), rng.randint(1, 19), 0)
                dates = {
                    key: on - timedelta(days=before[n]) if n < reached else None
                    for n, key in enumerate(steps)
                }
                dates[steps[reached]] = on
                yield {
                    "id": number, "province_id": world.province_id, "import_id": row["id"],
                    "row_number": i + 1, "unit_name": f"واحد تولیدی شمارهٔ {rng.randint(1, 5000)}",
                    "bank_id": rng.choice(world.bank_ids),
                    "sector_id": rng.choice((*world.sector_ids, None)),
                    "county_id": rng.choice(world.county_ids),
                    "amount_rials": amount,
                    "loan_type": rng.choices(
                        (LoanType.WORKING_CAPITAL.value, LoanType.FIXED_INVESTMENT.value), (3, 1)
                    )[0],
                    "stage": stage, "year": year, "month": year * 100 + month,
                    **dates, "created_at": row["created_at"],
                }  # fmt: skip

    await bulk_insert(database, LoanImport.__table__, iter(imports))  # type: ignore[arg-type]
    await bulk_insert(database, LoanFacility.__table__, facilities())  # type: ignore[arg-type]
    async with database.engine.begin() as connection:
        for import_id, amount in totals.items():
            await connection.execute(
                update(LoanImport).where(LoanImport.id == import_id).values(total_rials=amount)
            )


@extension
async def programs(database: Database, world: World) -> None:
    """Monthly progress updates of each key program since 1402, by an officer of its
    agency; a third of the programs posted during the last day (the digest's period)."""
    rng = world.rng
    async with database.engine.connect() as connection:
        found = (
            await connection.execute(
                select(Program.id, Program.agency_id)
                .where(Program.province_id == world.province_id)
                .order_by(Program.number)
            )
        ).all()
    rows: list[dict[str, Any]] = []
    latest: dict[int, tuple[int, datetime, int]] = {}
    months = int((world.end - PROGRAM_UPDATES_FROM).days // 30)
    for index, (program_id, agency_id) in enumerate(found):
        author = officers_of(agency_id)[0]
        reached = rng.randint(15, 95)  # where the program stands now
        for m in range(months + 1):
            when = PROGRAM_UPDATES_FROM + timedelta(days=30 * m, hours=rng.randint(0, 200))
            if m == months:
                recent = index % 3 == 0
                when = world.end - timedelta(hours=rng.randint(2, 20) if recent else 24 * 20)
            when = min(when, world.end - timedelta(hours=1))
            percent = round(reached * (m + 1) / (months + 1))
            rows.append(
                {
                    "program_id": program_id, "percent": percent,
                    "note": f"پیشرفت ماه {m + 1}: جلسه با واحدها و پیگیری مصوبات انجام شد.",
                    "reported_on": _local_day(when), "evidence_kind": None,
                    "evidence_file_id": None, "evidence_file_name": None,
                    "author_id": author, "agency_id": agency_id, "created_at": when,
                }
            )  # fmt: skip
            latest[program_id] = (percent, when, author)
    await bulk_insert(database, ProgramUpdate.__table__, iter(rows))  # type: ignore[arg-type]
    async with database.engine.begin() as connection:
        for program_id, (percent, when, author) in latest.items():
            await connection.execute(
                update(Program)
                .where(Program.id == program_id)
                .values(progress=percent, last_update_at=when, updated_by=author, updated_at=when)
            )


@extension
async def hq(database: Database, world: World) -> None:
    """HQ sessions: agenda items, most decided, each decision binding two agencies; the
    deadlines fall around the generation's end (some passed, some due this week)."""
    rng = world.rng
    items, decisions, answers = [], [], []
    for n in range(1, AGENDA_ITEMS + 1):
        session = world.end - timedelta(days=7 * (AGENDA_ITEMS - n) // 2)
        decided = n <= AGENDA_ITEMS * 3 // 4
        items.append(
            {
                "id": n, "province_id": world.province_id,
                "title": f"مانع نظام‌مند شمارهٔ {n}: تأخیر در صدور مجوزها",
                "cause_kind": rng.choice(CauseKind.ALL), "session_date": _local_day(session),
                "status": "decided" if decided else "scheduled", "created_by": None,
                "created_at": session - timedelta(days=3),
            }
        )  # fmt: skip
        if decided:
            decisions.append(
                {
                    "id": n, "province_id": world.province_id, "agenda_item_id": n,
                    "text": "دستگاه‌های مسئول ظرف یک ماه مجوزهای معطل را صادر کنند.",
                    "deadline_at": session + timedelta(days=30),
                    "objection_until": session + timedelta(days=5), "created_by": None,
                    "created_at": session,
                }
            )  # fmt: skip
            for agency_id in rng.sample([world.busy_agency_id, *world.agency_ids[:8]], 2):
                answers.append(
                    {"decision_id": n, "agency_id": agency_id,
                     "state": rng.choice(("pending", "pending", "implemented"))}
                )  # fmt: skip
    unique = {(a["decision_id"], a["agency_id"]): a for a in answers}
    await bulk_insert(database, AgendaItem.__table__, iter(items))  # type: ignore[arg-type]
    await bulk_insert(database, Decision.__table__, iter(decisions))  # type: ignore[arg-type]
    await bulk_insert(
        database,
        DecisionAgency.__table__,  # type: ignore[arg-type]
        iter(unique.values()),
    )


@extension
async def digest_subscribers(database: Database, world: World) -> None:
    """Every official and officer gets the digest, and so do some owners (the busy one)."""
    owners = [BUSY_OWNER_ID, *world.owners[:OWNER_SUBSCRIBERS]]
    officers = [uid for agency_id in world.agency_ids for uid in officers_of(agency_id)]
    chats = [*world.officials, *officers, *dict.fromkeys(owners)]
    await bulk_insert(
        database,
        DigestSubscription.__table__,  # type: ignore[arg-type]
        (
            {"chat_id": chat_id, "kind": ChatKind.USER.value, "active": True,
             "send_time": None, "muted_sections": "", "language": None,
             "subscribed_by": chat_id, "created_at": FIRST_DAY, "updated_at": FIRST_DAY}
            for chat_id in chats
        ),
    )  # fmt: skip
