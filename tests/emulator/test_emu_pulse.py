"""The emulator's wake-up and its saver over a stop.

The last CI run hung here for its whole hour: `Pulse.wait` used `asyncio.wait_for`, which on
Python 3.11 returns normally when the cancel arrives in the same turn as the wake-up (the
cancel is swallowed). `BotApiEmulator.stop` fires the pulse and then cancels the saver, so
the saver, woken and not cancelled, went back to waiting up to an hour, and stop() with it.
"""

from __future__ import annotations

import asyncio

import pytest

from emulator.pulse import Pulse


async def test_a_cancel_in_the_same_turn_as_the_wake_up_still_cancels() -> None:
    pulse = Pulse()
    waiting = asyncio.create_task(pulse.wait(3600.0))
    await asyncio.sleep(0)  # the task is waiting now
    pulse.fire()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_a_wake_up_and_a_timeout_answer_as_before() -> None:
    pulse = Pulse()
    assert await pulse.wait(0.01) is False
    waiting = asyncio.create_task(pulse.wait(3600.0))
    await asyncio.sleep(0)
    pulse.fire()
    assert await waiting is True
    assert await pulse.wait(0) is False
