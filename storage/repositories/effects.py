"""Recorded action results (keyed by update) and the deadline job's notice outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models_effects import ActionEffect, NoticeOutbox


class EffectRepository:
    def __init__(self, session: AsyncSession, province_id: int) -> None:
        self.session = session
        self.province_id = province_id

    async def recorded(self, update_id: int, action: str) -> str | None:
        """The payload an earlier handling of this update stored for `action`, if any."""
        return await self.session.scalar(
            select(ActionEffect.payload).where(
                ActionEffect.province_id == self.province_id,
                ActionEffect.update_id == update_id,
                ActionEffect.action == action,
            )
        )

    async def record(self, update_id: int, action: str, payload: str, now: datetime) -> None:
        self.session.add(
            ActionEffect(
                province_id=self.province_id,
                update_id=update_id,
                action=action,
                payload=payload,
                created_at=now,
            )
        )
        await self.session.flush()

    async def enqueue(self, payload: str, now: datetime) -> None:
        self.session.add(
            NoticeOutbox(province_id=self.province_id, payload=payload, created_at=now)
        )
        await self.session.flush()

    async def unsent(self, limit: int = 200) -> list[tuple[int, str]]:
        rows = await self.session.execute(
            select(NoticeOutbox.id, NoticeOutbox.payload)
            .where(NoticeOutbox.province_id == self.province_id, NoticeOutbox.sent_at.is_(None))
            .order_by(NoticeOutbox.id)
            .limit(limit)
        )
        return [(int(i), str(p)) for i, p in rows]

    async def mark_sent(self, outbox_id: int, now: datetime) -> None:
        await self.session.execute(
            update(NoticeOutbox).where(NoticeOutbox.id == outbox_id).values(sent_at=now)
        )
