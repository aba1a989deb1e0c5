"""The figures kept on write equal a recount from the rows, after any sequence of writes.

A seeded random walk files reports, moves them through the workflow (every action the
workflow offers each person, reassignment and the owner's "not removed" included), lets
deadlines escalate, puts escalated reports on the HQ agenda and decides them, and imports
loan files; after each step the maintained figures must equal a recount. Runs on SQLite,
and on PostgreSQL under scripts/with-postgres.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from statistics import median

from sqlalchemy import delete

from bot.access import Principal, ReportAction
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.services.hq import DecisionTerms
from bot.services.workflow import WorkflowError
from storage import migrate
from storage.figures import (
    FIGURE_TABLES,
    FigureWriter,
    duration_minutes,
    medians_of,
    rebuild_figures,
)
from storage.models_workflow import CauseKind
from storage.repositories.stats import StatsRepository
from tests.e2e.owner_kit import staff_every_agency
from tests.e2e.workflow_kit import Cast, file_report, principal_of, services_of
from tests.loan_files import GOOD_ROWS, HEADER, make_csv

CATEGORIES = ("raw_materials", "raw_materials", "bank_finance", "tax", "energy")
STEPS = 120


async def assert_figures_match(app: RounaqApp, step: str) -> None:
    async with services_of(app).database.session() as session:
        repo = StatsRepository(session)
        maintained = await repo.maintained_figures()
        recount = await repo.recount_figures()
    for table, rows in recount.items():
        assert maintained[table] == rows, f"{table} differs after {step}"


async def test_a_random_walk_of_writes_keeps_the_figures_equal_to_a_recount(
    app: RounaqApp, cast: Cast, clock: ManualClock
) -> None:
    services = services_of(app)
    # Reports stay with their agency (none goes to the HQ for want of an officer), so the
    # walk reaches resolution and "not removed" too.
    await staff_every_agency(services)
    rng = random.Random(1405)
    people: list[Principal] = [
        (await services.users.profile(p.id)).principal
        for p in (cast.owner, cast.officer, cast.bank_officer, cast.secretariat)
    ]
    secretariat = people[-1]
    agencies = [cast.smt_id, cast.banks_id]
    reports: list[int] = []
    done: set[str] = set()
    imports = 0
    for step in range(STEPS):
        roll = rng.random()
        if roll < 0.25 or not reports:
            report = await file_report(app, cast.owner, rng.choice(CATEGORIES))
            reports.append(report.id)
            what = "a report filed"
        elif roll < 0.75:
            report_id = rng.choice(reports)
            found = await services.reports.get(report_id)
            assert found is not None
            who = rng.choice(people)
            actions = await services.workflow.available(who, found)
            if not actions:
                continue
            # Taking a report up is the usual first move; give it a fair chance.
            accept = ReportAction.ACCEPT in actions and rng.random() < 0.5
            action = ReportAction.ACCEPT if accept else rng.choice(actions)
            try:
                await services.workflow.act(
                    who,
                    action,
                    report_id,
                    note="توضیح کارشناس دربارهٔ این گزارش",
                    agency_id=rng.choice([a for a in agencies if a != found.agency_id])
                    if action is ReportAction.REASSIGN
                    else None,
                )
            except WorkflowError:
                continue
            what = f"{action.value} on report {report_id}"
            done.add(action.value)
        elif roll < 0.85:
            await services.workflow.run_deadlines(clock.now())
            what = "the deadline job"
        elif roll < 0.92:
            escalated = await services.hq.escalated(secretariat)
            if not escalated:
                continue
            today = clock.now().astimezone(services.settings.tz).date()
            item_id, _ = await services.hq.bundle(
                secretariat,
                [r.id for r in escalated[:2]],
                title="تأمین مواد اولیه در جلسهٔ ستاد",
                cause_kind=CauseKind.INPUT,
                session_date=today,
            )
            if rng.random() < 0.7:
                await services.hq.decide(
                    secretariat,
                    DecisionTerms(
                        item_id, "دستگاه‌ها ظرف یک هفته مواد اولیه را تأمین کنند.", [cast.smt_id], 7
                    ),
                )
            what = "an HQ agenda item"
            done.add("hq")
        else:
            imports += 1
            extra = (
                str(10 + imports), f"واحد شمارهٔ {imports}", "ملت", "کفش", "قم",
                str(rng.randrange(1, 1000) * 10**9), "سرمایه ثابت",
                rng.choice(("پرداخت‌شده", "تأیید بانک")), f"1398/0{rng.randrange(1, 10)}/03",
            )  # fmt: skip
            result = await services.loans.import_file(
                make_csv([HEADER, *GOOD_ROWS, extra]), f"loans-{imports}.csv", imported_by=None
            )
            assert result.imported, result
            what = "a loans import"
        clock.advance(timedelta(minutes=rng.choice((1, 7, 45, 90, 60 * 20, 60 * 24 * 3))))
        await assert_figures_match(app, f"step {step}: {what}")
    # The walk went through the moves that change figures, not only through filing.
    assert {"acc", "res", "rsg", "nr", "hq"} <= done, done


async def file_and_handle(
    app: RounaqApp,
    cast: Cast,
    clock: ManualClock,
    categories: tuple[str, ...],
    *,
    apart: timedelta,
    resolve_after: timedelta | None = None,
) -> None:
    """The owner files a report in each category, `apart` in time; the SMT officer accepts
    each one that reaches SMT and, with `resolve_after`, resolves it that much later."""
    services = services_of(app)
    officer = await principal_of(app, cast.officer)
    for category in categories:
        report = await file_report(app, cast.owner, category)
        clock.advance(apart)
        if report.agency_id == cast.smt_id:
            await services.workflow.act(officer, ReportAction.ACCEPT, report.id)
            if resolve_after is not None:
                clock.advance(resolve_after)
                await services.workflow.act(officer, ReportAction.RESOLVE, report.id, note="حل شد")


async def test_a_rebuild_from_the_rows_gives_the_same_figures(
    app: RounaqApp, cast: Cast, clock: ManualClock
) -> None:
    """What the migration's backfill and bulk loads do: count the figures from the rows."""
    services = services_of(app)
    categories = ("raw_materials", "raw_materials", "bank_finance")
    await file_and_handle(app, cast, clock, categories, apart=timedelta(hours=3))
    async with services.database.session() as session:
        maintained = await StatsRepository(session).maintained_figures()
    async with services.database.engine.begin() as connection:
        for table in FIGURE_TABLES:
            await connection.execute(delete(table))
        await connection.run_sync(rebuild_figures)
    async with services.database.session() as session:
        assert await StatsRepository(session).maintained_figures() == maintained


