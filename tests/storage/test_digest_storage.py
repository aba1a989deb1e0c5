"""The delivery log and subscriptions against a real database (SQLite, and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import inspect

from storage import migrate
from storage.db import Database
from storage.models_digest import ChatKind, DeliveryState
from storage.repositories.digest import DeliveryRepository, SubscriptionRepository

NOW = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
DAY = date(2026, 11, 28)


async def test_creating_a_days_rows_is_idempotent_and_bulk(database: Database) -> None:
    chats = list(range(1, 1201))  # more than one INSERT batch
    async with database.transaction() as session:
        await DeliveryRepository(session).create(DAY, chats, now=NOW)
    async with database.transaction() as session:
        repo = DeliveryRepository(session)
        first = (await repo.pending(DAY, after_id=0, limit=1))[0]
        await repo.record_part(
            first.id, part=0, parts=1, message_id=77, message_ids=[], payload="[]", attempts=1,
            now=NOW,
        )  # fmt: skip
    # A second call (another slot, a restart) adds only the new chat; the sent row stays sent.
    async with database.transaction() as session:
        await DeliveryRepository(session).create(DAY, [*chats, 5000], now=NOW)
    async with database.session() as session:
        repo = DeliveryRepository(session)
        totals = await repo.totals(DAY)
        again = await repo.get(DAY, first.chat_id)
    assert (totals.pending, totals.sent, totals.total) == (1200, 1, 1201)
    assert again is not None
    assert (again.state, again.message_ids, again.attempts) == ("sent", (77,), 1)


async def test_a_part_is_recorded_once_and_earlier_days_expire(database: Database) -> None:
    async with database.transaction() as session:
        repo = DeliveryRepository(session)
        await repo.create(date(2026, 11, 26), [1], now=NOW)
        await repo.create(DAY, [1], now=NOW)
    async with database.transaction() as session:
        repo = DeliveryRepository(session)
        [row] = await repo.pending(DAY, after_id=0, limit=10)

        async def record(message_id: int) -> bool:
            return await repo.record_part(
                row.id, part=0, parts=2, message_id=message_id, message_ids=[], payload="[]",
                attempts=1, now=NOW,
            )  # fmt: skip

        assert await record(10)
        # The same part again (a stale writer) does not move the row.
        assert not await record(11)
        assert await repo.expire_before(DAY, now=NOW) == 1
    async with database.session() as session:
        repo = DeliveryRepository(session)
        row_now = await repo.get(DAY, 1)
        old = await repo.get(date(2026, 11, 26), 1)
    assert row_now is not None
    assert (row_now.state, row_now.parts_sent, row_now.message_ids) == ("pending", 1, (10,))
    assert old is not None
    assert (old.state, old.last_error) == (DeliveryState.FAILED.value, "expired")


async def test_default_subscription_respects_an_earlier_choice(database: Database) -> None:
    async with database.transaction() as session:
        repo = SubscriptionRepository(session)
        await repo.subscribe_by_default(1, now=NOW)
        await repo.subscribe_by_default(1, now=NOW)
        assert await repo.end(1, now=NOW, note="blocked")
        await repo.subscribe_by_default(1, now=NOW)
        sub = await repo.get(1)
    assert sub is not None
    assert (sub.active, sub.end_note) == (False, "blocked")
    async with database.transaction() as session:
        repo = SubscriptionRepository(session)
        assert await repo.subscribe(1, ChatKind.USER, now=NOW)
        assert not await repo.subscribe(1, ChatKind.USER, now=NOW)
        await repo.set_time(1, "10:00", now=NOW)
        assert await repo.due("08:00", "09:59") == []
        assert await repo.due("08:00", "10:00") == [1]


DIGEST_TABLES = {"digest_deliveries", "digest_subscriptions"}


async def _table_names(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_the_digest_migration_goes_down_and_up(database: Database) -> None:
    await migrate.downgrade(database, "0001")
    assert not DIGEST_TABLES & await _table_names(database)
    await migrate.upgrade(database)
    assert await _table_names(database) >= DIGEST_TABLES
    # The tables it made again work: a day's row is created and waits to be sent.
    async with database.transaction() as session:
        await DeliveryRepository(session).create(DAY, [1], now=NOW)
    async with database.session() as session:
        pending = await DeliveryRepository(session).pending(DAY, after_id=0, limit=10)
    assert [(row.chat_id, row.state) for row in pending] == [(1, DeliveryState.PENDING.value)]
