"""The durable inbox of received updates (see storage.models_durability.InboxUpdate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.dialect import upsert_insert
from storage.models_durability import InboxUpdate


class InboxRepository:
    # A session, or a Core connection (Database.write_connection) for the per-update path.
    def __init__(self, session: AsyncSession | AsyncConnection, bot_id: int) -> None:
        self.session = session
        self.bot_id = bot_id

    async def store(self, updates: Sequence[tuple[int, str]], now: datetime) -> set[int]:
        """Insert (update id, JSON) rows in one statement; the ids that were new.

        An id already stored (a batch fetched again after a crash, a webhook post retried)
        is left as it is: its first copy is, or was, being handled.
        """
        if not updates:
            return set()
        rows = [
            {"bot_id": self.bot_id, "update_id": u, "payload": p, "received_at": now}
            for u, p in updates
        ]
        # Rows as parameters (SQLAlchemy sends them as one multi-row INSERT), so the
        # statement is compiled once, not for every batch; the Table skips ORM bookkeeping.
        table = cast(Table, InboxUpdate.__table__)
        insert = upsert_insert(self.session, table)
        result = await self.session.execute(
            insert.on_conflict_do_nothing(index_elements=["bot_id", "update_id"]).returning(
                table.c.update_id
            ),
            rows,
        )
        return set(result.scalars())

    async def pending(self) -> list[tuple[int, str]]:
        """Stored and not yet done, oldest first: what a restart handles before new updates."""
        rows = await self.session.execute(
            select(InboxUpdate.update_id, InboxUpdate.payload)
            .where(InboxUpdate.bot_id == self.bot_id, InboxUpdate.done_at.is_(None))
            .order_by(InboxUpdate.update_id)
        )
        return [(u, p) for u, p in rows]

    async def mark_done(self, update_ids: Iterable[int], now: datetime) -> None:
        """Done, in the caller's transaction (the one that commits the update's state)."""
        ids = sorted(update_ids)
        if not ids:
            return
        # Core, not the ORM's bulk update: this runs once for every update handled.
        table = cast(Table, InboxUpdate.__table__)
        result = await self.session.execute(
            update(table)
            .where(
                table.c.bot_id == self.bot_id,
                table.c.update_id.in_(ids),
                table.c.done_at.is_(None),
            )
            .values(done_at=now)
        )
        if int(getattr(result, "rowcount", 0) or 0) == len(ids):
            return
        # An update handled without passing the inbox (a test driving process_update, a
        # row pruned meanwhile) still gets its mark; a row already done keeps its time.
        insert = upsert_insert(self.session, InboxUpdate)
        await self.session.execute(
            insert.on_conflict_do_nothing(index_elements=["bot_id", "update_id"]),
            [
                {
                    "bot_id": self.bot_id,
                    "update_id": u,
                    "payload": "{}",
                    "received_at": now,
                    "done_at": now,
                }
                for u in ids
            ],
        )

    async def is_done(self, update_id: int) -> bool:
        found = await self.session.scalar(
            select(InboxUpdate.update_id).where(
                InboxUpdate.bot_id == self.bot_id,
                InboxUpdate.update_id == update_id,
                InboxUpdate.done_at.is_not(None),
            )
        )
        return found is not None

    async def prune(self, before: datetime) -> int:
        """Forget done rows older than Telegram keeps an undelivered update (24 hours)."""
        result = await self.session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.bot_id == self.bot_id,
                InboxUpdate.done_at.is_not(None),
                InboxUpdate.done_at < before,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
