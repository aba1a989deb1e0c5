"""The durable inbox: a batch stored once, duplicates ignored, the undone rows in order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram import Bot, Chat, Message, Update, User
from telegram.request import BaseRequest

from bot.inbox import ReceivedUpdates, UpdateInbox
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


async def test_a_polled_batch_is_stored_as_the_bot_api_sent_it(
    persistence: DatabasePersistence,
) -> None:
    """The poller stores each update's JSON from getUpdates' answer (bot.inbox.
    ReceivedUpdates), not the parsed Update serialised back; one the answer lacks is
    serialised, and both come back as the updates they were."""

    class Answer(BaseRequest):
        read_timeout = None

        async def initialize(self) -> None:
            return None

        async def shutdown(self) -> None:
            return None

        async def do_request(self, *args: object, **kwargs: object) -> tuple[int, bytes]:
            return 200, sent

    raw = {"update_id": 21, "message": {"message_id": 21, "date": 1764300000,
           "chat": {"id": 7, "type": "private"}, "text": "سلام", "x_unknown_field": 1}}  # fmt: skip
    sent = json.dumps({"ok": True, "result": [raw]}).encode()
    received = ReceivedUpdates(Answer())
    await received.do_request("https://api/bot123:abc/getUpdates", "POST")
    payloads = received.payloads()
    assert json.loads(payloads[21]) == raw
    assert received.payloads() == {}  # an answer is read once
    bot = Bot("123:abc")
    inbox = UpdateInbox(persistence, received)
    parsed = Update.de_json(raw, bot)
    assert parsed is not None
    await inbox.store([parsed, message_update(22, 7, "دوم")], payloads)
    pending = await inbox.pending(bot)
    assert [u.update_id for u in pending] == [21, 22]
    assert [u.message.text for u in pending if u.message] == ["سلام", "دوم"]
