"""A digest run over a database outage ends instead of waiting for ever.

A worker whose row failed, and whose failure could not be recorded either, ended; with all
sixteen ended the producer waited on the full queue for ever, the runner stayed "running",
and every later trigger only asked it to go round again: no digest until a restart.
"""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

from telegram.ext import ExtBot

from bot.digest.broadcast import Broadcaster
from bot.digest.content import DigestBuilder
from bot.digest.service import DigestService
from storage.dto_digest import DeliveryDTO

DAY = date(2026, 11, 28)


def row(row_id: int) -> DeliveryDTO:
    return DeliveryDTO(row_id, DAY, 1000 + row_id, "pending", 0, 0, (), None, None, None)


class DatabaseGone:
    """The rows were read; every write after that fails."""

    def __init__(self, count: int) -> None:
        self.rows = [row(i) for i in range(1, count + 1)]
        self.finishes = 0

    async def pending(self, day: date, *, after_id: int, limit: int) -> list[DeliveryDTO]:
        return [r for r in self.rows if r.id > after_id][:limit]

    async def recipients(self, chat_ids: list[int]) -> dict[int, Any]:
        return {}  # nobody subscribed any more: each row is finished as skipped

    async def finish(self, row: DeliveryDTO, state: Any, **_: Any) -> None:
        self.finishes += 1
        raise ConnectionError("the database is gone")


async def test_a_run_whose_rows_cannot_be_recorded_still_ends() -> None:
    service = DatabaseGone(200)  # more than the sixteen workers and the queue hold
    broadcaster = Broadcaster(
        cast(ExtBot[object], None),  # nothing is sent: nobody is subscribed
        cast(DigestService, service),
        rate=29.0,
        retry_base=1.0,
        max_attempts=5,
    )
    builder = cast(DigestBuilder, SimpleNamespace(day=SimpleNamespace(day=DAY)))
    # A guard, not a speed goal: before the fix this waited for ever.
    async with asyncio.timeout(60):
        stats = await broadcaster.deliver(builder)
    assert service.finishes == 400  # every row tried: as skipped, then as failed
    assert stats.processed == 0  # none of it recorded: all still pending for the next run
