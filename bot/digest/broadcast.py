"""Sending a day's pending deliveries within Telegram's limits, resumably, exactly once.

Limits by construction, not by reaction:
- overall: a pacer lets sends through on an even grid 1/rate apart (DIGEST_RATE_PER_SECOND,
  29/s), and a send window guarantees that no more than 30 sends can land in any second
  whatever the network's jitter; PTB's AIORateLimiter underneath stays idle at that pace
  and only waits out a 429;
- per chat: parts of one digest are spaced at least a second apart in private chats and
  three seconds in groups and channels (20 a minute);
- 429: waited out (`retry_after`) by AIORateLimiter, and again here if it gives up;
  network errors and timeouts: retried with exponential back-off; 403 and a vanished chat:
  the row is marked blocked and the subscription ended, never retried.

Delivery guarantee. Each part Telegram accepted is recorded (message id, parts_sent,
state) in one commit right after the response, and only pending parts are ever sent. The
send and its commit run as one unit shielded from cancellation: a stop (shutdown, a
cancelled task) lets the in-flight message land in the log first, so a graceful stop
never duplicates or skips. What remains is a hard kill (power loss, SIGKILL) in the few
milliseconds between Telegram's response and the commit; a resumed run then sends that
one part again. We chose at-least-once for that window because a duplicate digest is a
nuisance while a skipped one is lost news, and there is no way to ask Telegram whether a
message was delivered. A timeout is the same case: the request may have been accepted,
so it is retried (at least once), never silently dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot.digest.content import DigestBuilder, Part, Recipient, decode_parts
from bot.digest.service import DigestService
from bot.platform import retry_after_seconds
from storage.dto_digest import DeliveryDTO
from storage.models_digest import ChatKind, DeliveryState

log = logging.getLogger(__name__)

T = TypeVar("T")

WORKERS = 16  # concurrent recipients; enough to keep the pacer busy at 30/s
PAGE = 200  # pending rows read per query
TELEGRAM_PER_SECOND = 30  # the documented overall limit the window enforces
PRIVATE_SPACING = 1.05  # seconds between two messages to one private chat (limit: 1/s)
GROUP_SPACING = 3.05  # groups and channels: 20 a minute
MAX_RETRY_AFTER_WAITS = 10  # 429s are not failures, but a flood that never ends is
# Telegram's descriptions for a chat that no longer exists (400): treated like a block.
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "group chat was deactivated")


class Pacer:
    """Lets events through on a fixed grid `1/rate` apart, in arrival order.

    The grid is kept even when a sleep wakes a little late, so the oversleeps do not add
    up (at 3,000 messages they cost seconds); after an idle spell longer than one step the
    grid restarts from now instead of letting a burst catch up.
    """

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            elif now - self._next > self._interval:
                self._next = now
            self._next += self._interval


class SendWindow:
    """At most `limit` sends whose arrival at Telegram may fall in any `window` seconds.

    Telegram stamps a message somewhere between our request and its answer; a send whose
    answer came more than `window` ago is certainly out of the window, one in flight or
    answered since might be in it. Counting those makes the limit hold whatever the
    network's jitter, which the pacer's even spacing alone cannot promise.
    """

    def __init__(self, limit: int, window: float = 1.0) -> None:
        self._limit = limit
        self._window = window
        self._answered: deque[float] = deque()
        self._in_flight = 0

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._answered and self._answered[0] <= now - self._window:
                self._answered.popleft()
            if self._in_flight + len(self._answered) < self._limit:
                self._in_flight += 1
                return
            # Only sends in flight: re-check shortly (they are answered in milliseconds).
            wake = self._answered[0] + self._window - now if self._answered else 0.005
            await asyncio.sleep(max(wake, 0.001))

    def release(self) -> None:
        self._in_flight -= 1
        self._answered.append(asyncio.get_running_loop().time())


class ChatSpacing:
    """The earliest next send per chat, so one chat never gets more than its limit."""

    def __init__(self) -> None:
        self._next: dict[int, float] = {}

    async def wait(self, chat_id: int, kind: ChatKind) -> None:
        loop = asyncio.get_running_loop()
        spacing = PRIVATE_SPACING if kind is ChatKind.USER else GROUP_SPACING
        now = loop.time()
        ready = self._next.get(chat_id, 0.0)
        if ready > now:
            await asyncio.sleep(ready - now)
            now = loop.time()
        self._next[chat_id] = now + spacing

    def forget_before(self, moment: float) -> None:
        """Drop chats whose spacing has passed (keeps the map small on long runs)."""
        for chat_id in [c for c, t in self._next.items() if t <= moment]:
            del self._next[chat_id]


@dataclass
class RunStats:
    sent: int = 0  # rows completed in this run
    messages: int = 0  # messages accepted in this run
    skipped: int = 0
    failed: int = 0
    blocked: int = 0
    retry_after: int = 0  # 429s that reached us (AIORateLimiter retries the rest)
    retries: int = 0  # network errors retried
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def processed(self) -> int:
        return self.sent + self.skipped + self.failed + self.blocked

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started


class _RowEnded(Exception):  # noqa: N818 -- control flow, not an error
    """Ends one row: the state it ends in and why."""

    def __init__(self, state: DeliveryState, error: str, attempts: int) -> None:
        super().__init__(error)
        self.state = state
        self.error = error
        self.attempts = attempts


async def finish_in_flight(work: Awaitable[T]) -> T:
    """Await `work`; if we are cancelled meanwhile, let it finish first, then re-raise.

    Used for "send, then record": once a request is on the wire its result must reach the
    log, or a resumed run would send it again.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        # A stop may cancel us more than once (the run, then its workers); every time, keep
        # waiting: the request is bounded by the HTTP timeouts.
        while not task.done():
            try:
                await asyncio.wait([task])
            except asyncio.CancelledError:
                continue
        if not task.cancelled():
            task.exception()  # retrieved: its outcome is in the log or will be retried
        raise


