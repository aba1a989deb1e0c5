"""kill -9 at the two edges of the durable inbox (bot.inbox), the bot a real process:

* after an update is stored and before the Bot API is told (the next getUpdates' offset):
  the restart handles the stored row, and the copy Telegram sends again is dropped;
* after the report is committed and before the owner is told (the confirmation fails):
  the restart handles the undone row again; the report is stored once, the owner and the
  agency are each told once;
* after the update's commit (its notice queued in the outbox) and before the notice is
  sent: the restart sends the queued notice; the agency and the owner are each told once;
* in webhook mode, after the post was answered 200 and before the update was handled.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.settings import Settings
from emulator import BotApiEmulator
from storage.db import Database
from storage.models_durability import InboxUpdate
from tests.e2e.bot_process import BotProcess
from tests.e2e.durability_helpers import texts_with
from tests.e2e.expect import piece
from tests.e2e.ports import free_port
from tests.e2e.report_steps import DESCRIPTION, summary_after
from tests.e2e.test_crash import NEW_REPORT, bot_at_attachments, finished_once, stored, until
from tests.e2e.test_webhook import PUBLIC_URL, SECRET, post, wait_listening
from tests.people import Person

pytestmark = pytest.mark.slow
# Longer than the test: a request held this long never takes effect while the test runs.
HELD = 120.0
ASK_AMOUNT, RECEIPT = piece("report.ask_amount"), piece("report.submitted")


async def inbox_row(settings: Settings, update_id: int) -> InboxUpdate | None:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            return await session.scalar(
                select(InboxUpdate).where(InboxUpdate.update_id == update_id)
            )
    finally:
        await database.dispose()


async def test_kill_9_after_storing_and_after_committing_each_handled_and_told_once(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    async with bot_at_attachments(settings, emulator, tmp_path) as (bot, owner, officer, ask_files):
        # 1. Stored, not yet confirmed nor handled: the getUpdates that would confirm the
        # press is held at the server, and so is the handler's first call (the answer to
        # the press), so the process dies with the row stored and nothing else done.
        emulator.delay_method("getUpdates", HELD, times=1)
        emulator.delay_method("answerCallbackQuery", HELD, times=1)
        await owner.press_only(ask_files, "ادامه")
        press = emulator.update_ids("callback_query")[-1]

        async def stored_not_done() -> bool:
            row = await inbox_row(settings, press)
            return row is not None and row.done_at is None

        await until(stored_not_done)
        await emulator.wait_until(lambda: emulator.stats.calls["answerCallbackQuery"] > 0)
        await bot.kill9()
        assert press in [u["update_id"] for u in emulator.pending_updates()]  # not confirmed
        assert not texts_with(owner, ASK_AMOUNT)

        emulator.clear_faults()
        await bot.start(emulator)
        summary_prompt = await owner.next("مبلغ", wait=15)
        assert summary_prompt is not None
        # Telegram sent the press again (it was never confirmed): dropped, and said so.
        await emulator.wait_until(lambda: "handled before" in bot.log_text(), timeout=15)

        async def done() -> bool:
            # Marked done with the state its handling left, just after the reply went out.
            row = await inbox_row(settings, press)
            return row is not None and row.done_at is not None

        await until(done)
        assert len(texts_with(owner, ASK_AMOUNT)) == 1  # the amount question, once
        summary = await owner.say("۵۰۰ میلیون")

        # 2. Committed, not yet told: every confirmation fails, so the process dies with
        # the report stored and the owner not told; the submit's row is not done.
        emulator.fail_method("sendMessage", 502)
        await owner.press_only(summary, "ثبت گزارش")
        submit = emulator.update_ids("callback_query")[-1]

        async def committed_not_told() -> bool:
            return (await stored(settings))[1] == 1 and emulator.stats.errors["sendMessage"] > 0

        await until(committed_not_told)
        await bot.kill9()
        assert not texts_with(owner, RECEIPT)
        row = await inbox_row(settings, submit)
        assert row is not None
        assert row.done_at is None

        emulator.clear_faults()
        await bot.start(emulator)
        await finished_once(settings, emulator, owner, officer)
        assert len(texts_with(owner, RECEIPT)) == 1


async def test_kill_9_after_the_commit_and_before_the_notice_is_sent_tells_each_once(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    async with bot_at_attachments(settings, emulator, tmp_path) as (bot, owner, officer, ask_files):
        summary = await summary_after(owner, ask_files)
        # The agency's notice is held at the server: the process dies with the report, the
        # owner's receipt and the queued notice behind it, and the officer not yet told.
        held = emulator.delay_method("sendMessage", HELD, times=1, chat_id=officer.id)
        await owner.press_only(summary, "ثبت گزارش")
        submit = emulator.update_ids("callback_query")[-1]

        async def committed_and_sending() -> bool:
            row = await inbox_row(settings, submit)
            return row is not None and row.done_at is not None and held.times == 0

        await until(committed_and_sending)
        await bot.kill9()
        assert len(texts_with(owner, RECEIPT)) == 1
        assert not texts_with(officer, NEW_REPORT)

        emulator.clear_faults()
        await bot.start(emulator)
        await emulator.wait_for_message(officer.id, lambda m: NEW_REPORT in m.text, timeout=15)
        assert await stored(settings) == (1, 1, [DESCRIPTION])
        assert len(texts_with(owner, RECEIPT)) == 1
        assert len(texts_with(officer, NEW_REPORT)) == 1


async def test_kill_9_after_a_webhook_post_was_answered_handles_it_after_the_restart(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    port = free_port()
    bot = BotProcess(
        settings, tmp_path, "--webhook",
        WEBHOOK_URL=PUBLIC_URL, WEBHOOK_PORT=str(port), WEBHOOK_SECRET=SECRET,
    )  # fmt: skip
    owner = Person(emulator, emulator.add_user(1001, "رضا"))
    await bot.start()
    try:
        await emulator.wait_until(
            lambda: emulator.state.webhook_url is not None or not bot.alive, timeout=30
        )
        await wait_listening(port)
        # The answer to /start is held at the server: the process dies while handling it.
        emulator.delay_method("sendMessage", HELD, times=1)
        await owner.send("/start")
        (start,) = emulator.take_updates()
        assert await post(port, start, SECRET) == 200
        await emulator.wait_until(lambda: emulator.stats.calls["sendMessage"] > 0)
        await bot.kill9()
        assert not owner.texts()

        # Telegram does not post an update it got 200 for again: the inbox has it.
        emulator.clear_faults()
        await bot.start()
        await owner.next("زبان", wait=20)
        assert "received before a restart" in bot.log_text()
        assert len(owner.texts()) == 1
    finally:
        await bot.stop()
