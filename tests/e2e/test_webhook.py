"""`rounaq run --webhook`: Telegram posts updates to the bot; the secret token is checked,
a repeated post changes nothing. The bot runs as a process, the test plays Telegram."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli import webhook_options
from bot.settings import PlatformName, Settings
from emulator import BotApiEmulator
from tests.e2e.bot_process import BotProcess
from tests.e2e.ports import free_port
from tests.people import Person

SECRET = "s3cret-Token_for-tests"
PUBLIC_URL = "https://rounaq.example.test/rounaq/hook"


async def wait_listening(port: int, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """PTB registers the webhook (setWebhook) before its server listens: wait for both."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def post(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/rounaq/hook", json=update, headers=headers) as r,
    ):
        return r.status


@pytest.mark.slow
async def test_webhook_mode_checks_the_secret_and_handles_an_update_once(
    settings: Settings, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    port = free_port()
    bot = BotProcess(
        settings,
        tmp_path,
        "--webhook",
        WEBHOOK_URL=PUBLIC_URL,
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
    )
    owner = Person(emulator, emulator.add_user(1001, "رضا"))
    await bot.start()
    try:
        # The bot registers its public address (with the secret) and listens behind it.
        await emulator.wait_until(
            lambda: emulator.state.webhook_url is not None or not bot.alive, timeout=30
        )
        assert emulator.state.webhook_url == PUBLIC_URL, bot.log_text()[-2000:]
        await wait_listening(port)

        await owner.send("/start")
        (start,) = emulator.take_updates()
        assert await post(port, start, "wrong-secret") == 403
        assert await post(port, start, None) == 403
        assert await post(port, start, SECRET) == 200
        choice = await owner.next("زبان", wait=10)
        await owner.press_only(choice, "فارسی")
        (press,) = emulator.take_updates()
        assert await post(port, press, SECRET) == 200
        await owner.next("خوش آمدید", wait=10)

        # Telegram retries a delivery it thinks failed: the same update again, no effect.
        before = len(owner.texts())
        assert await post(port, start, SECRET) == 200
        await owner.send("/help")
        (help_update,) = emulator.take_updates()
        assert await post(port, help_update, SECRET) == 200
        await owner.next("/report", wait=10)
        assert len(owner.texts()) == before + 1  # the help, and nothing for the repeat
        assert not emulator.state.updates  # nothing was fetched by polling
    finally:
        await bot.stop()


def test_webhook_options_from_the_settings() -> None:
    base: dict[str, Any] = {
        "_env_file": None,
        "bot_token": "1:x",
        "webhook_url": "https://bot.example.ir/qom/hook",
        "webhook_port": 9000,
        "webhook_secret": SECRET,
    }
    options = webhook_options(Settings(**base))
    assert options == {
        "listen": "127.0.0.1",
        "port": 9000,
        "url_path": "qom/hook",
        "webhook_url": "https://bot.example.ir/qom/hook",
        "secret_token": SECRET,
    }
    # Bale has no secret token: PTB must not demand one on every request.
    bale = Settings(**{**base, "platform": PlatformName.BALE})
    assert webhook_options(bale)["secret_token"] is None
    # On Telegram a webhook without a secret would accept anyone's posts.
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        webhook_options(Settings(**{**base, "webhook_secret": None}))
    with pytest.raises(ValueError, match="WEBHOOK_URL"):
        webhook_options(Settings(**{**base, "webhook_url": None}))
    with pytest.raises(ValueError, match="https"):
        Settings(**{**base, "webhook_url": "http://plain.example/hook"})
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(**{**base, "webhook_secret": "has spaces"})
