"""How updates flow: fetched, ordered per user, handled once, and only then acknowledged.

Telegram delivers each update at least once. PTB's stock Updater confirms a batch (by
asking for the next offset) as soon as it has *queued* it, so a crash while the batch is
being handled loses it. Here:

* `AckingUpdater` only advances the getUpdates offset past updates whose handling is
  complete (`DeliveryLedger` knows which are still in flight);
* `RounaqApplication` handles an update, retries it on transient failures (database or
  Bot API unavailable) and commits the persisted state together with the update's
  "handled" mark in one transaction before the update counts as done;
* the gate (handlers/gate.py) skips an update whose mark is already committed, so a
  redelivery after a crash changes nothing;
* `PerUserUpdateProcessor` handles different users' updates concurrently and one user's
  strictly in the order Telegram sent them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, Updater
from telegram.ext._utils.types import BD, BT, CCT, CD, JQ, UD

from bot.persistence import DatabasePersistence, RounaqBotData
from bot.platform import retry_after_seconds

log = logging.getLogger(__name__)

RETRY_FIRST_DELAY = 0.25
RETRY_MAX_DELAY = 15.0
# While a shutdown is under way a failing commit is retried this often before giving up
# (the update then stays unacknowledged and is handled again after the restart).
COMMIT_ATTEMPTS_WHEN_STOPPING = 3


def backoff(attempt: int) -> float:
    return float(min(RETRY_MAX_DELAY, RETRY_FIRST_DELAY * 2 ** max(0, attempt - 1)))


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
    import asyncpg  # type: ignore[import-untyped]

    return isinstance(
        error,
        asyncpg.PostgresConnectionError
        | asyncpg.CannotConnectNowError
        | asyncpg.exceptions.AdminShutdownError
        | asyncpg.exceptions.ConnectionDoesNotExistError
        | asyncpg.InterfaceError,
    )


def _seconds(value: float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class DeliveryLedger:
    """Which fetched updates are still being handled; the getUpdates offset follows it.

    Update ids only grow, so everything at or below `high` has been dispatched once; what
    is still in flight keeps the offset from moving past it.
    """

    def __init__(self) -> None:
        self._in_flight: set[int] = set()
        self._high = 0
        self._progress = asyncio.Event()

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    @property
    def in_flight(self) -> frozenset[int]:
        return frozenset(self._in_flight)

    def offset(self) -> int | None:
        """The offset that confirms exactly the updates whose handling is complete."""
        if self._in_flight:
            return min(self._in_flight)
        return self._high + 1 if self._high else None

    def accept(self, updates: Sequence[Update]) -> list[Update]:
        """The updates not dispatched before (the rest are in flight or already handled)."""
        fresh = [u for u in updates if u.update_id > self._high]
        for update in fresh:
            self._in_flight.add(update.update_id)
            self._high = max(self._high, update.update_id)
        return fresh

    def done(self, update_id: int) -> None:
        if update_id in self._in_flight:
            self._in_flight.discard(update_id)
            self._progress.set()

    async def wait_progress(self, timeout: float) -> None:  # noqa: ASYNC109
        self._progress.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._progress.wait(), timeout)


class AckingUpdater(Updater):
    """Polling that acknowledges an update only once it has been handled.

    Replaces the polling half of PTB's Updater (webhooks are PTB's own). While updates are
    in flight the offset stays at the oldest of them, so Telegram keeps returning those
    along with any new ones; the poll then does not wait (timeout 0) and the ledger drops
    what was already dispatched. To avoid spinning while a handler is slow, such a poll is
    repeated at most every `busy_poll_interval` seconds or as soon as an update is done.
    """

    def __init__(
        self,
        bot: Any,
        update_queue: asyncio.Queue[object],
        ledger: DeliveryLedger | None = None,
        *,
        busy_poll_interval: float = 0.25,
    ) -> None:
        super().__init__(bot=bot, update_queue=update_queue)
        self.ledger = ledger or DeliveryLedger()
        self.busy_poll_interval = busy_poll_interval
        self._poll_task: asyncio.Task[None] | None = None
        self._allowed_updates: Sequence[str] | None = None
        self._polled = False

    async def _start_polling(
        self,
        poll_interval: float,
        timeout: float | dtm.timedelta,  # noqa: ASYNC109 -- PTB's signature
        bootstrap_retries: int,
        drop_pending_updates: bool | None,
        allowed_updates: Sequence[str] | None,
        ready: asyncio.Event,
        error_callback: Callable[[TelegramError], None] | None,
    ) -> None:
        await self._bootstrap(
            bootstrap_retries,
            drop_pending_updates=drop_pending_updates,
            webhook_url="",
            allowed_updates=None,
        )
        self._allowed_updates = allowed_updates
        self._polled = True
        self._poll_task = asyncio.create_task(
            self._poll(_seconds(timeout), poll_interval, error_callback),
            name="AckingUpdater:poll",
        )
        ready.set()

    async def _poll(
        self,
        timeout: float,  # noqa: ASYNC109 -- the long-poll length sent to the Bot API
        poll_interval: float,
        error_callback: Callable[[TelegramError], None] | None,
    ) -> None:
        failures = 0
        while self.running:
            try:
                updates = await self.bot.get_updates(
                    offset=self.ledger.offset(),
                    timeout=dtm.timedelta(seconds=0 if self.ledger.busy else timeout),
                    allowed_updates=self._allowed_updates,
                )
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except InvalidToken:
                log.critical("the bot token was refused; polling stops")
                raise
            except TelegramError as exc:
                # 5xx, timeouts, connection refused: nothing was confirmed, so nothing is
                # lost; back off and ask again.
                failures += 1
                if error_callback is not None:
                    error_callback(exc)
                else:
                    log.warning("getUpdates failed (%s); retrying", exc)
                await asyncio.sleep(backoff(failures))
                continue
            failures = 0
            for update in self.ledger.accept(updates):
                self.update_queue.put_nowait(update)
            if self.ledger.busy:
                await self.ledger.wait_progress(self.busy_poll_interval)
            elif poll_interval:
                await asyncio.sleep(poll_interval)

    async def _stop_polling(self) -> None:
        task, self._poll_task = self._poll_task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("the polling task ended with an error")

    async def acknowledge(self) -> None:
        """Confirm every handled update now, so a restart does not fetch them again.

        Called once the application has stopped and nothing is in flight. Updates that
        are still unhandled (a retry given up at shutdown) stay unconfirmed.
        """
        offset = self.ledger.offset()
        if not self._polled or offset is None:
            return
        try:
            await self.bot.get_updates(offset=offset, timeout=dtm.timedelta(0), limit=1)
        except TelegramError as exc:
            log.warning("could not confirm handled updates at shutdown (%s)", exc)


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users concurrently; one user's updates strictly one after another.

    Updates reach `do_process_update` in the order Telegram sent them (the application
    starts one task per update in queue order, and asyncio's semaphore and locks are
    FIFO), so a FIFO lock per user keeps each conversation's steps in order.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
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
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            if lock.locked():
                # Wait for this user's earlier update without holding one of the
                # max_concurrent_updates slots (taken by BaseUpdateProcessor before this
                # method): otherwise one busy user's queue could starve everyone else.
                self._semaphore.release()
                try:
                    await lock.acquire()
                finally:
                    await self._semaphore.acquire()
            else:
                await lock.acquire()
            try:
                await coroutine
            finally:
                lock.release()
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
        self, *, prepare: Callable[[Any], Awaitable[None]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._prepare = prepare
        self._retry: set[int] = set()

    async def initialize(self) -> None:
        if self._initialized:
            return
        if self._prepare is not None:
            await self._prepare(self)  # e.g. migrate the database the persistence reads
        # Loading the persisted bot_data replaces the dict: keep the live objects put in it
        # while the application was assembled (the services, the settings, the menu).
        live = self.bot_data.transient() if isinstance(self.bot_data, RounaqBotData) else {}
        await super().initialize()
        self.bot_data.update(live)  # type: ignore[attr-defined]
        if isinstance(self.persistence, DatabasePersistence):
            pruned = await self.persistence.prune()
            log.debug("forgot %s old handled-update marks", pruned)

    def retry_update(self, update: Update) -> None:
        """Ask for this update to be handled again (called by the error handler)."""
        self._retry.add(update.update_id)

    @property
    def ledger(self) -> DeliveryLedger | None:
        updater = self.updater
        return updater.ledger if isinstance(updater, AckingUpdater) else None

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        update_id = update.update_id
        attempt = 0
        while True:
            await super().process_update(update)
            if update_id not in self._retry:
                break
            self._retry.discard(update_id)
            attempt += 1
            if not self.running:
                log.warning("update %s not handled before shutdown; it will come again", update_id)
                return
            delay = backoff(attempt)
            log.warning(
                "update %s failed transiently; retry %s in %.2fs", update_id, attempt, delay
            )
            await asyncio.sleep(delay)
        if not await self._commit(update_id):
            return
        ledger = self.ledger
        if ledger is not None:
            ledger.done(update_id)

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
                    # A bug, not an outage: retrying forever would stall the offset.
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

    async def stop(self) -> None:
        await super().stop()
        if isinstance(self.updater, AckingUpdater):
            await self.updater.acknowledge()
