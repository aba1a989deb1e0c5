"""The durable inbox: a batch stored once, duplicates ignored, the undone rows in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram import Bot, Chat, Message, Update, User

from bot.inbox import UpdateInbox
from bot.persistence import DatabasePersistence
from storage import migrate
from storage.db import Database

BOT = 987654321
DATE = datetime(2026, 11, 28, tzinfo=UTC)


def message_update(update_id: int, user_id: int, text: str = "x") -> Update:
    user = User(user_id, "u", is_bot=False)
    chat = Chat(user_id, "private")
    return Update(update_id, message=Message(update_id, DATE, chat, from_user=user, text=text))


@pytest.fixture
async def persistence(database_url: str) -> AsyncIterator[DatabasePersistence]:
    db = Database(database_url)
    await migrate.upgrade(db)
    try:
        yield DatabasePersistence(db, BOT)
    finally:
        await db.dispose()


async def test_a_batch_is_stored_once_and_comes_back_until_done(
    persistence: DatabasePersistence, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = UpdateInbox(persistence)
    batch = [message_update(i, 100 + i % 2, f"متن {i}") for i in (12, 10, 11)]
    assert [u.update_id for u in await inbox.store(batch)] == [12, 10, 11]
    # The same batch again (fetched after a crash) with a new one: only the new one is new,
    # and each repeat is logged as a warning, never dropped silently.
    again = await inbox.store([*batch, message_update(13, 100)])
    assert [u.update_id for u in again] == [13]
    assert sum("handled before" in r.getMessage() for r in caplog.records) == 3

    # Handled 11 and 13, state committed with the marks: 10 and 12 remain, oldest first.
    persistence.mark_handled(11)
    persistence.mark_handled(13)
    await persistence.commit()
    bot = Bot("123:abc")
    pending = await UpdateInbox(DatabasePersistence(persistence.database, BOT)).pending(bot)
    assert [u.update_id for u in pending] == [10, 12]
    assert pending[0].message is not None
    assert pending[0].message.text == "متن 10"
    assert pending[0].effective_user is not None
    assert pending[0].effective_user.id == 100
    assert await persistence.already_handled(11)
    assert not await persistence.already_handled(10)

    # Another bot sharing the database has an inbox of its own.
    other = UpdateInbox(DatabasePersistence(persistence.database, BOT + 1))
    assert [u.update_id for u in await other.store([message_update(10, 5)])] == [10]
