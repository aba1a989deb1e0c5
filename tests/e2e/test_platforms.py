"""The one platform switch: on Bale the same handlers send plain text and skip chat actions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import HttpClient, PlatformName, Settings
from emulator import BotApiEmulator
from tests.e2e.expect import fa, saying


@pytest.fixture(params=list(HttpClient))
async def bale_app(
    request: pytest.FixtureRequest, settings: Settings, clock: ManualClock
) -> AsyncIterator[RounaqApp]:
    """Bale through each HTTP client: the platform switch adapts what both clients send."""
    bale = settings.model_copy(update={"platform": PlatformName.BALE, "http_client": request.param})
    async with running_bot(bale, clock=clock, poll_timeout=1) as application:
        yield application


async def test_bale_gets_plain_text(bale_app: RounaqApp, emulator: BotApiEmulator) -> None:
    emulator.add_user(1001, "رضا")
    await emulator.send_text(1001, "/start")
    choice = await emulator.wait_for_message(1001)
    await emulator.press(1001, choice, "lang:fa")
    greeting = await emulator.wait_for_message(1001, saying("start.greeting"))
    assert greeting.parse_mode is None
    assert "<b>" not in (greeting.source_text or greeting.text)
    assert fa("roles.owner") in greeting.text  # the bold role survives as plain text
    await bale_app.bot.send_chat_action(1001, "typing")
    assert emulator.chat_actions(1001) == []


async def test_bale_file_captions_are_plain_and_the_file_arrives(
    bale_app: RounaqApp, emulator: BotApiEmulator
) -> None:
    emulator.add_user(1002, "مریم")
    await emulator.send_text(1002, "/start")
    await emulator.wait_for_message(1002)
    await bale_app.bot.send_document(
        1002, b"a,b\n1,2\n", filename="figures.csv", caption="<b>آمار</b> &amp; ارقام"
    )
    sent = await emulator.wait_for_message(1002, lambda m: m.document is not None)
    assert sent.parse_mode is None
    assert sent.text == "آمار & ارقام"
    assert sent.document is not None
    assert emulator.file_bytes(sent.document.file_id) == b"a,b\n1,2\n"


def test_platform_is_guessed_from_the_base_url() -> None:
    bale = Settings(_env_file=None, bot_api_base_url="https://tapi.bale.ai/bot")
    telegram = Settings(_env_file=None)
    assert bale.resolved_platform is PlatformName.BALE
    assert telegram.resolved_platform is PlatformName.TELEGRAM


async def test_an_edit_that_finds_the_message_as_asked_succeeds(
    bale_app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """An update handled again after a restart edits to the same text: not an error."""
    emulator.add_user(1003, "سارا")
    sent = await bale_app.bot.send_message(1003, "نخست")
    assert await bale_app.bot.edit_message_text("دوم", chat_id=1003, message_id=sent.message_id)
    again = await bale_app.bot.edit_message_text("دوم", chat_id=1003, message_id=sent.message_id)
    assert again is True
