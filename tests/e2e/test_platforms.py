"""The one platform switch: on Bale the same handlers send plain text and skip chat actions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import PlatformName, Settings
from emulator import BotApiEmulator


@pytest.fixture
async def bale_app(settings: Settings, clock: ManualClock) -> AsyncIterator[RounaqApp]:
    bale = settings.model_copy(update={"platform": PlatformName.BALE})
    async with running_bot(bale, clock=clock, poll_timeout=1) as application:
        yield application


async def test_bale_gets_plain_text(bale_app: RounaqApp, emulator: BotApiEmulator) -> None:
    emulator.add_user(1001, "رضا")
    await emulator.send_text(1001, "/start")
    choice = await emulator.wait_for_message(1001)
    await emulator.press(1001, choice, "lang:fa")
    greeting = await emulator.wait_for_message(1001, lambda m: "خوش آمدید" in m.text)
    assert greeting.parse_mode is None
    assert "<b>" not in (greeting.source_text or greeting.text)
    assert "صاحب واحد" in greeting.text  # the bold role survives as plain text
    await bale_app.bot.send_chat_action(1001, "typing")
    assert emulator.chat_actions(1001) == []


def test_platform_is_guessed_from_the_base_url() -> None:
    bale = Settings(_env_file=None, bot_api_base_url="https://tapi.bale.ai/bot")  # type: ignore[call-arg]
    telegram = Settings(_env_file=None)  # type: ignore[call-arg]
    assert bale.resolved_platform is PlatformName.BALE
    assert telegram.resolved_platform is PlatformName.TELEGRAM
