"""Background tasks the application owns: stopped by cancelling and waiting for them."""

from __future__ import annotations

import asyncio


async def cancel_and_wait(task: asyncio.Task[None] | None) -> None:
    """Cancel `task` unless it is over, and wait until it is (its cancellation swallowed).

    A cancel of the caller itself is not swallowed: awaiting `task` raises CancelledError
    both when `task` ends cancelled and when the caller is cancelled, and a stop that ate
    its own cancel would go on with whatever it waits for next (on Python 3.11 nothing else
    tells the two apart; `Task.cancelling()` counts the cancels asked of the caller).
    """
    if task is None or task.done():
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        if own_cancel():
            raise


def own_cancel() -> bool:
    """Whether the running task has been asked to cancel (and has not undone it)."""
    current = asyncio.current_task()
    return current is not None and current.cancelling() > 0
