"""Queries at scale: the read commands timed end to end against a generated province.

A generated database (bench/generate.py: 1,000,000 reports with their histories, 5,000
units and owners) is served by `python -m bot run`; each command goes in as an update
through the emulator and is timed until the bot's answer is in the chat. SQLite always;
PostgreSQL with --postgres (a server URL from --postgres-url, BENCH_POSTGRES_URL or
TEST_POSTGRES_URL, e.g. under scripts/with-postgres). Peak RSS of the bot is recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import distinct, func, select
from sqlalchemy.sql import ClauseElement

from bench.generate import BUSY_OWNER_ID, World, generate, jalali_year, officers_of
from bench.harness import (
    ECHO_COMMAND,
    ROUNAQ_COMMAND,
    bot_environment,
    bot_events_since,
    bot_process,
    bot_started,
    emulator_without_limits,
    forget_handled_updates,
    latest_button,
    wait_events,
)
from bench.table import Table, commit, percentile
from bot.container import Services, build_services
from bot.services.loans import DIMENSIONS
from bot.services.workflow import AGENCY_OPEN, CLOSED
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.db import Database
from storage.dialect import unindexed
from storage.figures import DUE_BUCKET_S, EPOCH, OPEN_STATUSES, epoch_s
from storage.models import Report, ReportAttachment, ReportEvent, ReportStatus, Unit
from storage.models_digest import DigestSubscription
from storage.models_figures import LoanFigure
from storage.repositories.workflow import inbox_page_statement

GOAL_P95_MS = 50.0
# Issue 10: every command's p95 within 3x the echo bot's single-user p95, in the same run.
GOAL_ECHO_RATIO = 3.0
GOAL_RSS_MB = 150.0
DIGEST_GOAL_S = 1.0


@dataclass
class Result:
    backend: str
    command: str
    latencies: list[float]
    rss_after_mb: float = float("nan")  # the bot's peak RSS once this command was timed


@asynccontextmanager
async def database_for(
    backend: str, server_url: str | None, keep: Path | None = None
) -> AsyncIterator[str]:
    """A fresh, empty database URL; removed afterwards (unless kept, for SQLite)."""
    if backend == "sqlite" and keep is not None:
        yield f"sqlite+aiosqlite:///{keep}"
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rounaq-bench-queries-") as directory:
            yield f"sqlite+aiosqlite:///{Path(directory) / 'province.sqlite3'}"
        return
    assert server_url is not None
    import asyncpg

    name = f"rounaq_bench_{uuid.uuid4().hex[:10]}"
    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


async def answer_size(
    emu: BotApiEmulator, user_id: int, action: Callable[[], Awaitable[object]]
) -> int:
    """Run the action once, untimed, and count the bot's messages and edits in its answer
    (waiting until the chat is quiet): the timed runs then wait for all of them. This also
    warms the command (a cache, the first connection) as a user before us would have."""
    cursor = emu.cursor(user_id)
    await action()
    await wait_events(emu, user_id, cursor, 1, timeout=300)
    while True:  # a long answer comes in several messages: wait for a quiet second
        seen = bot_events_since(emu, user_id, cursor)
        await asyncio.sleep(1.0)
        if bot_events_since(emu, user_id, cursor) == seen:
            return seen


async def timed(
    emu: BotApiEmulator, user_id: int, action: Callable[[], Awaitable[object]], times: int
) -> list[float]:
    expected = await answer_size(emu, user_id, action)
    latencies = []
    for _ in range(times):
        cursor = emu.cursor(user_id)
        started = time.perf_counter()
        await action()
        await wait_events(emu, user_id, cursor, expected)
        latencies.append(time.perf_counter() - started)
    return latencies


def alternating(
    emu: BotApiEmulator, user_id: int, prefix: str, choices: Sequence[str]
) -> Callable[[], Awaitable[object]]:
    """Press the newest message's buttons with these callback data in turn. Two different
    views alternate, as a real user's presses do: Telegram refuses an edit that changes
    nothing, so pressing the same view twice would time an error instead."""
    turn = 0

    async def press() -> None:
        nonlocal turn
        message, _ = latest_button(emu, user_id, prefix)
        data = choices[turn % len(choices)]
        turn += 1
        await emu.press_raw(user_id, user_id, message.message_id, data)

    return press


def command(emu: BotApiEmulator, user_id: int, text: str) -> Callable[[], Awaitable[object]]:
    async def send() -> None:
        await emu.send_text(user_id, text)

    return send


async def bench_backend(
    backend: str, database_url: str, world: World, times: int
) -> tuple[list[Result], float]:
    user = BUSY_OWNER_ID
    own = [s for s in world.samples if s[3] == user]
    assert own, "the generator made no sample reports for the busy owner"
    official = world.officials[0]
    officer = officers_of(world.busy_agency_id)[0]
    results: list[Result] = []

    async def run(who: int, name: str, action: Callable[[], Awaitable[object]]) -> None:
        latencies = await timed(emu, who, action, times)
        results.append(Result(backend, name, latencies, bot.peak_rss_mb()))

    async with emulator_without_limits() as emu:
        # One owner sends commands back to back, far faster than anyone types: the per-user
        # limit and the bot-wide 30 messages/s cap would time themselves, not the queries.
        # The daily digest at 23:59 Tehran time: otherwise, on a run after 08:00, the bot
        # would broadcast it to the province's 3,000 subscribers while the commands are
        # timed (it is timed on its own: `computations`, and bench/broadcast.py).
        env = bot_environment(
            emu,
            database_url,
            MAX_UPDATES_PER_MINUTE="0",
            MAX_MESSAGES_PER_SECOND="0",
            DIGEST_TIME="23:59",
        )
        async with bot_process(ROUNAQ_COMMAND, env) as bot:
            emu.add_user(user, "مالک پرکار", language_code="fa")
            emu.add_user(official, "مقام استان", language_code="fa")
            emu.add_user(officer, "کارشناس صمت", language_code="fa")
            await bot_started(bot, emu, user, timeout=120)
            # The start-up warm-up of /stats and /loans runs in the bot meanwhile; the
            # first (untimed) /stats waits for it, so no timed command competes with it.
            await answer_size(emu, official, command(emu, official, "/stats"))

            await _owner_steps(emu, run, user, own)
            await _official_steps(emu, run, official)
            await _officer_steps(emu, run, officer, world)
            rss = bot.peak_rss_mb()
    return results, rss


# Times one step: who sends it, its name in the table, and the step.
Run = Callable[[int, str, Callable[[], Awaitable[object]]], Awaitable[None]]


async def _owner_steps(
    emu: BotApiEmulator, run: Run, user: int, own: list[tuple[int, int, int, int]]
) -> None:
    await run(user, "/myreports (2,000 reports)", command(emu, user, "/myreports"))

    async def open_report() -> None:
        message, data = latest_button(emu, user, "my:o:")
        await emu.press_raw(user, user, message.message_id, data)

    await run(user, "open a report", open_report)
    numbers = [f"{year}-{seq:04d}" for _, year, seq, _ in own]

    async def lookup() -> None:
        await emu.send_text(user, numbers[len(emu.messages(user)) % len(numbers)])

    await run(user, "tracking-number lookup", lookup)


async def _official_steps(emu: BotApiEmulator, run: Run, official: int) -> None:
    await run(official, "/status (27 programs)", command(emu, official, "/status"))
    await run(official, "/status 3 (a program)", command(emu, official, "/status 3"))
    await run(official, "/stats (fresh, from counters)", command(emu, official, "/stats"))
    await run(official, "/loans (summary)", command(emu, official, "/loans"))
    _, data = latest_button(emu, official, "ln:bank:")
    year = data.rsplit(":", 1)[1]
    for dimension in DIMENSIONS:
        views = [f"ln:{dimension}:r:{year}", f"ln:{dimension}:t:{year}"]
        await run(official, f"/loans by {dimension}", alternating(emu, official, "ln:", views))


async def _officer_steps(emu: BotApiEmulator, run: Run, officer: int, world: World) -> None:
    await run(officer, "/inbox (busy agency)", command(emu, officer, "/inbox"))
    await run(
        officer,
        "/inbox overdue only",
        alternating(emu, officer, "ib:", ["ib:0:0:1:1", "ib:0:0:0:1"]),
    )
    categories = world.category_ids[:2]
    await run(
        officer,
        "/inbox by category",
        alternating(emu, officer, "ib:", [f"ib:0:{c}:0:1" for c in categories]),
    )
    await run(
        officer,
        "/inbox page 2",
        alternating(emu, officer, "ib:", ["ib:0:0:0:2", "ib:0:0:0:3"]),
    )


async def echo_latencies(times: int) -> list[float]:
    """The floor: one user's messages answered by the bare echo bot (bench/echo_bot.py)
    through the same emulator and HTTP path, timed like the commands."""
    user = BUSY_OWNER_ID
    async with emulator_without_limits() as emu:
        env = bot_environment(emu, "sqlite+aiosqlite:///unused.sqlite3")
        async with bot_process(ECHO_COMMAND, env) as bot:
            emu.add_user(user, "echo", language_code="fa")
            await bot_started(bot, emu, user, name="the echo bot")
            return await timed(emu, user, command(emu, user, "hello"), times)


@dataclass
class Computation:
    name: str
    seconds: list[float]
    goal_s: float | None = None


async def computations(database_url: str, world: World, repeat: int = 3) -> list[Computation]:
    """Work the bot does off the request path, timed in this process on the same database:
    the figures (/stats read fresh, /loans' aggregate cold) and the daily digest's content."""
    settings = Settings(_env_file=None, database_url=database_url)
    services = await build_services(settings)
    timer = _Timer(repeat)
    try:
        await _time_figures(timer, services, world)
        await _time_digest(timer, services, world)
    finally:
        await services.close()
    return timer.found


@dataclass
class _Timer:
    repeat: int
    found: list[Computation] = field(default_factory=list)

    async def measure(
        self, name: str, work: Callable[[], Awaitable[object]], goal: float | None,
        times: int | None = None,
    ) -> None:  # fmt: skip
        seconds = []
        for _ in range(times or self.repeat):
            started = time.perf_counter()
            await work()
            seconds.append(time.perf_counter() - started)
        self.found.append(Computation(name, seconds, goal))


async def _time_figures(timer: _Timer, services: Services, world: World) -> None:
    stats, loans = services.stats, services.loans

    async def stats_fresh() -> None:
        await stats.snapshot()

    async def loans_cold() -> None:
        loans.invalidate()
        await loans.overview()

    await timer.measure(
        f"/stats figures, read fresh ({world.reports:,} reports)", stats_fresh, None
    )
    await timer.measure("/loans aggregate, cold (one year, 6 breakdowns)", loans_cold, None)


async def _time_digest(timer: _Timer, services: Services, world: World) -> None:
    digest = services.digest
    async with services.database.session() as session:
        chats = list(
            await session.scalars(
                select(DigestSubscription.chat_id).where(DigestSubscription.active)
            )
        )
    recipients = await digest.recipients(chats)
    day = digest.digest_day()
    services.loans.invalidate()  # the loans section would otherwise find the aggregate cached

    async def one(chat_id: int) -> None:
        await digest.render(digest.builder(day), recipients[chat_id])

    official = world.officials[0]
    officer = officers_of(world.busy_agency_id)[0]
    await timer.measure(
        "digest: an official, fresh run (shared sections built)",
        lambda: one(official),
        DIGEST_GOAL_S,
    )
    await timer.measure(
        "digest: an officer of the busy agency, fresh run", lambda: one(officer), DIGEST_GOAL_S
    )
    await timer.measure("digest: an owner (personal section)", lambda: one(BUSY_OWNER_ID), None)
    await timer.measure(
        "digest: recipients of every subscription", lambda: digest.recipients(chats), None
    )

    async def full_run() -> None:
        builder = digest.builder(day)
        for chat_id in chats:
            await digest.render(builder, recipients[chat_id])

    await timer.measure(
        f"digest: every recipient's content ({len(chats):,}), one builder", full_run, None, 1
    )


def statements(world: World) -> dict[str, ClauseElement]:
    """The statements behind the timed commands (storage/repositories/reports.py)."""
    report_id, year, seq, owner = world.samples[len(world.samples) // 2]
    condition = (Report.owner_id == owner) & (Report.province_id == world.province_id)
    return {
        "/myreports: count": select(func.count()).select_from(Report).where(condition),
        "/myreports: page": select(Report, Unit.name)
        .join(Unit, Unit.id == Report.unit_id)
        .where(condition)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(5)
        .offset(5),
        "open: events": select(ReportEvent)
        .where(ReportEvent.report_id == report_id, ReportEvent.internal.is_(False))
        .order_by(ReportEvent.id),
        "open: attachments": select(func.count())
        .select_from(ReportAttachment)
        .where(ReportAttachment.report_id == report_id),
        "lookup: by number": select(Report.id).where(
            Report.province_id == world.province_id, Report.year == year, Report.seq == seq
        ),
        **figures_statements(world),
    }


def figures_statements(world: World) -> dict[str, ClauseElement]:
    """The officials' and officers' statements (storage/repositories/workflow.py, digest.py,
    loans.py), as the bot runs them now, for the busy agency and the latest year."""
    now = world.end
    open_ = sorted(AGENCY_OPEN)
    inbox = (
        (Report.province_id == world.province_id)
        & Report.agency_id.in_([world.busy_agency_id])
        & Report.status.in_(open_)
    )
    day_start = now - timedelta(days=1)
    return {
        "/inbox: count": select(func.count()).select_from(Report).where(inbox),
        "/inbox: count overdue": select(func.count())
        .select_from(Report)
        .where(inbox & (Report.due_at < now)),
        "/inbox: overdue, newest first": inbox_page_statement(
            (Report.province_id == world.province_id)
            & Report.agency_id.in_([world.busy_agency_id])
            & unindexed(Report.status).in_(open_)
            & (unindexed(Report.due_at) < now)
        )
        .limit(5)
        .offset(5),
        "digest: moved to resolved yesterday": select(func.count(distinct(ReportEvent.report_id)))
        .select_from(ReportEvent)
        .join(Report, Report.id == ReportEvent.report_id)
        .where(
            Report.province_id == world.province_id,
            ReportEvent.to_status == "resolved",
            ReportEvent.created_at >= day_start,
            ReportEvent.created_at < now,
        ),
        "digest: open now": select(func.count())
        .select_from(Report)
        .where(
            Report.province_id == world.province_id,
            Report.status.in_(sorted({s.value for s in ReportStatus} - CLOSED)),
        ),
        "/loans: by month": select(
            LoanFigure.stage, LoanFigure.key, LoanFigure.count, LoanFigure.amount_rials
        ).where(
            LoanFigure.province_id == world.province_id,
            LoanFigure.year == jalali_year(now),
            LoanFigure.dimension == "month",
        ),
        "/stats: overdue in the current due bucket": select(Report.agency_id, func.count())
        .where(
            Report.province_id == world.province_id,
            Report.agency_id.in_(world.agency_ids),
            Report.status.in_(OPEN_STATUSES),
            Report.due_at >= EPOCH + timedelta(seconds=epoch_s(now) // DUE_BUCKET_S * DUE_BUCKET_S),
            Report.due_at < now,
        )
        .group_by(Report.agency_id),
    }


async def explain(database_url: str, world: World) -> list[str]:
    database = Database(database_url)
    lines: list[str] = []
    try:
        async with database.engine.connect() as connection:
            for name, statement in statements(world).items():
                sql = str(
                    statement.compile(connection.engine, compile_kwargs={"literal_binds": True})
                )
                prefix = "EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN ANALYZE "
                rows = (await connection.exec_driver_sql(prefix + sql)).all()
                plan = " / ".join(str(r[-1]) for r in rows)
                lines.append(f"{name}: {plan}")
    finally:
        await database.dispose()
    return lines


def run(argv: list[str]) -> Table:
    parser = argparse.ArgumentParser(prog="python -m bench queries")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--times", type=int, default=100, help="timed runs per command")
    parser.add_argument("--quick", action="store_true", help="100,000 reports, 30 runs each")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL alone")
    parser.add_argument("--explain", action="store_true", help="always show query plans")
    parser.add_argument(
        "--keep-sqlite",
        type=Path,
        default=None,
        help="generate the SQLite province into this file once and reuse it on later runs",
    )
    args, _ = parser.parse_known_args(argv)
    if args.quick:
        args.reports, args.times = min(args.reports, 100_000), min(args.times, 30)
    server = (
        args.postgres_url
        or os.environ.get("BENCH_POSTGRES_URL")
        or os.environ.get("TEST_POSTGRES_URL")
    )
    if args.postgres and not server:
        raise SystemExit("--postgres needs --postgres-url, BENCH_POSTGRES_URL or TEST_POSTGRES_URL")
    backends = [*([] if args.skip_sqlite else ["sqlite"]), *(["postgres"] if args.postgres else [])]
    return asyncio.run(
        _run(
            backends,
            server,
            args.reports,
            args.times,
            args.explain,
            args.keep_sqlite.resolve() if args.keep_sqlite else None,
        )
    )


async def generated(url: str, reports: int, keep: Path | None) -> World:
    """Generate the province, or reuse the one kept at `keep` (SQLite) from an earlier run
    of the same size: generating a million reports takes a minute or two."""
    if keep is None:
        return await generate(url, reports=reports)
    kept = _kept_world(keep, reports)
    if kept is not None:
        await forget_handled_updates(url)
        return kept
    world = await generate(url, reports=reports)
    keep.with_suffix(".world.pickle").write_bytes(pickle.dumps(world))
    return world


def _kept_world(keep: Path, reports: int) -> World | None:
    """The World saved with a kept database of this size; otherwise the file is removed."""
    saved = keep.with_suffix(".world.pickle")
    if keep.exists() and saved.exists():
        world = pickle.loads(saved.read_bytes())  # our own file, written just above
        if isinstance(world, World) and world.reports == reports:
            return world
    keep.unlink(missing_ok=True)
    return None


def _add_computation(table: Table, backend: str, work: Computation) -> None:
    median = percentile(work.seconds, 50)
    goal = work.goal_s
    table.add(f"computed/{backend}", work.name,
              f"<= {goal:.0f} s" if goal else "", f"{median * 1000:.0f} ms",
              None if goal is None else median <= goal)  # fmt: skip


def _add_latencies(table: Table, backend: str, results: list[Result], echo: float) -> bool:
    """Each command's p50 and p95 beside the echo bot's p95 (`echo`, ms); True when any
    misses a goal (its plan is then printed)."""
    echo_goal = GOAL_ECHO_RATIO * echo
    slow = False
    for result in results:
        p50 = percentile(result.latencies, 50) * 1000
        p95 = percentile(result.latencies, 95) * 1000
        met = p95 <= echo_goal
        slow = slow or not met or p95 > GOAL_P95_MS
        table.add(f"queries/{backend}", f"{result.command} p50", "", f"{p50:.1f} ms")
        table.add(f"queries/{backend}", f"{result.command} p95",
                  f"<= {GOAL_ECHO_RATIO:.0f} x echo ({echo_goal:.1f} ms)",
                  f"{p95:.1f} ms ({p95 / echo:.1f} x echo)", met,
                  f"<= {GOAL_P95_MS:.0f} ms: {'yes' if p95 <= GOAL_P95_MS else 'NO'}",
                  )  # fmt: skip
    return slow


async def _run(
    backends: list[str],
    server: str | None,
    reports: int,
    times: int,
    always_explain: bool,
    keep: Path | None = None,
) -> Table:
    table = Table(
        f"Queries at scale: {reports:,} reports, 5,000 units, end to end (commit {commit()})"
    )
    floor = await echo_latencies(times)
    echo = percentile(floor, 95) * 1000
    table.add("queries", "echo bot, one user, p50", "", f"{percentile(floor, 50) * 1000:.1f} ms")
    table.add("queries", "echo bot, one user, p95", "(floor)", f"{echo:.1f} ms")
    for backend in backends:
        async with database_for(backend, server, keep) as url:
            world = await generated(url, reports, keep if backend == "sqlite" else None)
            table.notes.append(
                f"{backend}: generated in {world.timings['total']:.0f} s "
                f"(reports + events {world.timings['reports + events']:.0f} s)"
            )
            results, rss = await bench_backend(backend, url, world, times)
            for work in await computations(url, world):
                _add_computation(table, backend, work)
            slow = _add_latencies(table, backend, results, echo)
            table.add(f"resources/{backend}", "bot peak RSS during the queries",
                      f"<= {GOAL_RSS_MB:.0f} MB", f"{rss:.0f} MB", rss <= GOAL_RSS_MB)  # fmt: skip
            table.notes.append(
                f"{backend}: bot peak RSS after each command: "
                + ", ".join(f"{r.command} {r.rss_after_mb:.0f} MB" for r in results)
            )
            if slow or always_explain:
                table.notes += [f"{backend} plan, {line}" for line in await explain(url, world)]
    table.notes.append(
        f"{times} sequential runs per command by an owner with 2,000 reports; the per-user "
        "update limit and the outbound cap are off (MAX_UPDATES_PER_MINUTE=0, "
        "MAX_MESSAGES_PER_SECOND=0), the emulator's flood control too"
    )
    table.notes.append(
        f"the echo bot (`python -m bench.echo_bot`) answered {times} messages of one user "
        "through the same emulator in the same run; each command's goal is its p95 within "
        f"{GOAL_ECHO_RATIO:.0f}x that p95 (the note says whether it is also within "
        f"{GOAL_P95_MS:.0f} ms)"
    )
    return table
