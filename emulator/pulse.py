"""A broadcast wake-up for coroutines waiting on emulator state.

``asyncio.Condition`` needs its lock held to notify, which synchronous test helpers cannot
do; here ``fire()`` is a plain call. Waiters re-check their condition after each wake-up,
and since check-then-wait has no await in between, no wake-up can be missed.
"""

from __future__ import annotations

import asyncio


class Pulse:
    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> bool:
        """Sleep until the next ``fire()``; False if ``seconds`` passed first."""
        if seconds <= 0:
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            # Not asyncio.wait_for: on Python 3.11 it swallows a cancel that arrives in the
            # same turn as the wake-up, and a stopping emulator's saver waited an hour.
            async with asyncio.timeout(seconds):
                await waiter
        except TimeoutError:
            return False
        finally:
            self._waiters.discard(waiter)
        return True
