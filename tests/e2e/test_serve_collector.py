"""`rounaq run` starts with the garbage collector off (bot.cli: the start's imports and
objects are not walked again and again while they are made); serve() must turn it back on
once polling, or the bot would run for months without ever freeing a reference cycle."""

from __future__ import annotations

import asyncio
import gc
import os
import signal

from bot.runtime import serve
from bot.settings import Settings
from emulator.core import BotApiEmulator

OWNER = 1001


async def test_the_collector_is_on_when_the_bot_answers(
    settings: Settings, emulator: BotApiEmulator
) -> None:
    emulator.add_user(OWNER, "رضا", language_code="fa")
    gc.disable()  # as bot.cli leaves it for serve()
    bot = asyncio.create_task(serve(settings))
    try:
        await emulator.send_text(OWNER, "/start")
        await emulator.wait_for_message(OWNER, timeout=30)
        assert gc.isenabled()
    finally:
        if not bot.done():  # the operator's stop: serve()'s handler is on this loop by now
            os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(bot, timeout=60)
        gc.enable()
        gc.unfreeze()  # serve() froze this test process's objects: give them back
