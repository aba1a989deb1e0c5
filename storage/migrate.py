"""Run Alembic migrations programmatically, inside the running event loop."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def all_revisions() -> list[str]:
    """Revisions from the first to head, in upgrade order."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(database: Database, revision: str = "head") -> None:
    await _run(database, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(database: Database, revision: str) -> None:
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
