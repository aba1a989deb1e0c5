"""Run Alembic migrations programmatically, inside the running event loop.

Alembic is imported when there is something to migrate: a start on a database already at
head answers that with one query (`at_head`), so the bot does not pay Alembic's import and
script scan (~0.3 s) at every start.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=]*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def script_heads() -> frozenset[str]:
    """The heads as the revision files declare them, read as text (no Alembic import):
    every `revision` that no file names as its `down_revision`. A test holds it equal to
    Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - parents)


async def stamped_revisions(database: Database) -> frozenset[str] | None:
    """The revisions the database is stamped with; None when it has no version table."""
    async with database.engine.connect() as connection:
        try:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # a new database: no version table yet
            await connection.rollback()
            return None
        return frozenset(str(row[0]) for row in rows)


async def at_head(database: Database) -> bool:
    heads = script_heads()
    return bool(heads) and await stamped_revisions(database) == heads


def all_revisions() -> list[str]:
    """Revisions from the first to head, in upgrade order."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(database: Database, revision: str = "head") -> None:
    if revision == "head" and await at_head(database):
        return
    from alembic import command

    await _run(database, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(database: Database, revision: str) -> None:
    from alembic import command

    await _run(database, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with database.engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def _run(database: Database, action: object) -> None:
    assert callable(action)

    def _in_sync(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    async with database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy a table and drop the old one; with rows referring to it
            # (a seeded database) the drop fails while foreign keys are enforced. Alembic's
            # advice: off for the migration, on after. On the driver's connection, before
            # SQLAlchemy begins (the PRAGMA does nothing inside a transaction).
            await _foreign_keys(connection, on=False)
        try:
            await connection.run_sync(_in_sync)
            await connection.commit()
        finally:
            if sqlite:
                await connection.rollback()
                await _foreign_keys(connection, on=True)


async def _foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # a checked-out connection has its driver's
    await driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
