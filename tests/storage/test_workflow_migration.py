"""The workflow migration goes up, down and up again on the real database."""

from __future__ import annotations

from sqlalchemy import inspect

from storage import migrate
from storage.db import Database

WORKFLOW_TABLES = {
    "report_tracking",
    "agenda_items",
    "decisions",
    "decision_agencies",
    "role_invites",
}


async def _tables(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_stairway_0002(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        await migrate.upgrade(database, "0002")
        assert await _tables(database) >= WORKFLOW_TABLES
        await migrate.downgrade(database, "0001")
        assert not WORKFLOW_TABLES & await _tables(database)
        assert "reports" in await _tables(database)
        await migrate.upgrade(database, "0002")
        assert await _tables(database) >= WORKFLOW_TABLES
        assert await migrate.current_revision(database) == "0002"
    finally:
        await database.dispose()
