"""The outbox: notices are sent after the commit that decided them, by a background sender.

A notice to someone other than the person acting — the agency's officers and group, the
secretariat, an owner told of an officer's step — is rendered at once (each recipient's own
language) and *queued*, not sent:

* while an update is handled, its messages are staged on the persistence and written in
  the transaction that marks the update's inbox row done (bot.persistence.commit), keyed
  by the update and their position. An update handled again (a transient failure, a crash
  before that commit) renders the same notices again, from the services' replay, and its
  stage starts afresh: the messages are queued once, whichever run commits;
* a job (the deadline check) or a report filed over the API queues its messages in a short
  transaction of its own, under a key of the thing notified (`notice:<outbox id>`,
  `filed:<report id>`), so running it again after a crash queues nothing twice.

The sender (`Outbox.start`) drains the due rows promptly after each commit (an event wakes
it) and polls now and then for rows a crash left. Each chat's messages go out in order (one
held for a 429 holds the chat's later ones), different chats concurrently (a bounded
number), so a group at Telegram's 20-a-minute limit holds its own messages only, not the
update of the person who acted nor anyone else's notices. Messages go through the
application's bot, so PTB's rate limiter still paces them; a 429 is not waited out inside
the limiter (which would pause every request of the bot) but keeps the row for
`retry_after`. 403: the user blocked the bot — marked blocked, the row dropped. Any other
400: logged and dropped. A network error or 5xx: tried again with a growing pause.

What stays inline: what answers the person who acted — their prompts, confirmations and
the report's receipt with its tracking number. The receipt is sent after the report is
committed and before the update is marked done; a crash between the two is the only way it
is shown twice, and then the number is the same (the report is stored once, by update id).
Moving it to the outbox would not shorten that window (the sender too can die between the
send and its mark), and would let the conversation's next prompt overtake it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from bot.background import cancel_and_wait
from bot.delivery import is_transient
from bot.inbox import backoff
from bot.persistence import DatabasePersistence
from bot.platform import retry_after_seconds
from storage.models import utcnow
from storage.repositories.outbox import DROPPED, SENT, OutboxRepository, Outgoing, Queued

log = logging.getLogger(__name__)

__all__ = ["NO_RETRY", "Outbox", "OutboxRateLimiter", "Outgoing", "markup_json"]

# `rate_limit_args` of a send whose 429 comes back to the caller instead of being waited
# out by the rate limiter (OutboxRateLimiter).
NO_RETRY = -1
POLL_SECONDS = 5.0
MAX_CHATS_AT_ONCE = 16
BATCH = 200
STOP_GRACE_SECONDS = 2.0
# A message refused this often for reasons that are not transient is given up.
MAX_ATTEMPTS = 12

OnBlocked = Callable[[int], Awaitable[None]]


def markup_json(markup: InlineKeyboardMarkup | None) -> str | None:
    """The keyboard as stored: None for none, and for an empty one (Telegram refuses it)."""
    if markup is None or not any(markup.inline_keyboard):
        return None
    return json.dumps(markup.to_dict(), ensure_ascii=False, separators=(",", ":"))


class _PostponedError(Exception):
    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class OutboxRateLimiter(AIORateLimiter):
    """PTB's limiter; a send marked NO_RETRY is paced like any other, but its 429 is raised.

    AIORateLimiter waits a 429 out by pausing every request of the bot; for an outbox
    message, whose row can simply wait, that would hold up everyone's answers.
    """

    async def process_request(
        self,
        callback: Callable[..., Any],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if rate_limit_args != NO_RETRY:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

        async def once(*a: Any, **kw: Any) -> Any:
            try:
                return await callback(*a, **kw)
            except RetryAfter as exc:  # past the limiter's retry loop, to the caller
                raise _PostponedError(exc) from exc

        try:
            return await super().process_request(once, args, kwargs, endpoint, data, None)
        except _PostponedError as postponed:
            raise postponed.error from None


class Outbox:
    """The outbox rows of one bot, and the task that sends them."""

    def __init__(
        self,
        persistence: DatabasePersistence,
        *,
        poll_seconds: float = POLL_SECONDS,
        max_chats: int = MAX_CHATS_AT_ONCE,
    ) -> None:
        self._persistence = persistence
        self.poll_seconds = poll_seconds
        self.max_chats = max_chats
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._bot: Bot | None = None
        self._on_blocked: OnBlocked | None = None
        persistence.on_messages_committed = self.wake

    def wake(self) -> None:
        self._wake.set()

    async def add(self, source: str, messages: Sequence[Outgoing]) -> None:
        """Queue a job's messages in a transaction of their own (keyed by `source`)."""
        if not messages:
            return
        persistence = self._persistence
        async with persistence.database.write_connection() as connection:
            await OutboxRepository(connection, persistence.bot_id).add(source, messages, utcnow())
        self.wake()

    # --- the sender -------------------------------------------------------------------

    async def start(self, bot: Bot, on_blocked: OnBlocked) -> None:
        if self._task is not None:
            return
        self._bot, self._on_blocked = bot, on_blocked
        self._task = asyncio.create_task(self._run(), name="Outbox:sender")

    async def stop(self) -> None:
        """Stop sending; what is not sent yet stays queued for the next start.

        The sends under way get a moment to end: one cut off after it reached the Bot API
        and before its row was marked would be sent again after the restart.
        """
        task, self._task = self._task, None
        await cancel_and_wait(task)
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=STOP_GRACE_SECONDS)
        for worker in workers:
            await cancel_and_wait(worker)
        self._workers.clear()

    async def _run(self) -> None:
        failures = 0
        while True:
            self._wake.clear()
            try:
                wait = await self._drain()
                failures = 0
            except Exception as exc:
                failures += 1
                if not is_transient(exc):
                    log.exception("the outbox could not be read")
                else:
                    log.warning("the outbox could not be read (%s); again soon", exc)
                wait = backoff(failures)
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _drain(self) -> float:
        """Start a worker for each chat with due messages; how long to wait before the next
        look, unless woken (a commit, a worker done)."""
        persistence = self._persistence
        now = utcnow()
        busy = set(self._workers)
        async with persistence.database.session() as session:
            repository = OutboxRepository(session, persistence.bot_id)
            due = await repository.due(now, busy, BATCH)
            by_chat: dict[int, list[Queued]] = {}
            for row in due:
                by_chat.setdefault(row.message.chat_id, []).append(row)
            for chat_id, rows in by_chat.items():
                if len(self._workers) >= self.max_chats:
                    return self.poll_seconds  # a worker that ends wakes the sender
                self._workers[chat_id] = asyncio.create_task(
                    self._send_chat(chat_id, rows), name=f"Outbox:chat {chat_id}"
                )
            following = await repository.next_due(set(self._workers))
        if following is None:
            return self.poll_seconds
        return min(self.poll_seconds, max(0.0, (following - utcnow()).total_seconds()))

    async def _send_chat(self, chat_id: int, rows: list[Queued]) -> None:
        """One chat's messages in order; the first that must wait holds the rest."""
        try:
            for row in rows:
                if not await self._send(row):
                    break
        except Exception as exc:
            # The database failed while recording an outcome: the row stays due.
            log.warning("outbox: chat %s paused (%s)", chat_id, exc)
        finally:
            self._workers.pop(chat_id, None)
            self.wake()

    async def _send(self, row: Queued) -> bool:
        """Send one row and record the outcome; False when the chat's next must wait."""
        bot = self._bot
        assert bot is not None
        message = row.message
        markup = (
            InlineKeyboardMarkup.de_json(json.loads(message.reply_markup), bot)
            if message.reply_markup
            else None
        )
        try:
            if isinstance(bot, ExtBot) and bot.rate_limiter is not None:
                await bot.send_message(
                    message.chat_id, message.text, reply_markup=markup, rate_limit_args=NO_RETRY
                )
            else:
                await bot.send_message(message.chat_id, message.text, reply_markup=markup)
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            log.info("outbox: chat %s flooded; retry in %ss", message.chat_id, wait)
            await self._postpone(row, wait)
            return False
        except Forbidden:
            if message.chat_id > 0 and self._on_blocked is not None:
                await self._on_blocked(message.chat_id)
            log.info("chat %s blocked the bot; marked, notice dropped", message.chat_id)
            await self._finish(row, DROPPED)
            return True
        except BadRequest as exc:
            log.warning("could not notify chat %s: %s", message.chat_id, exc)
            await self._finish(row, DROPPED)
            return True
        except Exception as exc:
            if not is_transient(exc) and row.attempts + 1 >= MAX_ATTEMPTS:
                log.error("outbox: gave up on a message to chat %s: %s", message.chat_id, exc)
                await self._finish(row, DROPPED)
                return True
            log.warning("outbox: sending to chat %s failed (%s); again later", message.chat_id, exc)
            await self._postpone(row, backoff(row.attempts + 1))
            return False
        await self._finish(row, SENT)
        return True

    async def _finish(self, row: Queued, state: str) -> None:
        persistence = self._persistence
        async with persistence.database.write_connection() as connection:
            await OutboxRepository(connection, persistence.bot_id).finish(row.id, state, utcnow())

    async def _postpone(self, row: Queued, seconds: float) -> None:
        persistence = self._persistence
        when = utcnow() + timedelta(seconds=seconds)
        async with persistence.database.write_connection() as connection:
            await OutboxRepository(connection, persistence.bot_id).postpone(
                row.id, row.attempts + 1, when
            )
