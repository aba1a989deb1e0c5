"""The outbox of rendered messages (see storage.models_durability.OutboxMessage)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.dialect import upsert_insert
from storage.models_durability import OutboxMessage

PENDING, SENT, DROPPED = "pending", "sent", "dropped"


class Outgoing(NamedTuple):
    """A message as it will be sent: the chat, the text, the keyboard's JSON (or None)."""

    chat_id: int
    text: str
    reply_markup: str | None = None


class Queued(NamedTuple):
    """A pending row of the outbox, as the sender reads it."""

    id: int
    attempts: int
    message: Outgoing


def _table() -> Table:
    return cast(Table, OutboxMessage.__table__)


class OutboxRepository:
    # A session, or a Core connection (Database.write_connection) for the per-update commit.
    def __init__(self, session: AsyncSession | AsyncConnection, bot_id: int) -> None:
        self.session = session
        self.bot_id = bot_id

    async def add(self, source: str, messages: Sequence[Outgoing], now: datetime) -> None:
        """Queue `messages` as `source`'s, in order; ones this source already queued stay as
        they are (the source handled again after a failure or a crash)."""
        if not messages:
            return
        rows = [
            {
                "bot_id": self.bot_id,
                "source": source,
                "position": position,
                "chat_id": m.chat_id,
                "text": m.text,
                "reply_markup": m.reply_markup,
                "state": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for position, m in enumerate(messages)
        ]
        insert = upsert_insert(self.session, _table())
        await self.session.execute(
            insert.on_conflict_do_nothing(index_elements=["bot_id", "source", "position"]), rows
        )

    def _ready_chats(self, busy: Collection[int]) -> Any:
        """Each chat with pending rows and when it may be sent to again: when the latest
        of its pending rows is due. A row kept for a 429's retry_after holds the chat's
        later rows too, so its messages still arrive in order."""
        t = _table()
        query = (
            select(t.c.chat_id, func.max(t.c.next_attempt_at).label("ready_at"))
            .where(t.c.bot_id == self.bot_id, t.c.state == PENDING)
            .group_by(t.c.chat_id)
        )
        if busy:
            query = query.where(t.c.chat_id.not_in(sorted(busy)))
        return query.subquery()

    async def due(self, now: datetime, busy: Collection[int], limit: int) -> list[Queued]:
        """Pending rows of the chats ready by `now` and not in `busy`, oldest first."""
        t = _table()
        ready = self._ready_chats(busy)
        rows = await self.session.execute(
            select(t.c.id, t.c.attempts, t.c.chat_id, t.c.text, t.c.reply_markup)
            .join(ready, ready.c.chat_id == t.c.chat_id)
            .where(t.c.bot_id == self.bot_id, t.c.state == PENDING, ready.c.ready_at <= now)
            .order_by(t.c.id)
            .limit(limit)
        )
        return [Queued(i, attempts, Outgoing(*message)) for i, attempts, *message in rows]

    async def next_due(self, busy: Collection[int]) -> datetime | None:
        """When the first chat not in `busy` is ready (None: nothing is pending)."""
        ready = self._ready_chats(busy)
        return cast(datetime | None, await self.session.scalar(select(func.min(ready.c.ready_at))))

    async def finish(self, row_id: int, state: str, now: datetime) -> None:
        """Sent, or dropped for good."""
        t = _table()
        await self.session.execute(
            update(t).where(t.c.id == row_id).values(state=state, sent_at=now)
        )

    async def postpone(self, row_id: int, attempts: int, when: datetime) -> None:
        t = _table()
        await self.session.execute(
            update(t).where(t.c.id == row_id).values(attempts=attempts, next_attempt_at=when)
        )

    async def prune(self, before: datetime) -> int:
        """Forget rows sent or dropped before `before`."""
        t = _table()
        result = await self.session.execute(
            delete(t).where(t.c.bot_id == self.bot_id, t.c.state != PENDING, t.c.sent_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
