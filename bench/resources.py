"""Resources: cold start to the first answer of `python -m bot run`.

Timed from spawning the process until the reply to a /start that was already waiting in
the emulator: interpreter start, imports, migrations, the data set, the first poll and
the first answer. Twice: on a fresh database (migrated and seeded now) and on the same
database again (already migrated). Peak RSS is measured by the queries benchmark, on the
large data set, where it matters.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.harness import (
    ECHO_COMMAND,
    REPO_ROOT,
    ROUNAQ_COMMAND,
    bot_environment,
    bot_process,
    emulator_without_limits,
    forget_handled_updates,
    wait_events,
)
from bench.table import Table, commit

GOAL_COLD_START_S = 2.0
# Issue 10: cold start within twice the echo bot's, measured in the same run.
GOAL_RATIO = 2.0


@dataclass(frozen=True)
class Start:
    seconds: float  # wall time from spawn to the first answer
    cpu_seconds: float  # the process's CPU time by then: steadier on a shared machine
    rss_mb: float  # its peak RSS by then


async def cold_start(
    database_url: str, workdir: Path, command: Sequence[str] = ROUNAQ_COMMAND, **extra_env: str
) -> Start:
    """From spawning the process to its first answer."""
    async with emulator_without_limits() as emu:
        emu.add_user(1001, "رضا", language_code="fa")
        cursor = emu.cursor(1001)
        await emu.send_text(1001, "/start")  # waiting before the bot exists, as after a restart
        env = bot_environment(emu, database_url, **extra_env)
        async with bot_process(command, env, workdir=workdir) as bot:
            try:
                await wait_events(emu, 1001, cursor, 1, timeout=60)
            except TimeoutError:
                raise SystemExit(f"the bot did not answer:\n{bot.log_tail()}") from None
            seconds = time.perf_counter() - bot.started
            return Start(seconds, bot.cpu_seconds(), bot.peak_rss_mb())


def compile_bytecode() -> None:
    """Compile the checkout and the installed packages first, as the Docker image does
    (UV_COMPILE_BYTECODE=1): with PYTHONDONTWRITEBYTECODE set, or right after an install,
    each start would otherwise compile its sources, and the bot has far more than the echo
    bot, so the ratio would time the compiler."""
    packages = [str(REPO_ROOT / name) for name in ("bot", "handlers", "storage", "bench")]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *packages,
         sysconfig.get_paths()["purelib"]],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run(argv: list[str]) -> Table:
    parser = argparse.ArgumentParser(prog="python -m bench resources")
    parser.add_argument("--quick", action="store_true", help="(same run; it is quick)")
    parser.add_argument(
        "--large",
        default=None,
        metavar="DATABASE_URL",
        help="also start on this (generated, e.g. --keep-sqlite of queries) database",
    )
    args, _ = parser.parse_known_args(argv)
    compile_bytecode()
    return asyncio.run(_run(args.large))


async def _run(large: str | None = None) -> Table:
    table = Table(
        f"Resources: cold start of `python -m bot run` to the first answer (commit {commit()})"
    )
    with tempfile.TemporaryDirectory(prefix="rounaq-bench-start-") as directory:
        workdir = Path(directory)
        url = f"sqlite+aiosqlite:///{workdir / 'start.sqlite3'}"
        # The echo bot first, on the same machine in the same run: the goal is a ratio.
        floor = await cold_start(url, workdir, ECHO_COMMAND)
        fresh = await cold_start(url, workdir)
        await forget_handled_updates(url)
        again = await cold_start(url, workdir)
    ok, echo = GOAL_COLD_START_S, floor.seconds
    table.add("resources", "cold start, echo bot", "(floor)", f"{echo:.2f} s",
              note=f"CPU {floor.cpu_seconds:.2f} s")  # fmt: skip
    for label, start in (("new database", fresh), ("existing database", again)):
        seconds = start.seconds
        table.add("resources", f"cold start, {label}", f"<= {ok:.0f} s", f"{seconds:.2f} s",
                  seconds <= ok, f"CPU {start.cpu_seconds:.2f} s")  # fmt: skip
        table.add("resources", f"cold start, {label} / echo", f"<= {GOAL_RATIO:.0f}",
                  f"{seconds / echo:.2f}", seconds / echo <= GOAL_RATIO,
                  f"CPU {start.cpu_seconds / floor.cpu_seconds:.2f} x echo")  # fmt: skip
    table.add("resources", "peak RSS after the first answer", "", f"{again.rss_mb:.0f} MB")
    if large is not None:
        # Its /stats and /loans warm-up starts now too, in the background, as after any
        # restart: the first answer must not wait for it.
        await forget_handled_updates(large)
        with tempfile.TemporaryDirectory(prefix="rounaq-bench-start-") as directory:
            # The generated province has 3,000 digest subscribers: a start after 08:00
            # would begin today's broadcast too, which is not what is timed here.
            start = await cold_start(large, Path(directory), DIGEST_TIME="23:59")
        seconds, rss = start.seconds, start.rss_mb
        table.add("resources", "cold start, the large generated database", f"<= {ok:.0f} s",
                  f"{seconds:.2f} s", seconds <= ok)  # fmt: skip
        table.add("resources", "cold start, the large generated database / echo",
                  f"<= {GOAL_RATIO:.0f}", f"{seconds / echo:.2f}",
                  seconds / echo <= GOAL_RATIO)  # fmt: skip
        table.add("resources", "peak RSS after its first answer", "", f"{rss:.0f} MB")
    table.notes.append(
        "from spawning the process to the reply to a /start already waiting in the emulator; "
        "the echo bot (`python -m bench.echo_bot`) is timed the same way in the same run; "
        "the sources are compiled to bytecode first, as in the Docker image; the note gives "
        "the process's CPU time by the first answer (user + system), which a busy machine "
        "moves less than the wall time"
    )
    return table
