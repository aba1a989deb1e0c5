"""Shared fixtures: a real database file, the Bot API emulator, and the real application.

The database is SQLite in a temp dir by default; with TEST_DATABASE_URL set to a
PostgreSQL server URL (as .ci/run does) the storage and end-to-end suites also run there.
"""

from __future__ import annotations

import os

# Every catalog key the code uses must exist: fail loudly in tests, not in production.
os.environ.setdefault("ROUNAQ_I18N_STRICT", "1")

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.container import build_services
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from bot.state import runtime_of
from emulator import BotApiEmulator, RateLimits
from tests.people import Person

TOKEN = "987654321:TEST-token-for-the-local-emulator-0001"
ADMIN_ID = 4001
# Saturday 7 Azar 1405, 10:30 in Tehran: the first working day of the Iranian week.
START = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)

# What a test over its time limit prints before it fails (pytest-timeout's hooks).
pytest_plugins = ["tests.watchdog"]


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_POSTGRES_URL"):
        backends.append("postgres")
    return backends


# Migrating every revision and loading the province costs more than most tests themselves,
# so it is done once per session into a template that each test copies: the SQLite file,
# or PostgreSQL's CREATE DATABASE ... TEMPLATE. The migrations' own tests (stairway,
# idempotence) start from an empty database instead: `empty_database_url`.


async def _migrate_and_seed(url: str) -> None:
    """Exactly what the bot does to a new database at its first start."""
    services = await build_services(Settings(_env_file=None, database_url=url))
    await services.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "rounaq.sqlite3"
    asyncio.run(_migrate_and_seed(f"sqlite+aiosqlite:///{path}"))
    # Every connection is closed, so the WAL is folded into the file: one file to copy.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    for url in _postgres_database(os.environ["TEST_POSTGRES_URL"]):
        asyncio.run(_migrate_and_seed(url))
        yield url.rpartition("/")[2]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own for the test, migrated to head with the province loaded."""
    yield from _migrated_database(request, tmp_path)


@pytest.fixture(scope="module", params=_backends())
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """As `database_url`, one for the module's tests together (a bot shared among them)."""
    yield from _migrated_database(request, tmp_path_factory.mktemp("module"))


def _migrated_database(request: pytest.FixtureRequest, directory: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = directory / "rounaq.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    yield from _postgres_database(os.environ["TEST_POSTGRES_URL"], template=template)


@pytest.fixture(params=_backends())
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own with nothing in it, not even the migrations' version table."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'rounaq.sqlite3'}"
        return
    yield from _postgres_database(os.environ["TEST_POSTGRES_URL"])


def _postgres_database(server_url: str, template: str | None = None) -> Iterator[str]:
    """A fresh database on the CI's throw-away PostgreSQL cluster, dropped afterwards."""
    import asyncpg

    name = f"rounaq_test_{uuid.uuid4().hex[:12]}"
    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://")

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    copy = f' TEMPLATE "{template}"' if template else ""
    asyncio.run(run(f'CREATE DATABASE "{name}"{copy}'))
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


# The emulator's flood control as the tests meet it: a test (the corpus most of all) types
# and presses as fast as a script can, faster than anyone could, into one chat and across
# chats. Under the 30-a-second bot-wide window (stricter than the bot's own limiter, a
# leaky bucket that lets 30 through at once) and a 20-message burst to one private chat,
# it drew a 429 every few dozen messages and waited out its whole second: 9 of them, 10 of
# the 15 s, in one corpus step. Those two are lifted here; the group limit (20 a minute)
# stays, the bot paces its group messages itself. The limits themselves are tested in
# tests/emulator, a 429's handling where one is injected (test_faults, test_digest).
UNLIMITED = 1_000_000
TEST_RATE_LIMITS = RateLimits(per_bot_per_second=UNLIMITED, private_burst=UNLIMITED)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with new_emulator() as emu:
        yield emu


def new_emulator() -> BotApiEmulator:
    """The emulator as the tests meet it, to be entered (`async with`)."""
    return BotApiEmulator(token=TOKEN, bot_username="rounaq_test_bot", rate_limits=TEST_RATE_LIMITS)


def bot_settings(database_url: str, emulator: BotApiEmulator, **overrides: Any) -> Settings:
    """The bot's settings against this emulator and database, with the test admin;
    `overrides` set anything else (the random walk shortens the Bot API timeout)."""
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        bot_api_base_url=emulator.base_url,
        bot_api_file_url=emulator.base_file_url,
        database_url=database_url,
        admin_ids=frozenset({ADMIN_ID}),
        # The clock stands still in tests: a snapshot warmed at start would stay fresh
        # while a test adds reports. tests/e2e/test_warmup.py turns it on.
        warm_figures_on_start=False,
        **{
            # The bot's own pacing at Telegram's 30 messages a second is off (as in bench/),
            # like the emulator's bot-wide limit (TEST_RATE_LIMITS): a test sends faster
            # than people do, and one corpus step waited 0.2 s after every registration
            # for it. 429s and their retries stay, injected where they are tested.
            "max_messages_per_second": 0,
            **overrides,
        },
    )


def demo_settings(tmp_path: Path) -> Settings:
    """The demo's settings (emulator and personas come with `demo_session`) on a SQLite file
    in `tmp_path`. Figures are not warmed at start: warmed, they stay fresh for a minute
    (bot.services.stats), longer than a walk through the demo takes, and a figure asked for
    after a report would not count it."""
    return Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}",
        warm_figures_on_start=False,
    )


@pytest.fixture
def settings(database_url: str, emulator: BotApiEmulator) -> Settings:
    return bot_settings(database_url, emulator)


@pytest.fixture
async def app(settings: Settings, clock: ManualClock) -> AsyncIterator[RounaqApp]:
    async with running_bot(settings, clock=clock, poll_timeout=1) as application:
        # START is past the digest's time, so the bot starts with a catch-up run. A test
        # begins once it is over: a run still preparing rows while the test grants roles
        # and files reports would send half the readers an empty day's digest.
        runner = runtime_of(application).digest_runner
        if runner is not None:
            await runner.wait()
        yield application


@pytest.fixture
def people(emulator: BotApiEmulator, app: RounaqApp) -> dict[str, Person]:
    """The demo cast, as emulator users. Roles are granted by the tests that need them."""
    return cast_people(emulator)


def cast_people(emulator: BotApiEmulator) -> dict[str, Person]:
    """The `people` fixture's users, for a test that starts the bot itself (a restart)."""
    return {
        "owner": Person(emulator, emulator.add_user(1001, "رضا", username="reza")),
        "other_owner": Person(emulator, emulator.add_user(1002, "Sam", language_code="en")),
        "officer": Person(emulator, emulator.add_user(2001, "مریم", username="maryam")),
        "official": Person(emulator, emulator.add_user(3001, "سارا")),
        "admin": Person(emulator, emulator.add_user(ADMIN_ID, "مدیر")),
    }
