"""Stopping background work cancels it, and a cancel of the stop itself still cancels.

Awaiting a task we cancelled raises CancelledError whether the task ended cancelled or the
stopper itself was cancelled; swallowing both (as `cancel_and_wait` and the poller's stop
did) ate the stopper's own cancel, the family of the hour-long hang in the emulator's saver
(tests/emulator/test_emu_pulse.py): whoever cancels a stop must see it end cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, cast

import pytest
from telegram import Bot

from bot.background import cancel_and_wait
from bot.inbox import InboxPoller, UpdateInbox


async def forever() -> None:
    await asyncio.Event().wait()


async def cancelled_while_waiting(stop: Awaitable[None]) -> asyncio.Task[None]:
    """Start `stop`, let it reach its wait, cancel it; the task, to be awaited."""
    stopper = asyncio.ensure_future(stop)
    await asyncio.sleep(0)  # the stopper now waits for the work it cancelled
    stopper.cancel()
    return stopper


async def test_cancel_and_wait_ends_the_task_and_returns() -> None:
    task = asyncio.create_task(forever())
    await asyncio.sleep(0)
    await cancel_and_wait(task)
    assert task.cancelled()
    await cancel_and_wait(task)  # over already: nothing to do
    await cancel_and_wait(None)


async def test_a_cancelled_cancel_and_wait_ends_cancelled() -> None:
    task = asyncio.create_task(forever())
    await asyncio.sleep(0)
    stopper = await cancelled_while_waiting(cancel_and_wait(task))
    with pytest.raises(asyncio.CancelledError):
        await stopper
    assert task.cancelled()


class LongPollingBot:
    """Just enough of a Bot for the poller: getUpdates is a long poll that never answers."""

    def __init__(self) -> None:
        self.polls = 0

    async def delete_webhook(self, **_: Any) -> bool:
        return True

    async def get_updates(self, **_: Any) -> list[object]:
        self.polls += 1
        await forever()
        return []


async def polling() -> tuple[InboxPoller, LongPollingBot]:
    bot = LongPollingBot()
    # No update ever arrives, so the inbox is never used.
    poller = InboxPoller(cast(Bot, bot), asyncio.Queue(), cast(UpdateInbox, None), timeout=1)
    await poller.start()
    await asyncio.sleep(0)
    assert bot.polls == 1
    return poller, bot


async def test_the_poller_stops_a_long_poll_at_once() -> None:
    poller, _ = await polling()
    await poller.stop()
    assert not poller.running


async def test_a_cancelled_poller_stop_ends_cancelled() -> None:
    poller, _ = await polling()
    stopper = await cancelled_while_waiting(poller.stop())
    with pytest.raises(asyncio.CancelledError):
        await stopper
    assert not poller.running
