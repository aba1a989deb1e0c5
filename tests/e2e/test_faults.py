"""Faults under the bot, through the real HTTP path: the Bot API failing (502/500),
timing out and rate-limiting (429), and the SQLite database locked by another writer.
After each: nothing accepted is lost, nothing is duplicated, the bot keeps answering.

The Bot API faults do not depend on the database, so this module runs on SQLite only.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.models import Report
from tests.e2e.durability_helpers import (
    bot_with_owner,
    cast_of,
    count,
    texts_with,
)
from tests.e2e.expect import T1, fa, piece, says
from tests.e2e.report_steps import finish_report, report_up_to_attachments, up_to_description
from tests.e2e.test_report_flow import owner_registered
from tests.e2e.workflow_kit import services_of
from tests.people import Person

ASK_FILES, ASK_AMOUNT = piece("report.ask_attachments"), piece("report.ask_amount")
YARN = "تأمین نخ و رنگ از بازار آزاد؛ تولید نیمه متوقف است."  # the description, typed


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only (the faults are a file's), from the session's migrated template."""
    path = tmp_path / "rounaq.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def fault_settings(settings: Settings) -> Settings:
    # A Bot API request gives up after 1 s (production: 15 s); a SQLite writer waits 0.3 s
    # for the lock (production: 5 s), so the faults below outlast both.
    return settings.model_copy(update={"bot_api_timeout": 1.0, "sqlite_busy_timeout_ms": 300})


async def filed_once(app: RounaqApp, emulator: BotApiEmulator, officer: Person) -> None:
    """Whatever failed on the way: one report stored, and the SMT officer told of it once."""
    await emulator.wait_for_message(officer.id, lambda m: T1 in m.text, timeout=10)
    assert len(texts_with(officer, T1)) == 1
    assert await count(services_of(app), Report) == 1


@pytest.fixture
async def at_description(
    fault_settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> AsyncIterator[tuple[RounaqApp, Person, Person]]:
    """The bot under `fault_settings`, the owner's unit registered and /report asking for
    the description; the app, the owner and the SMT officer."""
    async with bot_with_owner(fault_settings, emulator, clock) as (app, owner, officer):
        await up_to_description(owner)
        yield app, owner, officer


async def test_bot_api_502_and_500_for_a_while(
    emulator: BotApiEmulator, at_description: tuple[RounaqApp, Person, Person]
) -> None:
    app, owner, officer = at_description
    # Replies fail with 502 three times: the update is handled again until they pass.
    emulator.fail_method("sendMessage", 502, times=3)
    ask_files = await owner.say(YARN)
    assert fa("report.btn_continue") in ask_files.button_texts[0]
    assert emulator.stats.errors["sendMessage"] >= 3
    # The prompt once, not once per attempt.
    assert len(texts_with(owner, ASK_FILES)) == 1

    # getUpdates fails with 500 for a second: the press waits, then is handled.
    emulator.fail_method("getUpdates", 500, duration=1.0)
    await owner.press_only(ask_files, "ادامه")
    await owner.next("مبلغ", wait=10)
    assert emulator.stats.errors["getUpdates"] >= 1

    summary = await owner.say("۵۰۰ میلیون")
    # The owner's confirmation fails after the report is committed: handled again,
    # the report is not stored twice and the agency is still told, once.
    emulator.fail_method("sendMessage", 500, times=2)
    await owner.press_only(summary, "ثبت گزارش")
    confirmation = await owner.next("مهلت پاسخ", wait=10)
    assert says(confirmation.text, "report.submitted", number=T1)
    await filed_once(app, emulator, officer)
    assert T1 in (await owner.say("/myreports")).text


async def test_bot_api_timeouts(
    emulator: BotApiEmulator, at_description: tuple[RounaqApp, Person, Person]
) -> None:
    app, owner, officer = at_description
    # The server holds the reply past the bot's timeout (and still delivers it, as
    # Telegram does): the bot handles the update again. The owner may see the prompt
    # twice — delivery is at least once — but the flow goes on from the right step.
    emulator.delay_method("sendMessage", 1.5, times=1)
    ask_files = await owner.say(YARN)
    await emulator.wait_until(lambda: len(texts_with(owner, "سندی دارید")) == 2, timeout=5)
    emulator.delay_method("answerCallbackQuery", 1.5, times=1)
    confirmation = await finish_report(owner, ask_files)
    assert says(confirmation.text, "report.submitted", number=T1)
    await filed_once(app, emulator, officer)


@pytest.mark.slow
async def test_a_429_storm(
    fault_settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    async with bot_with_owner(fault_settings, emulator, clock) as (app, owner, officer):
        ask_files = await report_up_to_attachments(owner)
        # Seven 429s in a row (retry_after 1 s): PTB's rate limiter waits out five, then
        # the update is handled again and the rest pass.
        emulator.fail_method("sendMessage", 429, retry_after=1, times=7)
        await owner.press_only(ask_files, "ادامه")
        await owner.next("مبلغ", wait=20)
        assert emulator.stats.too_many_requests["sendMessage"] == 7
        assert len(texts_with(owner, ASK_AMOUNT)) == 1
        summary = await owner.say("۵۰۰ میلیون")
        await owner.press_only(summary, "ثبت گزارش")
        await owner.next("مهلت پاسخ")
        await filed_once(app, emulator, officer)


async def test_sqlite_locked_by_another_writer(
    fault_settings: Settings,
    emulator: BotApiEmulator,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    owner, officer = cast_of(emulator)
    path = make_url(fault_settings.database_url).database
    assert path is not None
    async with running_bot(fault_settings, clock=clock, poll_timeout=1) as app:
        await owner_registered(app, owner, officer)
        ask_files = await report_up_to_attachments(owner)
        await owner.press_only(ask_files, "ادامه")
        await owner.next("مبلغ")
        summary = await owner.say("۵۰۰ میلیون")

        # Another process takes the write lock and keeps it while the owner submits.
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        try:
            with caplog.at_level(logging.WARNING, logger="bot.delivery"):
                caplog.clear()
                await owner.press_only(summary, "ثبت گزارش")
                # Wait until the bot has run into the lock more than once.
                await emulator.wait_until(
                    lambda: sum("failed" in r.getMessage() for r in caplog.records) >= 2,
                    timeout=10,
                )
            # Nothing claimed while locked.
            assert not texts_with(owner, piece("report.submitted"))
        finally:
            other.rollback()
            other.close()
        confirmation = await owner.next("مهلت پاسخ", wait=20)
        assert says(confirmation.text, "report.submitted", number=T1)
        await filed_once(app, emulator, officer)
        assert T1 in (await owner.say("/myreports")).text
