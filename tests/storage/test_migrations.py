"""The migration stairway: every revision up, down and up again, on SQLite and PostgreSQL;
then the migrated schema must match the models exactly."""

from __future__ import annotations

import itertools

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import inspect

from storage import migrate
from storage.all_models import metadata
from storage.copy import current_heads
from storage.db import Database


def revisions_base_first() -> list[Script]:
    """Every revision, each after all of its ancestors (a topological order of the graph)."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return list(reversed(list(script.walk_revisions())))


def parents(revision: Script) -> tuple[str, ...]:
    down = revision.down_revision
    if down is None:
        return ()
    return (down,) if isinstance(down, str) else tuple(down)


def down_target(revision: Script) -> str:
    """One step down. From a merge point, downgrading to either parent leaves both."""
    found = parents(revision)
    return found[0] if found else "base"


async def tables(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    return set(names) - {"alembic_version"}


async def test_every_revision_goes_up_down_and_up_again(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        walked = []
        for revision in revisions_base_first():
            # Bring the database to exactly this revision's ancestors. On a linear history
            # it is there already; with parallel branches (before the lead linearises them)
            # a sibling may be applied, so start again from the base for this revision.
            if await current_heads(database) != set(parents(revision)):
                await migrate.downgrade(database, "base")
                for parent in parents(revision):
                    await migrate.upgrade(database, parent)
            before = await tables(database)
            await migrate.upgrade(database, revision.revision)
            assert revision.revision in await current_heads(database)
            after = await tables(database)
            await migrate.downgrade(database, down_target(revision))
            assert revision.revision not in await current_heads(database)
            # Downgrading removes exactly what the upgrade added.
            assert await tables(database) == before, revision.revision
            await migrate.upgrade(database, revision.revision)
            assert await tables(database) == after, revision.revision
            walked.append(revision.revision)
        assert set(walked) == set(migrate.all_revisions())
        await migrate.upgrade(database)
        assert await current_heads(database) == set(migrate.head_revisions())
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
        assert differences == [], "the migrations and the models disagree"
    finally:
        await database.dispose()


async def test_migrating_twice_changes_nothing(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        await migrate.upgrade(database)
        first = await tables(database)
        await migrate.upgrade(database)
        assert await tables(database) == first
        assert {"bot_state", "update_inbox"} <= first
    finally:
        await database.dispose()


def test_history_is_one_line() -> None:
    """Features land in parallel, but main keeps one linear history: one head, one base."""
    revisions = revisions_base_first()
    assert len(migrate.head_revisions()) == 1
    assert [r.revision for r in revisions] == sorted(r.revision for r in revisions)
    for older, newer in itertools.pairwise(revisions):
        assert parents(newer) == (older.revision,)
