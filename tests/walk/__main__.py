"""`./dev fuzz`: run the walk by hand.

  ./dev fuzz --seed N --steps M       replay that walk exactly (what a failure prints)
  ./dev fuzz --minutes N              new seeds, one after another, for N minutes
  ./dev fuzz --total N                new seeds until N steps in all (with --minutes: both)
  --keep-going                        after a failure, go on with the next seed
  ./dev fuzz --replay steps.json      a saved (e.g. shrunk) step list
  --postgres                          on PostgreSQL (TEST_POSTGRES_URL, or scripts/with-postgres)
  --process                           the bot as `python -m bot run`: real SIGTERM and SIGKILL
  --no-shrink                         report a failure without shrinking its step list
  --unpaced                           without the bot's 30-a-second pacing and flood control

A failure prints the seed, the broken invariant, the last steps of every chat involved,
and (unless --no-shrink) a shrunk step list saved as JSON for --replay.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

os.environ.setdefault("ROUNAQ_I18N_STRICT", "1")

from tests.walk.driver import WIDTH, WalkResult, run_walk, shrink
from tests.walk.steps import dump_steps, load_steps


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--minutes", type=float)
    parser.add_argument("--total", type=int, help="new seeds until this many steps in all")
    parser.add_argument("--keep-going", action="store_true", help="go on after a failure")
    parser.add_argument("--replay", type=Path)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--process", action="store_true")
    parser.add_argument(
        "--unpaced", action="store_true", help="no 30-a-second pacing, no flood control"
    )
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument(
        "--width", type=int, default=WIDTH, help="people acting at once (replay with the same)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path.cwd(), help="where a shrunk step list is saved"
    )
    return parser.parse_args(argv)


def _fresh(workdir: Path, postgres: bool) -> Callable[[], AsyncIterator[str]]:
    """A new empty database per walk (a shrink replays many)."""

    async def fresh() -> AsyncIterator[str]:
        if not postgres:
            handle, name = tempfile.mkstemp(suffix=".sqlite3", dir=workdir)
            os.close(handle)
            os.unlink(name)
            yield f"sqlite+aiosqlite:///{name}"
            return
        from tests.conftest import _postgres_database

        server = os.environ.get("TEST_POSTGRES_URL")
        if not server:
            raise SystemExit("--postgres needs TEST_POSTGRES_URL (run under scripts/with-postgres)")
        databases = _postgres_database(server)
        url = await asyncio.to_thread(next, databases)
        try:
            yield url
        finally:
            await asyncio.to_thread(next, databases, None)

    return fresh


async def _one(args: argparse.Namespace, workdir: Path, seed: int, count: int) -> WalkResult:
    fresh = _fresh(workdir, args.postgres)
    replay = load_steps(args.replay.read_text()) if args.replay else None
    deadline = None
    async with asynccontextmanager(fresh)() as url:
        result = await run_walk(
            url, workdir, seed=seed, steps=count, replay=replay, process=args.process,
            deadline=deadline, width=args.width, paced=not args.unpaced,
        )  # fmt: skip
    rate = f"{len(result.steps)} steps in {result.elapsed:.1f} s ({result.rate:.1f}/s)"
    if result.violation is None:
        print(f"seed {seed}: {rate}, nothing found; known defects hit: {len(result.known)}")
        print(f"  {result.summary}")
        for line, times in Counter(k[:90] for k in result.known).most_common():
            print(f"  known x{times}: {line}")
        return result
    print(result.report)
    where = (
        (" --postgres" if args.postgres else "")
        + (f" --width {args.width}" if args.width != WIDTH else "")
        + (" --unpaced" if args.unpaced else "")
    )
    print(f"\nreplay: ./dev fuzz --seed {seed} --steps {len(result.steps)}{where}")
    if not args.no_shrink:
        steps = await shrink(
            fresh,
            workdir,
            result,
            process=args.process,
            width=args.width,
            paced=not args.unpaced,
        )
        saved = args.out / f"walk-seed{seed}-shrunk.json"
        # A folder named for the result may not exist yet: the shrink's minutes are not
        # lost to a missing directory at the very end.
        await asyncio.to_thread(args.out.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(saved.write_text, dump_steps(steps), encoding="utf-8")
        print(f"shrunk to {len(steps)} steps ({saved}):")
        for index, step in enumerate(steps):
            print(f"  {index}: {step.describe()}")
        print(f"replay: ./dev fuzz --seed {seed} --replay {saved}{where}")
    return result


async def main(argv: list[str]) -> int:
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="rounaq-walk-") as tmp:
        workdir = Path(tmp)
        if args.minutes is None and args.total is None:
            seed = args.seed if args.seed is not None else random.randrange(1, 10**6)
            result = await _one(args, workdir, seed, args.steps)
            return 0 if result.violation is None else 1
        until = time.monotonic() + (args.minutes * 60 if args.minutes is not None else 1e12)
        total, walks, failed = 0, 0, []
        while time.monotonic() < until and (args.total is None or total < args.total):
            seed = random.randrange(1, 10**6)
            result = await _one(args, workdir, seed, args.steps)
            total += len(result.steps)
            walks += 1
            if result.violation is not None:
                failed.append(seed)
            stamp = time.strftime("%H:%M:%S", time.gmtime())
            print(f"{stamp} UTC: {total} steps in {walks} walks; failed seeds: {failed or 'none'}")
            sys.stdout.flush()
            if failed and not args.keep_going:
                return 1
        print(
            f"{total} steps in {walks} walks, "
            + (f"failed: {failed}" if failed else "nothing found")
        )
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