class Broadcaster:
    """Delivers a day's pending rows. One instance per application, reused across runs so
    per-chat spacing holds between a digest and the admins' report after it."""

    def __init__(
        self,
        bot: ExtBot[object],
        service: DigestService,
        *,
        rate: float,
        retry_base: float,
        max_attempts: int,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._bot = bot
        self._service = service
        self._pacer = Pacer(rate)
        self._window = SendWindow(TELEGRAM_PER_SECOND)
        self._spacing = ChatSpacing()
        self._retry_base = retry_base
        self._max_attempts = max_attempts
        self._sleep = sleep

    async def deliver(self, builder: DigestBuilder) -> RunStats:
        """Send every pending row of `builder.day`; returns what this run did."""
        stats = RunStats()
        day = builder.day.day
        queue: asyncio.Queue[tuple[DeliveryDTO, Recipient | None] | None] = asyncio.Queue(
            maxsize=WORKERS * 4
        )
        workers = [
            asyncio.create_task(self._worker(queue, builder, stats), name=f"digest-worker-{i}")
            for i in range(WORKERS)
        ]
        try:
            await self._produce(day, queue)
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        finally:
            # On cancellation each worker finishes its in-flight send (see finish_in_flight).
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        stats.finished = time.monotonic()
        return stats

    async def _produce(
        self, day: date, queue: asyncio.Queue[tuple[DeliveryDTO, Recipient | None] | None]
    ) -> None:
        after = 0
        while True:
            rows = await self._service.pending(day, after_id=after, limit=PAGE)
            if not rows:
                return
            recipients = await self._service.recipients([r.chat_id for r in rows])
            for row in rows:
                await queue.put((row, recipients.get(row.chat_id)))
            after = rows[-1].id
            self._spacing.forget_before(asyncio.get_running_loop().time())

    async def _worker(
        self,
        queue: asyncio.Queue[tuple[DeliveryDTO, Recipient | None] | None],
        builder: DigestBuilder,
        stats: RunStats,
    ) -> None:
        while (item := await queue.get()) is not None:
            row, recipient = item
            try:
                await self._deliver_row(row, recipient, builder, stats)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A bug in one recipient's content must not stop everyone else's digest.
                log.exception("digest: delivery %s to chat %s failed", row.id, row.chat_id)
                try:
                    await self._service.finish(
                        row, DeliveryState.FAILED, error="internal error", attempts=0
                    )
                except Exception:
                    # The database is gone too: the row stays pending for the next run. The
                    # worker goes on, for with every worker ended the producer would wait on
                    # the full queue for ever, and the runner with it (no digest till restart).
                    log.exception("digest: delivery %s left pending", row.id)
                    continue
                stats.failed += 1

    async def _deliver_row(
        self,
        row: DeliveryDTO,
        recipient: Recipient | None,
        builder: DigestBuilder,
        stats: RunStats,
    ) -> None:
        if recipient is None:
            await self._service.finish(
                row, DeliveryState.SKIPPED, error="not subscribed any more", attempts=0
            )
            stats.skipped += 1
            return
        # A resumed row continues with the text it started with, not a rebuilt one.
        parts = (
            decode_parts(row.payload)
            if row.payload
            else await self._service.render(builder, recipient)
        )
        if not parts:
            await self._service.finish(row, DeliveryState.SKIPPED, error=None, attempts=0)
            stats.skipped += 1
            return
        message_ids = list(row.message_ids)
        for index in range(row.parts_sent, len(parts)):
            try:
                message_id = await self._send_part(row, recipient, parts, index, message_ids, stats)
            except _RowEnded as outcome:
                if outcome.state is DeliveryState.BLOCKED:
                    await self._service.gone(row, error=outcome.error, attempts=outcome.attempts)
                    stats.blocked += 1
                else:
                    await self._service.finish(
                        row, outcome.state, error=outcome.error, attempts=outcome.attempts
                    )
                    stats.failed += 1
                log.info("digest: chat %s: %s (%s)", row.chat_id, outcome.state, outcome.error)
                return
            message_ids.append(message_id)
            stats.messages += 1
        stats.sent += 1

    async def _send_part(
        self,
        row: DeliveryDTO,
        recipient: Recipient,
        parts: list[Part],
        index: int,
        message_ids: list[int],
        stats: RunStats,
    ) -> int:
        """Send part `index` until Telegram accepts it; raises _RowEnded when it never will."""
        part = parts[index]
        markup = (
            InlineKeyboardMarkup(
                [[InlineKeyboardButton(b.label, callback_data=b.data)] for b in part.buttons]
            )
            if part.buttons
            else None
        )
        attempts = 0
        waits = 0
        while True:
            await self._spacing.wait(row.chat_id, recipient.kind)
            await self._pacer.wait()
            attempts += 1
            try:
                return await finish_in_flight(
                    self._send_and_record(row, part, markup, parts, index, message_ids, attempts)
                )
            except RetryAfter as exc:
                stats.retry_after += 1
                waits += 1
                if waits > MAX_RETRY_AFTER_WAITS:
                    raise _RowEnded(DeliveryState.FAILED, f"flood: {exc}", attempts) from exc
                await self._sleep(retry_after_seconds(exc))
            except Forbidden as exc:
                raise _RowEnded(DeliveryState.BLOCKED, str(exc), attempts) from exc
            except ChatMigrated as exc:
                raise _RowEnded(
                    DeliveryState.FAILED, f"group moved to {exc.new_chat_id}", attempts
                ) from exc
            except BadRequest as exc:
                if any(marker in str(exc).lower() for marker in _GONE):
                    raise _RowEnded(DeliveryState.BLOCKED, str(exc), attempts) from exc
                # Anything else is a bug in the message: retrying would fail the same way.
                raise _RowEnded(DeliveryState.FAILED, str(exc), attempts) from exc
            except NetworkError as exc:  # includes TimedOut: the request may have landed
                if attempts >= self._max_attempts:
                    raise _RowEnded(DeliveryState.FAILED, str(exc), attempts) from exc
                stats.retries += 1
                await self._sleep(self._retry_base * 2 ** (attempts - 1))
            except TelegramError as exc:
                raise _RowEnded(DeliveryState.FAILED, str(exc), attempts) from exc

    async def _send_and_record(
        self,
        row: DeliveryDTO,
        part: Part,
        markup: InlineKeyboardMarkup | None,
        parts: list[Part],
        index: int,
        message_ids: list[int],
        attempts: int,
    ) -> int:
        await self._window.acquire()
        try:
            message = await self._bot.send_message(row.chat_id, part.text, reply_markup=markup)
        finally:
            self._window.release()
        # Nothing between the response and this commit: it is the at-least-once window.
        recorded = await self._service.record_part(
            row,
            part=index,
            parts=parts,
            message_id=message.message_id,
            message_ids=message_ids,
            attempts=attempts,
        )
        if not recorded:
            log.error("digest: delivery %s part %s was recorded by someone else", row.id, index)
        return message.message_id

    async def send_notice(self, chat_id: int, text: str) -> bool:
        """A one-off message under the same pacing (the admins' report)."""
        await self._spacing.wait(chat_id, ChatKind.USER if chat_id > 0 else ChatKind.GROUP)
        await self._pacer.wait()
        await self._window.acquire()
        try:
            await self._bot.send_message(chat_id, text)
        except TelegramError as exc:
            log.warning("digest: could not send the report to %s: %s", chat_id, exc)
            return False
        finally:
            self._window.release()
        return True
