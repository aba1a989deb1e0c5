"""Warming the officials' figure caches at start-up, in the background.

The loans overview is cached in memory per import; a start hook computes it while the bot
already answers, so the first official to ask gets it from memory. (/stats has no cache:
it reads the figures kept on write.) A stop cancels the warm-up (its result is only a
cache), so shutting down never waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.background import cancel_and_wait

log = logging.getLogger(__name__)


class Warmer:
    """One background warm-up: started once, cancelled (and awaited) on stop."""

    def __init__(self, steps: Callable[[], Awaitable[object]]) -> None:
        self._steps = steps
        self._task: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[None]:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="figures-warm-up")
        return self._task

    @property
    def done(self) -> bool:
        return self._task is not None and self._task.done()

    async def wait(self) -> None:
        if self._task is not None:
            await asyncio.wait([self._task])

    async def stop(self) -> None:
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        started = time.monotonic()
        try:
            await self._steps()
        except asyncio.CancelledError:
            log.info("figures warm-up cancelled by the stop")
            raise
        except Exception:  # a cold cache is only slower: the first request computes it
            log.exception("warming the figures failed; they are computed on first use")
            return
        log.info("figures warmed in %.1fs", time.monotonic() - started)
