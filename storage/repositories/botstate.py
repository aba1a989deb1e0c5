"""PTB's persisted state (see storage.models_durability)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.dialect import dialect_name, upsert_insert
from storage.models_durability import BotState

# The upsert every update's commit runs, built once per dialect (see storage.repositories.
# inbox: a reused statement keeps its memoised cache key).
_UPSERT: dict[str, Any] = {}


def _upsert_statement(session: AsyncSession | AsyncConnection, table: Table) -> Any:
    name = dialect_name(session)
    statement = _UPSERT.get(name)
    if statement is None:
        insert = upsert_insert(session, table)
        statement = _UPSERT[name] = insert.on_conflict_do_update(
            index_elements=["bot_id", "kind", "scope", "key"],
            set_={"data": insert.excluded.data, "updated_at": insert.excluded.updated_at},
        )
    return statement


@dataclass(frozen=True, slots=True)
class StateKey:
    kind: str
    scope: str
    key: str


@dataclass(frozen=True, slots=True)
class StateRow:
    key: StateKey
    data: str


class BotStateRepository:
    # A session, or a Core connection (Database.write_connection) for the per-update path.
    def __init__(self, session: AsyncSession | AsyncConnection, bot_id: int) -> None:
        self.session = session
        self.bot_id = bot_id

    async def load(self, kind: str, scope: str = "") -> list[StateRow]:
        rows = await self.session.execute(
            select(BotState.key, BotState.data).where(
                BotState.bot_id == self.bot_id, BotState.kind == kind, BotState.scope == scope
            )
        )
        return [StateRow(StateKey(kind, scope, key), data) for key, data in rows]

    async def write(self, changes: Sequence[tuple[StateKey, str | None]], now: datetime) -> None:
        """Upsert each (key, JSON) and delete each (key, None), in the caller's transaction."""
        upserts = [
            {
                "bot_id": self.bot_id,
                "kind": k.kind,
                "scope": k.scope,
                "key": k.key,
                "data": data,
                "updated_at": now,
            }
            for k, data in changes
            if data is not None
        ]
        deletes = [(k.kind, k.scope, k.key) for k, data in changes if data is None]
        # On the Table, not the mapped class: a plain executemany, without the ORM's bulk
        # bookkeeping (this runs once for every update the bot handles).
        table = cast(Table, BotState.__table__)
        if upserts:
            await self.session.execute(_upsert_statement(self.session, table), upserts)
        if deletes:
            await self.session.execute(
                delete(table).where(
                    table.c.bot_id == self.bot_id,
                    tuple_(table.c.kind, table.c.scope, table.c.key).in_(deletes),
                )
            )
