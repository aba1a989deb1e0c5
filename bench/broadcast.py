"""The digest broadcast against the emulator with Telegram's limits on.

N subscribers (officials, so each gets a digest) are created in a fresh database; the
real application sends the day's digest through the local Bot API emulator, which answers
429 like Telegram when a limit is crossed (30 messages/s overall, a short burst per chat).
The table compares the achieved rate with the 30/s limit and counts 429s, duplicates and
losses from what the emulator received, and the peak memory of the process (bot and
emulator together).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bench.table import Table
from bot.clock import ManualClock
from bot.container import Services
from bot.runtime import running_bot
from bot.services.reports import ReportDraft
from bot.services.units import UnitDraft
from bot.settings import Settings
from bot.state import runtime_of
from emulator import BotApiEmulator
from emulator.ratelimit import DEFAULT_RATE_LIMITS
from handlers.digest import runner_of
from storage.models import PermitStatus, Role, User, UserRole
from storage.models_digest import ChatKind, DigestSubscription

TOKEN = "700000002:BENCH-local-emulator-token-not-secret"
ADMIN_ID = 4001
OWNER_ID = 1001
FIRST_SUBSCRIBER = 10_000_000
TEHRAN = ZoneInfo("Asia/Tehran")
# A Saturday, 09:00 in Tehran: a working day after the 08:00 digest time.
RUN_AT = datetime(2026, 11, 28, 9, 0, tzinfo=TEHRAN)
HEADER = "گزارش روزانهٔ رونق"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--subscribers", type=int, default=3000, help="default: 3000")
    parser.add_argument(
        "--rate", type=float, default=None, help="DIGEST_RATE_PER_SECOND (default: the setting's)"
    )
    parser.add_argument(
        "--database-url", default=None, help="default: a SQLite file in a temporary directory"
    )


@dataclass(frozen=True)
class Result:
    subscribers: int
    messages: int
    seconds: float
    limit: int
    too_many: int
    duplicates: int
    losses: int
    peak_rss_mb: float
    rate_setting: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


async def _populate(services: Services, clock: ManualClock, subscribers: int) -> None:
    """Users, their official role and subscriptions in bulk, plus reports to talk about."""
    now = clock.now()
    province_id = services.directory.province_id
    ids = range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + subscribers)
    async with services.database.transaction() as session:
        await session.execute(
            insert(User),
            [{"id": i, "first_name": f"Official {i}", "language": "fa", "created_at": now}
             for i in ids],
        )  # fmt: skip
        await session.execute(
            insert(UserRole),
            [{"user_id": i, "role": Role.OFFICIAL.value, "province_id": province_id,
              "granted_at": now} for i in ids],
        )  # fmt: skip
        await session.execute(
            insert(DigestSubscription),
            [{"chat_id": i, "kind": ChatKind.USER.value, "active": True, "muted_sections": "",
              "created_at": now, "updated_at": now} for i in ids],
        )  # fmt: skip
    await services.users.touch(OWNER_ID, first_name="رضا", last_name=None, username=None)
    sector, county = services.directory.sectors[0], services.directory.counties[0]
    unit = await services.units.register(
        OWNER_ID, UnitDraft("واحد نمونه", sector.id, county.id, PermitStatus.LICENSED, "0912")
    )
    for category in services.directory.categories[:4]:
        clock.set(RUN_AT - timedelta(days=2))
        await services.reports.submit(
            OWNER_ID, ReportDraft(unit.id, category.id, "نمونهٔ مانع تولید برای سنجش.")
        )
    clock.set(RUN_AT)


async def _bench(args: argparse.Namespace, database_url: str) -> Result:
    emulator = BotApiEmulator(
        TOKEN, bot_username="rounaq_bench_bot", rate_limits=DEFAULT_RATE_LIMITS
    )
    await emulator.start()
    try:
        for i in range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers):
            emulator.add_user(i, f"Official {i}")
        emulator.add_user(ADMIN_ID, "Admin")
        emulator.add_user(OWNER_ID, "Owner")
        update = {
            "bot_token": TOKEN,
            "bot_api_base_url": emulator.base_url,
            "bot_api_file_url": emulator.base_file_url,
            "database_url": database_url,
            "admin_ids": frozenset({ADMIN_ID}),
        }
        if args.rate is not None:
            update["digest_rate_per_second"] = args.rate
        settings = Settings(_env_file=None, **update)  # type: ignore[arg-type]
        clock = ManualClock(datetime(2026, 11, 28, 3, 0, tzinfo=UTC))  # before 08:00 Tehran
        async with running_bot(settings, clock=clock, poll_timeout=1) as app:
            services: Services = runtime_of(app).services
            runner = runner_of(app)
            await _populate(services, clock, args.subscribers)
            emulator.stats.reset()
            started = time.monotonic()
            runner.trigger()
            await runner.wait()
            seconds = time.monotonic() - started
        counts = Counter(
            sum(HEADER in m.text for m in emulator.messages(i))
            for i in range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers)
        )
        messages = sum(n * c for n, c in counts.items())
        return Result(
            subscribers=args.subscribers,
            messages=messages,
            seconds=seconds,
            limit=DEFAULT_RATE_LIMITS.per_bot_per_second,
            too_many=emulator.stats.total_429,
            duplicates=sum((n - 1) * c for n, c in counts.items() if n > 1),
            losses=counts.get(0, 0),
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            rate_setting=settings.digest_rate_per_second,
        )
    finally:
        await emulator.stop()


def _table(result: Result) -> Table:
    share = result.rate / result.limit
    table = Table(f"Daily digest broadcast: {result.subscribers} subscribers over HTTP")
    add = partial(table.add, "broadcast")
    add(
        "achieved rate vs the emulator's limit",
        f">= 93% of {result.limit} msg/s",
        f"{result.rate:.2f} msg/s ({share:.1%})",
        share >= 0.93,
    )
    add("429s received", "0", str(result.too_many), result.too_many == 0)
    add("duplicates", "0", str(result.duplicates), result.duplicates == 0)
    add("losses", "0", str(result.losses), result.losses == 0)
    add("peak memory (RSS, bot + emulator)", "", f"{result.peak_rss_mb:.0f} MB")
    add("wall time (trigger to last report)", "", f"{result.seconds:.1f} s")
    table.notes.append(
        f"{result.messages} digests delivered; the pacer runs at {result.rate_setting:g} msg/s"
    )
    return table


def run(argv: list[str]) -> Table:
    parser = argparse.ArgumentParser(prog="python -m bench broadcast")
    configure(parser)
    parser.add_argument("--quick", action="store_true", help="300 subscribers")
    args, _ = parser.parse_known_args(argv)
    if args.quick:
        args.subscribers = min(args.subscribers, 300)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return _table(asyncio.run(_bench(args, url)))
