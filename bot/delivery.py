"""How updates flow: stored, ordered per user, handled once, and only then marked done.

Telegram delivers each update at least once. Here:

* the durable inbox (bot.inbox) stores every update before the Bot API is told it
  arrived, and ignores an id it already holds: that is the one guard against handling an
  update twice;
* `RounaqApplication` handles the rows a crash left undone first, in order; handles each
  update, retries it on transient failures (database or Bot API unavailable), and
  commits the persisted state together with the inbox row's done mark in one transaction;
* `PerUserUpdateProcessor` handles different users' updates concurrently and one user's
  strictly in the order Telegram sent them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application, BaseUpdateProcessor, CallbackContext, JobQueue

from bot.inbox import InboxQueue, backoff
from bot.persistence import DatabasePersistence
from bot.state import Runtime

log = logging.getLogger(__name__)

__all__ = ["PerUserUpdateProcessor", "RounaqApplication", "backoff", "is_transient"]

# The type parameters of PTB's Application, as PTB declares them (its aliases are private).
BT = TypeVar("BT", bound=Bot)
CCT = TypeVar("CCT", bound=CallbackContext[Any, Any, Any, Any])
UD = TypeVar("UD")
CD = TypeVar("CD")
BD = TypeVar("BD")
JQ = TypeVar("JQ", bound=JobQueue[Any] | None)

# While a shutdown is under way a failing commit is retried this often before giving up
# (its inbox row then stays undone and the update is handled again after the restart).
COMMIT_ATTEMPTS_WHEN_STOPPING = 3
PRUNE_EVERY_SECONDS = 3600.0


def is_transient(error: BaseException | None) -> bool:
    """Worth handling the update again later: the database or the Bot API was unavailable.

    Not transient: a BadRequest (the request itself is wrong) or Forbidden (the user
    blocked the bot) — retrying cannot help.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, RetryAfter):
            return True
        if isinstance(error, NetworkError):
            return not isinstance(error, BadRequest)
        if isinstance(error, OperationalError | InterfaceError):
            return True  # lost connection, server restarting, SQLite "database is locked"
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, ConnectionError | TimeoutError):
            return True
        if type(error).__module__.startswith("asyncpg") and _asyncpg_transient(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _asyncpg_transient(error: BaseException) -> bool:
    import asyncpg

    return isinstance(
        error,
        asyncpg.PostgresConnectionError
        | asyncpg.CannotConnectNowError
        | asyncpg.exceptions.AdminShutdownError
        | asyncpg.exceptions.ConnectionDoesNotExistError
        | asyncpg.InterfaceError,
    )


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users concurrently; one user's updates strictly one after another.

    Updates reach `do_process_update` in the order Telegram sent them (the application
    starts one task per update in queue order, and asyncio's semaphore and locks are
    FIFO), so a FIFO lock per user keeps each conversation's steps in order.
    """

    # PTB's own limit is set out of reach; the real one is ours, so that a user waiting for
    # their earlier update does not hold a slot (PTB keeps its semaphore private).
    _UNBOUNDED = 1 << 20

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(self._UNBOUNDED)
        self.limit = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @staticmethod
    def key_of(update: object) -> int | None:
        if isinstance(update, Update):
            if update.effective_user is not None:
                return update.effective_user.id
            if update.effective_chat is not None:
                return update.effective_chat.id
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self.key_of(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            # This user's earlier update first, without holding a slot meanwhile:
            # otherwise one busy user's queue could starve everyone else.
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class RounaqApplication(Application[BT, CCT, UD, CD, BD, JQ]):
    """PTB's Application, plus: retry on transient failures, commit before acknowledging."""

    def __init__(
        self,
        *,
        runtime: Runtime,
        prepare: Callable[[Any], Awaitable[None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # The live objects, beside bot_data (which PTB replaces with the stored copy).
        self.runtime = runtime
        self._prepare = prepare
        self._retry: set[int] = set()
        self._last_prune = 0.0

    async def initialize(self) -> None:
        if self._initialized:
            return
        if self._prepare is not None:
            await self._prepare(self)  # e.g. migrate the database the persistence reads
        await super().initialize()
        if isinstance(self.persistence, DatabasePersistence):
            await self._prune()
        await self._queue_undone()

    async def _queue_undone(self) -> None:
        """The updates a crash left undone go first, oldest first: queued here, before the
        poller or PTB's webhook server (started before `start()`) can queue newer ones."""
        queue = self.update_queue
        if isinstance(queue, InboxQueue) and queue.inbox is not None:
            pending = await queue.inbox.pending(self.bot)
            if pending:
                log.warning(
                    "handling %s update(s) received before a restart first: %s..%s",
                    len(pending), pending[0].update_id, pending[-1].update_id,
                )  # fmt: skip
            for update in pending:
                queue.put_nowait(update)

    def retry_update(self, update: Update) -> None:
        """Ask for this update to be handled again (called by the error handler)."""
        self._retry.add(update.update_id)

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        update_id = update.update_id
        persistence = self.persistence
        staged = persistence if isinstance(persistence, DatabasePersistence) else None
        attempt = 0
        while True:
            if staged is not None:
                staged.discard_messages(update_id)  # each attempt renders its notices anew
            await super().process_update(update)
            if update_id not in self._retry:
                break
            self._retry.discard(update_id)
            attempt += 1
            if not self.running:
                if staged is not None:
                    staged.discard_messages(update_id)
                log.warning(
                    "update %s not handled before shutdown; handled after restart", update_id
                )
                return
            delay = backoff(attempt)
            log.warning(
                "update %s failed transiently; retry %s in %.2fs", update_id, attempt, delay
            )
            await asyncio.sleep(delay)
        await self._commit(update_id)
        if time.monotonic() - self._last_prune > PRUNE_EVERY_SECONDS:
            self._last_prune = time.monotonic()
            self.create_task(self._prune(), name="RounaqApplication:prune")

    async def _prune(self) -> None:
        """Forget inbox rows done long ago; at start and then hourly (the inbox keeps every
        update it received, so a busy bot's table would otherwise only grow)."""
        self._last_prune = time.monotonic()
        if not isinstance(self.persistence, DatabasePersistence):
            return
        try:
            pruned = await self.persistence.prune()
        except Exception as exc:
            log.warning("could not prune the update inbox (%s); next time", exc)
            return
        log.debug("forgot %s old inbox rows", pruned)

    async def _commit(self, update_id: int) -> bool:
        """Persist the state this update left, with its "handled" mark, in one transaction."""
        persistence = self.persistence
        if not isinstance(persistence, DatabasePersistence):
            return True
        # Collect what the handlers changed first, then the mark: whatever transaction
        # carries the mark also carries the state (a concurrent commit may write both).
        await Application.update_persistence(self)
        persistence.mark_handled(update_id)
        attempt = 0
        while True:
            try:
                await persistence.commit()
                return True
            except Exception as exc:
                attempt += 1
                if not is_transient(exc):
                    # A bug, not an outage: retrying forever would stall this user.
                    log.exception("could not persist the state of update %s", update_id)
                    return True
                if not self.running and attempt >= COMMIT_ATTEMPTS_WHEN_STOPPING:
                    log.error("update %s: state not persisted before shutdown", update_id)
                    return False
                delay = backoff(attempt)
                log.warning(
                    "persisting update %s failed (%s); retry in %.2fs", update_id, exc, delay
                )
                await asyncio.sleep(delay)

    async def update_persistence(self) -> None:
        # PTB's interval and shutdown runs: stage what changed, then write it.
        await super().update_persistence()
        if isinstance(self.persistence, DatabasePersistence):
            try:
                await self.persistence.commit()
            except Exception as exc:
                if is_transient(exc):
                    log.warning("persisting bot state failed (%s); the next run retries", exc)
                else:
                    log.exception("persisting bot state failed")
