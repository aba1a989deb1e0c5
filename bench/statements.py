"""Statements: SQL statements and transactions per update, counted, not timed.

One owner holds the intake conversation (bench.intake's 13 steps), then an officer (of
every agency, so the report is referred to a staffed one) opens their inbox, the report,
and accepts it. The bot runs under bench.sql_probe, which logs every statement,
transaction boundary and trip to aiosqlite's thread; each step's share is what the log
gained between the step's action and the moment the log fell quiet after its answer. The
counts do not depend on timing (one user at a time, background jobs idle in a short run),
so they compare commits exactly where CPU figures on a shared machine cannot.

`--verbose` prints each step's statements.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.harness import (
    bot_environment,
    bot_process,
    bot_started,
    emulator_without_limits,
    wait_events,
)
from bench.intake import ROUNAQ_SCRIPT, Step
from bench.table import Table, commit
from emulator import BotApiEmulator

OWNER_ID = 7001
OFFICER_ID = 7002
QUIET_SECONDS = 0.6


@dataclass(frozen=True)
class Count:
    """One step's share of the probe's log. Each line starts with its kind (bench.sql_probe):
    S a statement, B a transaction's begin, C a commit, R a rollback, T a trip."""

    label: str
    lines: list[str]
    statements: int
    transactions: int
    trips: int
    commits: int

    @classmethod
    def of(cls, label: str, lines: list[str]) -> Count:
        kinds = Counter(line[:1] for line in lines)
        return cls(label, lines, kinds["S"], kinds["B"], kinds["T"], kinds["C"])


def _lines(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


async def _settled(log: Path, since: int) -> list[str]:
    """The log's lines after ``since`` once no line was added for QUIET_SECONDS."""
    size = -1
    while True:
        lines = _lines(log)
        if len(lines) == size:
            return lines[since:]
        size = len(lines)
        await asyncio.sleep(QUIET_SECONDS)


async def _step(emu: BotApiEmulator, log: Path, user: int, step: Step, label: str) -> Count:
    before = len(_lines(log))
    cursor = emu.cursor(user)
    try:
        await step.act(emu, user)
    except LookupError:
        print([(m.text[:80], m.buttons) for m in emu.messages(user)[-2:]], file=sys.stderr)
        raise
    await wait_events(emu, user, cursor, step.events)
    return Count.of(label, await _settled(log, before))


async def _grant_officer(database_url: str) -> None:
    """An officer of every agency (written as an admin would), so that the report the owner
    files is referred to a staffed agency, whichever it is."""
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import Agency
    from storage.repositories.users import UserRepository

    database = Database(database_url)
    try:
        async with database.transaction() as session:
            repo = UserRepository(session)
            await repo.upsert(OFFICER_ID, first_name="officer")
            for agency in await session.scalars(select(Agency)):
                await repo.grant(OFFICER_ID, "officer", agency.province_id, agency_id=agency.id)
    finally:
        await database.dispose()


async def measure(workdir: Path) -> list[Count]:
    database_url = f"sqlite+aiosqlite:///{workdir / 'statements.sqlite3'}"
    log = workdir / "sql.log"
    log.touch()
    command = (sys.executable, "-m", "bench.sql_probe", "--log-level", "WARNING", "run")
    counts: list[Count] = []
    async with emulator_without_limits() as emu:
        env = bot_environment(emu, database_url, SQL_PROBE_LOG=str(log))
        async with bot_process(command, env, workdir=workdir) as bot:
            emu.add_user(1, "warmup")
            await bot_started(bot, emu, 1)
            await _grant_officer(database_url)
            await _settled(log, 0)
            emu.add_user(OWNER_ID, "owner", language_code="fa")
            for index, step in enumerate(ROUNAQ_SCRIPT, 1):
                label = f"owner {index:02d} {step.kind} {step.arg[:24]}".rstrip()
                counts.append(await _step(emu, log, OWNER_ID, step, label))
            emu.add_user(OFFICER_ID, "officer", language_code="fa")
            for step, label in (
                (Step("say", "/inbox"), "officer 1 /inbox"),
                (Step("press", "my:o:"), "officer 2 open report"),
                (Step("press", "wf:acc:"), "officer 3 accept"),
            ):
                counts.append(await _step(emu, log, OFFICER_ID, step, label))
    return counts


def run(argv: list[str]) -> Table:
    parser = argparse.ArgumentParser(prog="python -m bench statements")
    parser.add_argument("--verbose", action="store_true", help="print each step's statements")
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="rounaq-bench-sql-") as directory:
        counts = asyncio.run(measure(Path(directory)))
    table = Table(f"Statements and transactions per update (commit {commit()})")
    for count in counts:
        table.add(
            "statements", count.label, "", f"{count.statements} statements",
            note=f"{count.transactions} transactions, {count.commits} commits, "
            f"{count.trips} aiosqlite trips",
        )  # fmt: skip
        if args.verbose:
            print(f"--- {count.label}")
            for line, times in Counter(count.lines).most_common():
                print(f"  {times:3d} x {line[:150]}")
            print("  in order (trips left out):")
            for line in count.lines:
                if not line.startswith("T"):
                    print(f"    {line[:110]}")
    for who in ("owner", "officer"):
        mine = [c for c in counts if c.label.startswith(who)]
        n = len(mine)
        table.add(
            "statements", f"{who}: mean per update ({n} updates)", "",
            f"{sum(c.statements for c in mine) / n:.1f} statements",
            note=f"{sum(c.transactions for c in mine) / n:.1f} transactions, "
            f"{sum(c.commits for c in mine) / n:.1f} commits, "
            f"{sum(c.trips for c in mine) / n:.1f} aiosqlite trips",
        )  # fmt: skip
    return table
