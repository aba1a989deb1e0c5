"""The outbox of rendered messages (see storage.models_durability.OutboxMessage)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import NamedTuple, cast

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

    async def due(self, now: datetime, busy: Collection[int], limit: int) -> list[Queued]:
        """Pending rows due by `now`, oldest first, of chats not in `busy`."""
        t = _table()
        query = (
            select(t.c.id, t.c.attempts, t.c.chat_id, t.c.text, t.c.reply_markup)
            .where(t.c.bot_id == self.bot_id, t.c.state == PENDING, t.c.next_attempt_at <= now)
            .order_by(t.c.id)
            .limit(limit)
        )
        if busy:
            query = query.where(t.c.chat_id.not_in(sorted(busy)))
        rows = await self.session.execute(query)
        return [Queued(i, attempts, Outgoing(*message)) for i, attempts, *message in rows]

    async def next_due(self, busy: Collection[int]) -> datetime | None:
        """When the earliest pending row of a chat not in `busy` is due (None: none is)."""
        t = _table()
        query = select(func.min(OutboxMessage.next_attempt_at)).where(
            t.c.bot_id == self.bot_id, t.c.state == PENDING
        )
        if busy:
            query = query.where(t.c.chat_id.not_in(sorted(busy)))
        return cast(datetime | None, await self.session.scalar(query))

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
