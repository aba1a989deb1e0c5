"""PTB's persisted state and the ledger of handled updates (see storage.models_durability)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.models_durability import BotState, ProcessedUpdate


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
    def __init__(self, session: AsyncSession, bot_id: int) -> None:
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
        if upserts:
            insert = upsert_insert(self.session, BotState)
            await self.session.execute(
                insert.on_conflict_do_update(
                    index_elements=["bot_id", "kind", "scope", "key"],
                    set_={"data": insert.excluded.data, "updated_at": insert.excluded.updated_at},
                ),
                upserts,
            )
        if deletes:
            await self.session.execute(
                delete(BotState).where(
                    BotState.bot_id == self.bot_id,
                    tuple_(BotState.kind, BotState.scope, BotState.key).in_(deletes),
                )
            )

    async def mark_processed(self, update_ids: Iterable[int], now: datetime) -> None:
        rows = [{"bot_id": self.bot_id, "update_id": u, "handled_at": now} for u in update_ids]
        if not rows:
            return
        insert = upsert_insert(self.session, ProcessedUpdate)
        # A redelivered update that the gate skipped is marked again: keep the first mark.
        await self.session.execute(
            insert.on_conflict_do_nothing(index_elements=["bot_id", "update_id"]), rows
        )

    async def is_processed(self, update_id: int) -> bool:
        found = await self.session.scalar(
            select(ProcessedUpdate.update_id).where(
                ProcessedUpdate.bot_id == self.bot_id, ProcessedUpdate.update_id == update_id
            )
        )
        return found is not None

    async def prune_processed(self, before: datetime) -> int:
        """Forget marks older than Telegram keeps undelivered updates (24 hours)."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(
                ProcessedUpdate.bot_id == self.bot_id, ProcessedUpdate.handled_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