async def test_an_upgrade_of_an_existing_database_backfills_the_figures(
    app: RounaqApp, cast: Cast, clock: ManualClock
) -> None:
    """Reports and loans written before the figure tables existed are counted on upgrade."""
    services = services_of(app)
    categories = ("raw_materials", "raw_materials", "tax")
    await file_and_handle(
        app, cast, clock, categories, apart=timedelta(minutes=50), resolve_after=timedelta(hours=2)
    )
    assert (
        await services.loans.import_file(make_csv([HEADER, *GOOD_ROWS]), "a.csv", imported_by=None)
    ).imported
    async with services.database.session() as session:
        before = await StatsRepository(session).maintained_figures()
    assert before["report_duration_counts"]
    assert before["loan_figures"]
    await migrate.downgrade(services.database, "0011_open311")
    await migrate.upgrade(services.database, "head")
    async with services.database.session() as session:
        repo = StatsRepository(session)
        assert await repo.maintained_figures() == before
        assert await repo.recount_figures() == before


async def test_the_median_kept_on_write_follows_any_change_of_the_histogram(
    app: RounaqApp,
) -> None:
    """Many durations added and taken away at random (reassignments take them away): the
    kept median position equals one computed from the histogram, and /stats' median
    equals the exact median of the bucketed durations."""
    services = services_of(app)
    province_id = services.directory.province_id
    rng = random.Random(11)
    kept: dict[int, list[int]] = {1: [], 2: []}  # agency -> minutes buckets
    for _ in range(40):
        moves: Counter[tuple[str, int, int]] = Counter()
        for _ in range(rng.randrange(1, 6)):
            agency = rng.choice((1, 2))
            if kept[agency] and rng.random() < 0.35:
                minutes = kept[agency].pop(rng.randrange(len(kept[agency])))
                moves[("response", agency, minutes)] -= 1
            else:
                minutes = duration_minutes(rng.choice((rng.randrange(3600), rng.randrange(9**6))))
                kept[agency].append(minutes)
                moves[("response", agency, minutes)] += 1
        async with services.database.transaction() as session:
            await FigureWriter(session).durations_changed(province_id, moves)
        async with services.database.session() as session:
            figures = await StatsRepository(session).maintained_figures()
            timings = {t.agency_id: t for t in await StatsRepository(session).timings(province_id)}
        assert figures["report_duration_medians"] == [
            tuple(r) for r in medians_of(figures["report_duration_counts"])
        ]
        for agency, values in kept.items():
            if values:
                assert timings[agency].responded == len(values)
                assert timings[agency].median_first_response_s == median(values) * 60
            else:
                assert agency not in timings or timings[agency].responded == 0
