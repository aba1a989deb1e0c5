"""kill -9 of the bot process — in the middle of a conversation, and while a report is being
committed — then a restart: the owner goes on from the same step, nothing accepted is lost,
nothing is stored or announced twice. The bot runs as `python -m bot run` over real HTTP."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.container import build_services
from bot.settings import Settings
from emulator import BotApiEmulator, SentMessage
from storage.db import Database
from storage.models import Report, Role, Unit
from tests.e2e.bot_process import BotProcess
from tests.e2e.durability_helpers import cast_of, texts_with
from tests.e2e.expect import T1, piece, says
from tests.e2e.report_steps import (
    DESCRIPTION,
    finish_report,
    report_up_to_attachments,
    summary_after,
)
from tests.e2e.test_report_flow import choose_persian, register_unit
from tests.people import Person
from tests.services_kit import seeded_agency

pytestmark = pytest.mark.slow
NEW_REPORT = piece("agency.new_report")
RECEIPT = piece("report.submitted")  # the owner's receipt


async def prepare(settings: Settings, officer: Person) -> None:
    """Migrate and load the province, and make the SMT officer, before the bot starts."""
    services = await build_services(settings)
    try:
        agency = seeded_agency(services, "smt")
        await services.users.touch(officer.id, first_name="مریم", last_name=None, username=None)
        await services.users.grant(officer.id, Role.OFFICER, agency_id=agency.id)
    finally:
        await services.close()


async def finished_once(
    settings: Settings, emulator: BotApiEmulator, owner: Person, officer: Person
) -> None:
    """After the restart: the report stored once, the owner and the agency each told once,
    and the bot still answering."""
    await owner.next("مهلت پاسخ", wait=15)
    await emulator.wait_for_message(officer.id, lambda m: NEW_REPORT in m.text)
    assert await stored(settings) == (1, 1, [DESCRIPTION])
    assert len(texts_with(owner, RECEIPT)) == 1
    assert len(texts_with(officer, NEW_REPORT)) == 1
    assert T1 in (await owner.say("/myreports")).text


class MidReport(NamedTuple):
    bot: BotProcess
    owner: Person
    officer: Person
    ask_files: SentMessage


@asynccontextmanager
async def bot_at_attachments(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[MidReport]:
    """The bot as a process, the SMT officer made before it starts, and the owner registered
    and at the report's "attach files?" step; the process is stopped on the way out."""
    owner, officer = cast_of(emulator)
    await prepare(settings, officer)
    bot = BotProcess(settings, tmp_path)
    await bot.start(emulator)
    try:
        await choose_persian(owner)
        await register_unit(owner, "کارخانه فرش ممتاز")
        yield MidReport(bot, owner, officer, await report_up_to_attachments(owner))
    finally:
        await bot.stop()


async def stored(settings: Settings) -> tuple[int, int, list[str]]:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            units = await session.scalar(select(func.count()).select_from(Unit))
            descriptions = list(await session.scalars(select(Report.description)))
        return int(units or 0), len(descriptions), descriptions
    finally:
        await database.dispose()


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:  # noqa: ASYNC109
    """Poll an out-of-process condition (another database session) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


async def test_kill_9_in_the_middle_of_a_report(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    async with bot_at_attachments(settings, emulator, tmp_path) as (bot, owner, officer, ask_files):
        await bot.kill9()

        await bot.start(emulator)
        confirmation = await finish_report(owner, ask_files)
        assert says(confirmation.text, "report.submitted", number=T1)
        await emulator.wait_for_message(officer.id, lambda m: NEW_REPORT in m.text)
        assert await stored(settings) == (1, 1, [DESCRIPTION])
        assert len(texts_with(officer, NEW_REPORT)) == 1
        assert T1 in (await owner.say("/myreports")).text  # and it keeps answering


async def test_kill_9_while_the_report_is_being_committed(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    # A SQLite writer gives up on the lock after 0.5 s here (then retries), not 5 s.
    settings = settings.model_copy(update={"sqlite_busy_timeout_ms": 500})
    async with bot_at_attachments(settings, emulator, tmp_path) as (bot, owner, officer, ask_files):
        summary = await summary_after(owner, ask_files)

        # Another writer holds the lock the report's transaction needs, so the bot is
        # caught inside that transaction when it is killed.
        release = await hold_write_lock(settings, bot)
        await owner.press_only(summary, "ثبت گزارش")
        await release.wait_until_blocked()
        await bot.kill9()
        await release()
        assert not texts_with(owner, RECEIPT)
        assert (await stored(settings))[1] == 0

        # The press was never confirmed to Telegram: the new process gets it again.
        await bot.start(emulator)
        await finished_once(settings, emulator, owner, officer)


class Lock:
    def __init__(
        self,
        blocked: Callable[[], Awaitable[bool]],
        release: Callable[[], Awaitable[None]],
    ) -> None:
        self._blocked = blocked
        self._release = release

    async def wait_until_blocked(self) -> None:
        await until(self._blocked)

    async def __call__(self) -> None:
        await self._release()


async def hold_write_lock(settings: Settings, bot: BotProcess) -> Lock:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        # A few seconds' patience: the bot may be in one of its own short writes (the
        # inbox row, the state of the update just answered) when the test takes the lock.
        other = sqlite3.connect(url.database, isolation_level=None, timeout=10)
        other.execute("BEGIN IMMEDIATE")

        async def sqlite_blocked() -> bool:
            return "database is locked" in bot.log_text()

        async def sqlite_release() -> None:
            other.rollback()
            other.close()

        return Lock(sqlite_blocked, sqlite_release)

    import asyncpg

    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    holder = await asyncpg.connect(dsn)
    observer = await asyncpg.connect(dsn)
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("LOCK TABLE tracking_counters IN ACCESS EXCLUSIVE MODE")

    async def pg_blocked() -> bool:
        waiting = await observer.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(waiting)

    async def pg_release() -> None:
        await transaction.rollback()
        await holder.close()
        await observer.close()

    return Lock(pg_blocked, pg_release)
