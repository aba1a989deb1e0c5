"""The outbox of rendered messages: queued once per source and position, each chat in
order, a chat held while its first message waits out a 429, done rows forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.repositories.outbox import DROPPED, SENT, OutboxRepository, Outgoing

BOT = 987654321
NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
GROUP, OWNER = -1001234567890, 1001
MARKUP = '{"inline_keyboard":[[{"text":"باز","callback_data":"o:1"}]]}'


async def queue(database: Database, source: str, messages: list[Outgoing]) -> None:
    async with database.write_connection() as connection:
        await OutboxRepository(connection, BOT).add(source, messages, NOW)


async def test_a_source_queues_once_and_a_waiting_chat_holds_its_later_messages(
    database: Database,
) -> None:
    first = [Outgoing(GROUP, "یک", MARKUP), Outgoing(OWNER, "دو")]
    await queue(database, "u:7", first)
    await queue(database, "u:7", first)  # the update handled again
    await queue(database, "u:8", [Outgoing(GROUP, "سه")])
    async with database.session() as session:
        outbox = OutboxRepository(session, BOT)
        due = await outbox.due(NOW, (), 100)
        assert [(q.message.chat_id, q.message.text) for q in due] == [
            (GROUP, "یک"),
            (OWNER, "دو"),
            (GROUP, "سه"),
        ]
        assert await outbox.due(NOW, {GROUP}, 100) == [due[1]]
        assert await outbox.due(NOW - timedelta(seconds=1), (), 100) == []

    later = NOW + timedelta(seconds=30)
    async with database.transaction() as session:
        outbox = OutboxRepository(session, BOT)
        await outbox.postpone(due[0].id, 1, later)  # the group's first message got a 429
        await outbox.finish(due[1].id, SENT, NOW)
    async with database.session() as session:
        outbox = OutboxRepository(session, BOT)
        # The group's second message waits behind its first: nothing is due till then.
        assert await outbox.due(NOW + timedelta(seconds=29), (), 100) == []
        assert await outbox.next_due(()) == later
        assert await outbox.next_due({GROUP}) is None
        again = await outbox.due(later, (), 100)
        assert [(q.message.text, q.attempts) for q in again] == [("یک", 1), ("سه", 0)]

    async with database.transaction() as session:
        outbox = OutboxRepository(session, BOT)
        await outbox.finish(again[0].id, SENT, later)
        await outbox.finish(again[1].id, DROPPED, later)
        assert await outbox.next_due(()) is None
        assert await outbox.prune(later) == 1  # the one done before `later`
        assert await outbox.prune(later + timedelta(seconds=1)) == 2
