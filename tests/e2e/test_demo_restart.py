"""The demo over a restart (issue 11 item 15), bot and emulator both, over real HTTP.

Before: the emulator numbered its updates from 100000001 again, the bot's database knew those
ids as handled, and every new message was skipped without a word. Now the emulator keeps its
state beside the demo database, and a skipped update is a warning the operator sees.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.demo import EMULATOR_STATE_FILE, demo_session
from emulator.state import FIRST_UPDATE_ID
from tests.conftest import demo_settings

OWNER = 1001


async def test_after_a_restart_the_demo_still_answers_and_keeps_its_chats(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    settings = demo_settings(tmp_path)
    async with demo_session(settings, host="127.0.0.1", port=0) as (emulator, _):
        await emulator.send_text(OWNER, "/start")
        await emulator.wait_for_message(OWNER, timeout=15)
        history = [(m.message_id, m.text) for m in emulator.messages(OWNER, include_user=True)]
        last_id = max(emulator.update_ids())
    assert (tmp_path / EMULATOR_STATE_FILE).exists()

    async with demo_session(settings, host="127.0.0.1", port=0) as (emulator, _):
        assert emulator.restored
        kept = [(m.message_id, m.text) for m in emulator.messages(OWNER, include_user=True)]
        assert kept == history
        await emulator.send_text(OWNER, "/help")
        assert max(emulator.update_ids()) > last_id
        reply = await emulator.wait_for_message(OWNER, timeout=15)
        assert reply.message_id > max(message_id for message_id, _ in history)
    # An ordinary restart raises no false alarm: nothing was delivered twice.
    assert not [r for r in caplog.records if "handled before" in r.getMessage()]


async def test_an_update_id_handled_before_is_a_warning_not_a_silent_skip(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = demo_settings(tmp_path)
    async with demo_session(settings, host="127.0.0.1", port=0) as (emulator, _):
        await emulator.send_text(OWNER, "/start")
        await emulator.wait_for_message(OWNER, timeout=15)
    # The emulator's saved state is lost; the bot's database still knows update 100000001.
    (tmp_path / EMULATOR_STATE_FILE).unlink()
    caplog.set_level(logging.WARNING)
    async with demo_session(settings, host="127.0.0.1", port=0) as (emulator, _):
        assert not emulator.restored
        await emulator.send_text(OWNER, "/start")
        assert emulator.update_ids() == [FIRST_UPDATE_ID]
        await emulator.wait_until(
            lambda: any("handled before" in r.getMessage() for r in caplog.records), timeout=15
        )
    warning = next(r for r in caplog.records if "handled before" in r.getMessage())
    assert warning.levelno == logging.WARNING
    assert str(FIRST_UPDATE_ID) in warning.getMessage()
