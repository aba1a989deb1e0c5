"""PostgreSQL restarted, and stopped for a while, under the running bot (real server).

Needs the throw-away cluster of scripts/with-postgres (TEST_POSTGRES_DATA/_BIN).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.models import Report
from tests.conftest import _postgres_database
from tests.e2e.durability_helpers import (
    bot_with_owner,
    count,
    texts_with,
)
from tests.e2e.expect import FA_P, fa, says
from tests.e2e.report_steps import report_up_to_attachments
from tests.e2e.workflow_kit import services_of

DATA = os.environ.get("TEST_POSTGRES_DATA")
BIN = os.environ.get("TEST_POSTGRES_BIN")
pytestmark = pytest.mark.skipif(
    not (DATA and BIN and os.environ.get("TEST_POSTGRES_URL")),
    reason="needs scripts/with-postgres",
)


@pytest.fixture
def database_url(postgres_template: str) -> Iterator[str]:
    yield from _postgres_database(os.environ["TEST_POSTGRES_URL"], template=postgres_template)


def server_options() -> str:
    """The options the cluster was started with (port, socket dir...), from the file
    PostgreSQL keeps them in: a plain `pg_ctl start` would fall back to port 5432."""
    assert DATA is not None
    words = shlex.split((Path(DATA) / "postmaster.opts").read_text())[1:]
    options, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "-D":
            skip = True
        else:
            options.append(word)
    return shlex.join(options)


async def pg_ctl(action: str, options: str | None = None) -> None:
    """pg_ctl as the cluster's owner (PostgreSQL refuses to run as root)."""
    assert DATA is not None
    assert BIN is not None
    log = str(Path(DATA).parent / "log")
    command = [f"{BIN}/pg_ctl", action, "-D", DATA, "-w", "-m", "fast", "-l", log]
    if options is not None:
        command += ["-o", options]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    assert await process.wait() == 0, f"pg_ctl {action} failed"


@pytest.mark.slow
async def test_postgres_restarted_and_stopped_under_the_bot(
    settings: Settings,
    emulator: BotApiEmulator,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with bot_with_owner(settings, emulator, clock) as (app, owner, officer):
        ask_files = await report_up_to_attachments(owner)

        # A restart between two steps: the pool's dead connections are replaced.
        await pg_ctl("restart")
        await owner.press_only(ask_files, "ادامه")
        await owner.next("مبلغ", wait=10)

        # Down while the owner types: the update waits and is handled once it is back.
        options = server_options()
        await pg_ctl("stop")
        try:
            with caplog.at_level(logging.WARNING, logger="bot.delivery"):
                caplog.clear()
                await owner.send("۵۰۰ میلیون")
                await emulator.wait_until(
                    lambda: sum("failed" in r.getMessage() for r in caplog.records) >= 2,
                    timeout=15,
                )
        finally:
            await pg_ctl("start", options)
        summary = await owner.next("پیش‌نمایش", wait=30)
        assert FA_P.money(500_000_000) in summary.text
        await owner.press_only(summary, "ثبت گزارش")
        confirmation = await owner.next("مهلت پاسخ", wait=10)
        number = FA_P.tracking(1405, 1)
        assert says(confirmation.text, "report.submitted", number=number)
        await emulator.wait_for_message(officer.id, lambda m: number in m.text)
        assert len(texts_with(officer, number)) == 1
        assert len(texts_with(owner, fa("report.summary_title"))) == 1
        assert await count(services_of(app), Report) == 1
