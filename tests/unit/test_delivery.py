"""bot.delivery: per-user ordering and what is transient (the inbox: tests/storage)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from telegram import Chat, Message, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery import PerUserUpdateProcessor, backoff, is_transient

DATE = datetime(2026, 11, 28, tzinfo=UTC)


async def let_tasks_run(turns: int = 50) -> None:
    """Give every ready task a number of event-loop turns (no wall-clock waiting)."""
    for _ in range(turns):
        await asyncio.sleep(0)


def message_update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "u", is_bot=False)
    chat = Chat(user_id, "private")
    return Update(update_id, message=Message(update_id, DATE, chat, from_user=user, text="x"))


async def test_one_user_in_order_different_users_at_once() -> None:
    processor = PerUserUpdateProcessor(max_concurrent_updates=3)  # a full semaphore too
    log: list[tuple[int, int, str]] = []
    release = {1: asyncio.Event(), 2: asyncio.Event()}

    async def handle(update: Update) -> None:
        user = update.effective_user
        assert user is not None
        log.append((user.id, update.update_id, "start"))
        if update.update_id in (1, 2):  # the first update of each user is slow
            await release[update.update_id].wait()
        await asyncio.sleep(0)
        log.append((user.id, update.update_id, "end"))

    updates = [message_update(1, 100), message_update(2, 200)] + [
        message_update(i, 100 if i % 2 else 200) for i in range(3, 13)
    ]
    tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in updates]
    await let_tasks_run()
    # Both users' first updates started together; nothing else of theirs started.
    assert {(uid, uid_, s) for uid, uid_, s in log} == {(100, 1, "start"), (200, 2, "start")}
    release[2].set()
    await let_tasks_run()
    # User 200 went on while user 100's first update was still being handled.
    assert (200, 12, "end") in log
    assert (100, 1, "end") not in log
    release[1].set()
    await asyncio.gather(*tasks)
    for user_id in (100, 200):
        mine = [(u, s) for uid, u, s in log if uid == user_id]
        # Strictly one after another, in the order they came.
        expected_ids = [u.update_id for u in updates if u.effective_user.id == user_id]  # type: ignore[union-attr]
        assert mine == [(u, s) for u in expected_ids for s in ("start", "end")]
    assert processor._locks == {}  # nothing kept for users who went quiet


def test_what_is_worth_a_retry() -> None:
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    cases: list[tuple[Any, bool]] = [
        (locked, True),
        (ConnectionRefusedError(111, "refused"), True),
        (NetworkError("Bad Gateway"), True),
        (TimedOut(), True),
        (RetryAfter(3), True),
        (BadRequest("Message text is empty"), False),
        (Forbidden("bot was blocked by the user"), False),
        (IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE")), False),
        (KeyError("draft"), False),
        (None, False),
    ]
    for error, expected in cases:
        assert is_transient(error) is expected, error
    # Wrapped, as a handler's own exception around the driver's.
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = ConnectionResetError("gone")
    assert is_transient(wrapped)


def test_backoff_grows_and_is_capped() -> None:
    delays = [backoff(n) for n in range(1, 12)]
    assert delays == sorted(delays)
    assert delays[0] == 0.25
    assert delays[-1] == 15.0
