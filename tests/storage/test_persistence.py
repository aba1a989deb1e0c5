"""DatabasePersistence: PTB's state as JSON rows, written only when it changed."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.persistence import DatabasePersistence, RounaqBotData, bot_id_of
from storage import migrate
from storage.db import Database
from storage.models_durability import BotState, InboxUpdate

BOT = 987654321


async def rows(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(BotState)) or 0)


async def test_state_survives_into_a_new_process(database: Database) -> None:
    first = DatabasePersistence(database, BOT)
    await first.update_user_data(1001, {"lang": "fa", "report_draft": {"description": "نخ"}})
    await first.update_chat_data(-100123, {"muted": True})
    await first.update_conversation("report", (1001, 1001), 3)
    await first.update_conversation("registration", (1002, 1002), 1)
    bot_data = RounaqBotData(services=object(), settings=object(), counter=7)
    await first.update_bot_data(deepcopy(bot_data))
    first.mark_handled(100_000_001)
    await first.commit()

    second = DatabasePersistence(database, BOT)  # a restart: nothing in memory
    assert await second.get_user_data() == {
        1001: {"lang": "fa", "report_draft": {"description": "نخ"}}
    }
    assert await second.get_chat_data() == {-100123: {"muted": True}}
    assert await second.get_conversations("report") == {(1001, 1001): 3}
    assert await second.get_conversations("registration") == {(1002, 1002): 1}
    assert dict(await second.get_bot_data()) == {"counter": 7}  # never the live objects
    assert await second.already_handled(100_000_001)
    assert not await second.already_handled(100_000_002)

    # Another bot (another province) sharing the database sees none of it.
    other = DatabasePersistence(database, BOT + 1)
    assert await other.get_user_data() == {}
    assert await other.get_conversations("report") == {}
    assert not await other.already_handled(100_000_001)


async def test_unchanged_state_is_not_written_again(database: Database) -> None:
    persistence = DatabasePersistence(database, BOT)
    await persistence.update_user_data(1001, {"lang": "fa"})
    await persistence.commit()
    assert not persistence.pending
    # PTB reports the user's data after every update of theirs, changed or not.
    await persistence.update_user_data(1001, {"lang": "fa"})
    assert not persistence.pending
    await persistence.update_user_data(1001, {"lang": "en"})
    assert persistence.pending
    await persistence.update_user_data(1001, {"lang": "fa"})  # back to what is stored
    assert not persistence.pending


async def test_an_ended_conversation_and_dropped_data_are_deleted(database: Database) -> None:
    persistence = DatabasePersistence(database, BOT)
    await persistence.update_conversation("report", (1001, 1001), 5)
    await persistence.update_user_data(1001, {"lang": "fa"})
    await persistence.commit()
    assert await rows(database) == 2
    await persistence.update_conversation("report", (1001, 1001), None)
    await persistence.drop_user_data(1001)
    await persistence.commit()
    assert await rows(database) == 0
    assert await DatabasePersistence(database, BOT).get_conversations("report") == {}


async def test_a_failed_commit_keeps_everything_staged(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url)
    await migrate.upgrade(database)
    persistence = DatabasePersistence(database, BOT)
    await persistence.update_conversation("report", (1001, 1001), 4)
    persistence.mark_handled(42)
    broken = Database(f"sqlite+aiosqlite:///{tmp_path / 'not-migrated.sqlite3'}")  # no tables
    persistence.attach(broken)
    with pytest.raises(Exception):  # noqa: B017, PT011 -- whatever the driver raises
        await persistence.commit()
    assert persistence.pending
    persistence.attach(database)
    await persistence.commit()
    assert not persistence.pending
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 1
    assert await DatabasePersistence(database, BOT).get_conversations("report") == {(1001, 1001): 4}
    await database.dispose()
    await broken.dispose()


async def test_values_that_are_not_json_are_refused_loudly(database: Database) -> None:
    persistence = DatabasePersistence(database, BOT)
    with pytest.raises(TypeError):
        await persistence.update_user_data(1001, {"when": object()})


def test_the_bot_id_comes_from_the_token() -> None:
    assert bot_id_of("987654321:AAE-secret") == 987654321
    with pytest.raises(ValueError, match="numeric id"):
        bot_id_of("not-a-token")
