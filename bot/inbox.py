"""The durable inbox: every update is stored before the Bot API is told it arrived.

Polling (`InboxPoller`): each getUpdates batch is written in one short transaction, then
the next getUpdates call's offset confirms it, so Telegram never sends it again and no
update is fetched or parsed twice. Webhook (`InboxQueue.put`, awaited by PTB's webhook
handler before it answers 200): the post's update is written before the answer. A row is
marked done in the transaction that commits the state its handling left
(bot.persistence); after a crash the rows not yet done are handled first, in order
(`RounaqApplication.initialize`). An update id that is already stored is not handled again:
it is logged as a warning and dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.request import BaseRequest

from bot.background import own_cancel
from bot.http import WrappedRequest
from bot.persistence import DatabasePersistence
from bot.platform import retry_after_seconds
from storage.models import utcnow
from storage.repositories.inbox import InboxRepository

log = logging.getLogger(__name__)

RETRY_FIRST_DELAY = 0.25
RETRY_MAX_DELAY = 15.0
# A webhook post waits this many attempts for the database before it is answered with an
# error (Telegram then posts the update again later).
WEBHOOK_STORE_ATTEMPTS = 3


def backoff(attempt: int) -> float:
    return float(min(RETRY_MAX_DELAY, RETRY_FIRST_DELAY * 2 ** max(0, attempt - 1)))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ReceivedUpdates(WrappedRequest):
    """The getUpdates client, keeping the body of its last answer.

    The poller stores each update's JSON as the Bot API sent it, instead of serialising
    the parsed `Update` back (`to_dict`, about 3 % of the bot's CPU under the intake
    benchmark); re-reading the body is one C-level JSON parse.
    """

    def __init__(self, inner: BaseRequest) -> None:
        super().__init__(inner)
        self.body: bytes | None = None

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        self.body = None
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if status == 200:
            self.body = payload
        return status, payload

    def payloads(self) -> dict[int, str]:
        """Each update of the last answer as received, by id ({} when there is none)."""
        body, self.body = self.body, None
        if body is None:
            return {}
        try:
            results = json.loads(body).get("result")
        except (ValueError, AttributeError):
            return {}
        if not isinstance(results, list):
            return {}
        return {
            item["update_id"]: _dumps(item)
            for item in results
            if isinstance(item, dict) and isinstance(item.get("update_id"), int)
        }


class UpdateInbox:
    """The inbox rows of one bot, in the database its persistence uses."""

    def __init__(
        self, persistence: DatabasePersistence, received: ReceivedUpdates | None = None
    ) -> None:
        self._persistence = persistence
        # The getUpdates client (polling); None when updates come otherwise (webhook).
        self.received = received

    async def store(
        self, updates: Sequence[Update], payloads: Mapping[int, str] | None = None
    ) -> list[Update]:
        """Store a batch in one transaction; the updates that were not stored before.

        `payloads`: the updates' JSON as received, by id; one missing is serialised."""
        if not updates:
            return []
        known = payloads or {}
        rows = [(u.update_id, known.get(u.update_id) or _dumps(u.to_dict())) for u in updates]
        persistence = self._persistence
        async with persistence.database.write_connection() as connection:
            fresh = await InboxRepository(connection, persistence.bot_id).store(rows, utcnow())
        for update in updates:
            if update.update_id not in fresh:
                # Never silent: a Bot API server that numbers its updates afresh (an
                # emulator restarted without its saved state) would lose messages here.
                log.warning(
                    "update %s was handled before (already received); skipped. If this is a "
                    "new message, the Bot API server's update ids went back (was it reset?)",
                    update.update_id,
                )
        return [u for u in updates if u.update_id in fresh]

    async def pending(self, bot: Bot) -> list[Update]:
        """The stored updates whose handling did not complete, oldest first."""
        persistence = self._persistence
        async with persistence.database.session() as session:
            rows = await InboxRepository(session, persistence.bot_id).pending()
        updates: list[Update] = []
        for update_id, payload in rows:
            try:
                update = Update.de_json(json.loads(payload), bot)
            except Exception:
                log.exception("stored update %s cannot be read; skipped", update_id)
                continue
            if update is not None:
                updates.append(update)
        return updates


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue; an update `put` into it is stored first.

    PTB's webhook handler awaits `put` before it answers the post, so an update it
    answered 200 for is in the database. The poller stores whole batches itself and uses
    `put_nowait`, which does not store again.
    """

    inbox: UpdateInbox | None = None

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.inbox is not None:
            attempt = 0
            while True:
                try:
                    fresh = await self.inbox.store([item])
                    break
                except Exception as exc:
                    attempt += 1
                    if attempt >= WEBHOOK_STORE_ATTEMPTS:
                        raise
                    log.warning("storing update %s failed (%s); retrying", item.update_id, exc)
                    await asyncio.sleep(backoff(attempt))
            if not fresh:
                return
        await super().put(item)


class InboxPoller:
    """Our own getUpdates loop: fetch a batch, store it, dispatch what is new, confirm it.

    The offset of the next call confirms the stored batch, so the Bot API's copy is
    released only once ours is durable; a crash in between makes Telegram send the batch
    again, and the inbox ignores the ids it holds.
    """

    def __init__(
        self,
        bot: Bot,
        queue: asyncio.Queue[object],
        inbox: UpdateInbox,
        *,
        timeout: float = 10.0,
        allowed_updates: Sequence[str] | None = None,
    ) -> None:
        self.bot = bot
        self.queue = queue
        self.inbox = inbox
        self.timeout = timeout
        self.allowed_updates = allowed_updates
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._fetching = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Leave webhook mode if it was on, then poll in the background."""
        attempt = 0
        while True:
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                break
            except InvalidToken:
                raise
            except TelegramError as exc:
                attempt += 1
                if attempt >= 5:
                    raise
                log.warning("deleteWebhook failed (%s); retrying", exc)
                await asyncio.sleep(backoff(attempt))
        self._stopping = False
        self._task = asyncio.create_task(self._poll(), name="InboxPoller:poll")

    async def _poll(self) -> None:
        failures = 0
        while not self._stopping:
            self._fetching = True
            try:
                updates = await self.bot.get_updates(
                    offset=self.offset,
                    timeout=dtm.timedelta(seconds=self.timeout),
                    allowed_updates=self.allowed_updates,
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
                log.warning("getUpdates failed (%s); retrying", exc)
                await asyncio.sleep(backoff(failures))
                continue
            finally:
                self._fetching = False
            failures = 0
            if not updates:
                continue
            received = self.inbox.received
            fresh = await self._store(updates, received.payloads() if received else None)
            if fresh is None:
                return  # stopping with the batch unstored: it is not confirmed either
            # Confirmed by the next call: the batch is durable (or was stored before).
            self.offset = max(u.update_id for u in updates) + 1
            for update in fresh:
                self.queue.put_nowait(update)

    async def _store(
        self, updates: Sequence[Update], payloads: Mapping[int, str] | None
    ) -> list[Update] | None:
        """Until stored: the batch is not confirmed, so waiting here loses nothing."""
        attempt = 0
        while True:
            try:
                return await self.inbox.store(updates, payloads)
            except Exception as exc:
                attempt += 1
                if self._stopping and attempt >= WEBHOOK_STORE_ATTEMPTS:
                    log.warning("updates not stored before shutdown (%s); they come again", exc)
                    return None
                log.warning(
                    "storing %s updates in the inbox failed (%s); retrying", len(updates), exc
                )
                await asyncio.sleep(backoff(attempt))

    async def stop(self) -> None:
        """Stop fetching; a batch being stored is stored (and dispatched) first."""
        task = self._task
        if task is None:
            return
        self._stopping = True
        if self._fetching:
            task.cancel()  # a long poll in progress: its batch, if any, is not confirmed
        try:
            await task
        except asyncio.CancelledError:
            if own_cancel():
                raise  # stop() itself was cancelled, not only the poll it cancelled
        except Exception:
            log.exception("the polling task ended with an error")
        self._task = None

    async def acknowledge(self) -> None:
        """Confirm the stored batches now, so a restart does not fetch them again."""
        if self.offset is None:
            return
        try:
            await self.bot.get_updates(offset=self.offset, timeout=dtm.timedelta(0), limit=1)
        except TelegramError as exc:
            log.warning("could not confirm the stored updates at shutdown (%s)", exc)
