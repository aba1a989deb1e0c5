"""The durable inbox of received updates (see storage.models_durability.InboxUpdate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.dialect import dialect_name, upsert_insert
from storage.models_durability import InboxUpdate


def _table() -> Table:
    return cast(Table, InboxUpdate.__table__)


# The statements every update runs, built once (per dialect): a statement object reused
# keeps its memoised cache key, so SQLAlchemy neither builds the expression nor computes
# that key again for every update.
_STORE: dict[str, Any] = {}


def _store_statement(session: AsyncSession | AsyncConnection) -> Any:
    name = dialect_name(session)
    statement = _STORE.get(name)
    if statement is None:
        table = _table()
        insert = upsert_insert(session, table)
        statement = _STORE[name] = insert.on_conflict_do_nothing(
            index_elements=["bot_id", "update_id"]
        ).returning(table.c.update_id)
    return statement


@cache
def _mark_done_statement() -> Any:
    table = _table()
    return (
        update(table)
        .where(
            table.c.bot_id == bindparam("inbox_bot"),
            table.c.update_id.in_(bindparam("inbox_ids", expanding=True)),
            table.c.done_at.is_(None),
        )
        .values(done_at=bindparam("inbox_now"))
    )


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
        result = await self.session.execute(_store_statement(self.session), rows)
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
        result = await self.session.execute(
            _mark_done_statement(), {"inbox_bot": self.bot_id, "inbox_ids": ids, "inbox_now": now}
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
