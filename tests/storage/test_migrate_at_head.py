"""A start on a database already at head skips Alembic: the heads are read from the
revision files as text, and the database's stamp with one query. Both must agree with
Alembic's own answer, or a start would skip a migration it needs."""

from __future__ import annotations

from storage import migrate
from storage.db import Database


def test_heads_read_from_the_files_are_alembics() -> None:
    assert migrate.script_heads() == frozenset(migrate.head_revisions())


async def test_at_head_only_when_stamped_with_every_head(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        assert await migrate.stamped_revisions(database) is None
        assert not await migrate.at_head(database)
        older = migrate.all_revisions()[-2]
        await migrate.upgrade(database, older)
        assert await migrate.stamped_revisions(database) == frozenset({older})
        assert not await migrate.at_head(database)
        await migrate.upgrade(database)  # "head": not at head yet, so Alembic runs
        assert await migrate.stamped_revisions(database) == migrate.script_heads()
        assert await migrate.at_head(database)
        await migrate.upgrade(database)  # at head: one query, nothing else
        assert await migrate.at_head(database)
    finally:
        await database.dispose()
