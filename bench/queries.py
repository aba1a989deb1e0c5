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
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.sql import ClauseElement

from bench.generate import BUSY_OWNER_ID, World, generate
from bench.harness import (
    ROUNAQ_COMMAND,
    bot_environment,
    bot_process,
    emulator_without_limits,
    latest_button,
    wait_events,
    wait_until_answering,
)
from bench.table import Table, percentile
from emulator import BotApiEmulator
from storage.db import Database
from storage.models import Report, ReportAttachment, ReportEvent, Unit

GOAL_P95_MS = 50.0
GOAL_RSS_MB = 150.0


@dataclass
class Result:
    backend: str
    command: str
    latencies: list[float]


@asynccontextmanager
async def database_for(backend: str, server_url: str | None) -> AsyncIterator[str]:
    """A fresh, empty database URL; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rounaq-bench-queries-") as directory:
            yield f"sqlite+aiosqlite:///{Path(directory) / 'province.sqlite3'}"
        return
    assert server_url is not None
    import asyncpg  # type: ignore[import-untyped]

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


async def timed(
    emu: BotApiEmulator, user_id: int, action: Callable[[], Awaitable[object]], times: int
) -> list[float]:
    latencies = []
    for _ in range(times):
        cursor = emu.cursor(user_id)
        started = time.perf_counter()
        await action()
        await wait_events(emu, user_id, cursor, 1)
        latencies.append(time.perf_counter() - started)
    return latencies


async def bench_backend(
    backend: str, database_url: str, world: World, times: int
) -> tuple[list[Result], float]:
    user = BUSY_OWNER_ID
    own = [s for s in world.samples if s[3] == user]
    assert own, "the generator made no sample reports for the busy owner"
    results: list[Result] = []
    async with emulator_without_limits() as emu:
        # One owner sends commands back to back, far faster than anyone types: the per-user
        # limit and the bot-wide 30 messages/s cap would time themselves, not the queries.
        env = bot_environment(
            emu, database_url, MAX_UPDATES_PER_MINUTE="0", MAX_MESSAGES_PER_SECOND="0"
        )
        async with bot_process(ROUNAQ_COMMAND, env) as bot:
            emu.add_user(user, "مالک پرکار", language_code="fa")
            try:
                await wait_until_answering(emu, user, timeout=120)
            except TimeoutError:
                raise SystemExit(f"the bot did not start:\n{bot.log_tail()}") from None

            async def my_reports() -> None:
                await emu.send_text(user, "/myreports")

            listing_latencies = await timed(emu, user, my_reports, times)
            results.append(Result(backend, "/myreports (2,000 reports)", listing_latencies))

            async def open_report() -> None:
                message, data = latest_button(emu, user, "my:o:")
                await emu.press_raw(user, user, message.message_id, data)

            results.append(
                Result(backend, "open a report", await timed(emu, user, open_report, times))
            )

            numbers = [f"{year}-{seq:04d}" for _, year, seq, _ in own]

            async def lookup() -> None:
                await emu.send_text(user, numbers[len(emu.messages(user)) % len(numbers)])

            lookups = await timed(emu, user, lookup, times)
            results.append(Result(backend, "tracking-number lookup", lookups))
            rss = bot.peak_rss_mb()
    return results, rss


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
    parser.add_argument("--explain", action="store_true", help="always show query plans")
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
    backends = ["sqlite", *(["postgres"] if args.postgres else [])]
    return asyncio.run(_run(backends, server, args.reports, args.times, args.explain))


async def _run(
    backends: list[str], server: str | None, reports: int, times: int, always_explain: bool
) -> Table:
    table = Table(f"Queries at scale: {reports:,} reports, 5,000 units, end to end")
    for backend in backends:
        async with database_for(backend, server) as url:
            world = await generate(url, reports=reports)
            table.notes.append(
                f"{backend}: generated in {world.timings['total']:.0f} s "
                f"(reports + events {world.timings['reports + events']:.0f} s)"
            )
            results, rss = await bench_backend(backend, url, world, times)
            slow = False
            for result in results:
                p50 = percentile(result.latencies, 50) * 1000
                p95 = percentile(result.latencies, 95) * 1000
                met = p95 <= GOAL_P95_MS
                slow = slow or not met
                table.add(f"queries/{backend}", f"{result.command} p50", "", f"{p50:.1f} ms")
                table.add(f"queries/{backend}", f"{result.command} p95",
                          f"<= {GOAL_P95_MS:.0f} ms", f"{p95:.1f} ms", met)  # fmt: skip
            table.add(f"resources/{backend}", "bot peak RSS during the queries",
                      f"<= {GOAL_RSS_MB:.0f} MB", f"{rss:.0f} MB", rss <= GOAL_RSS_MB)  # fmt: skip
            if slow or always_explain:
                table.notes += [f"{backend} plan, {line}" for line in await explain(url, world)]
    table.notes.append(
        f"{times} sequential runs per command by an owner with 2,000 reports; the per-user "
        "update limit and the outbound cap are off (MAX_UPDATES_PER_MINUTE=0, "
        "MAX_MESSAGES_PER_SECOND=0), the emulator's flood control too"
    )
    return table
