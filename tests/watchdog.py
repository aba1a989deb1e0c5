"""A hung test fails with the stacks of what it waited on, and never runs into CI's limit.

pytest-timeout decides when a test is over its limit (the `timeout` ini setting, or
`@pytest.mark.timeout(N)`); this plugin only decides what happens then, through the
plugin's public hooks. PTB, aiohttp and aiosqlite all wait in the event loop, so the main
thread's traceback (all that pytest-timeout prints) shows only `select()`: first every
asyncio task's stack is printed, then every thread's, and the test fails. If it still has
not ended a minute later (stuck in a thread, or in the loop's shutdown, which waits for
its executor's threads), pytest-timeout's own thread method takes over: it prints what
the test captured and every thread's stack past the capture, and ends the process. The
run fails with the stacks instead of hanging until the CI runner kills it silently.
"""

from __future__ import annotations

import asyncio
import faulthandler
import signal
import sys
import threading
from types import FrameType
from typing import Any

import pytest
import pytest_timeout

# How long a test that failed on its limit may take to end before the process is ended.
GRACE_SECONDS = 60
_LAST_RESORT = pytest.StashKey[threading.Timer]()


def _print_stacks(nodeid: str, timeout: float) -> None:
    out = sys.__stderr__ or sys.stderr
    print(f"\n+++ {nodeid} is over its {timeout:g} s limit. Its asyncio tasks:", file=out)
    try:
        tasks = asyncio.all_tasks()
    except RuntimeError:  # no event loop running in the main thread
        tasks = set()
    for task in tasks:
        task.print_stack(file=out)
    print("+++ Its threads:", file=out, flush=True)
    faulthandler.dump_traceback(file=out, all_threads=True)
    out.flush()


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool:
    timeout = float(settings.timeout)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        _print_stacks(item.nodeid, timeout)
        pytest.fail(f"over the {timeout:g} s limit (stacks above, on stderr)", pytrace=False)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    last_resort = threading.Timer(
        timeout + GRACE_SECONDS, pytest_timeout.timeout_timer, (item, settings)
    )
    last_resort.daemon = True
    last_resort.start()
    item.stash[_LAST_RESORT] = last_resort
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool:
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    # Absent when a skip raised in setup came before the timer was set.
    last_resort = item.stash.get(_LAST_RESORT, None)
    if last_resort is not None:
        last_resort.cancel()
    return True
