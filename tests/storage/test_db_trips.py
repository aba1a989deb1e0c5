"""SQLite statements cost fewer trips to aiosqlite's worker thread (storage.db): one per
statement (a query's rows come back in it, and a transaction's BEGIN goes with its first
statement), none to close a cursor, none to end a transaction that ran nothing, and no
rollback when a committed connection goes back to the pool. Results, row counts and
generated keys are unchanged, and a transaction left open is still rolled back before the
connection is reused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Integer, String, insert, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.util import greenlet_spawn

from storage.db import Database


class _Base(DeclarativeBase):
    pass


class _Item(_Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}", busy_timeout_ms=200)
    async with db.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function run on aiosqlite's thread (its one dispatch method)."""
    seen: list[str] = []
    dispatch: Any = aiosqlite.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await dispatch(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def test_a_write_transaction_is_two_trips_and_returns_keys_and_counts(
    database: Database, trips: list[str]
) -> None:
    async with database.transaction() as session:
        session.add(_Item(name="a"))
        await session.flush()
    trips.clear()
    async with database.transaction() as session:
        item = _Item(name="b")
        session.add(item)
        await session.flush()  # the generated key comes back
        assert item.id == 2
    # BEGIN IMMEDIATE with the INSERT, then COMMIT; no cursor opened or closed, no rollback
    # on return.
    assert trips == ["_execute_in_thread", "commit"], trips
    async with database.transaction() as session:
        changed = await session.execute(update(_Item).where(_Item.id <= 2).values(name="c"))
        assert changed.rowcount == 2  # type: ignore[attr-defined]
        returned = await session.execute(insert(_Item).values(name="d").returning(_Item.id))
        assert returned.scalar_one() == 3
        await session.execute(insert(_Item), [{"name": "e"}, {"name": "f"}])  # executemany


async def test_a_query_is_one_trip_with_its_rows_and_columns(
    database: Database, trips: list[str]
) -> None:
    async with database.transaction() as session:
        session.add_all([_Item(name="a"), _Item(name="b")])
    trips.clear()
    async with database.session() as session:
        rows = (await session.execute(select(_Item.id, _Item.name).order_by(_Item.id))).all()
        assert [(r.id, r.name) for r in rows] == [(1, "a"), (2, "b")]
        assert await session.scalar(select(_Item.name).where(_Item.id == 9)) is None
    # BEGIN with the first query, each query with its rows, the session's rollback at close.
    assert trips == ["_execute_in_thread", "_execute_in_thread", "rollback"], trips


async def test_a_transaction_that_ran_nothing_costs_no_trip(
    database: Database, trips: list[str]
) -> None:
    async with database.write_connection():
        pass
    async with database.transaction() as session:
        await session.connection()  # begun, no statement
    assert trips == []
    async with database.transaction() as session:  # the next one begins as it should
        await session.execute(insert(_Item).values(name="a"))
    async with database.session() as session:
        assert list(await session.scalars(select(_Item.name))) == ["a"]


async def test_a_transaction_left_open_is_rolled_back_before_reuse(database: Database) -> None:
    def leave_open() -> None:
        connection = database.engine.sync_engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO items (name) VALUES ('lost')")
        finally:
            connection.close()  # back to the pool holding the write lock: reset rolls back

    await greenlet_spawn(leave_open)
    async with database.transaction() as session:  # would wait for the lock and fail
        await session.execute(text("INSERT INTO items (name) VALUES ('kept')"))
    async with database.session() as session:
        assert list(await session.scalars(select(_Item.name))) == ["kept"]


def test_the_adapter_names_storage_db_builds_on_are_there() -> None:
    """storage.db overrides underscore names of SQLAlchemy's aiosqlite adapter (pinned
    exactly in pyproject.toml); an upgrade that renames or reshapes them fails here first."""
    import inspect

    from sqlalchemy.dialects.sqlite import aiosqlite as adapter

    cursor = adapter.AsyncAdapt_aiosqlite_cursor
    for name in ("_execute_async", "_executemany_async", "_async_soft_close"):
        assert inspect.iscoroutinefunction(getattr(cursor, name)), name
    assert list(inspect.signature(cursor._execute_async).parameters) == [
        "self",
        "operation",
        "parameters",
    ]
    assert list(inspect.signature(cursor._executemany_async).parameters) == [
        "self",
        "operation",
        "seq_of_parameters",
    ]
    slots = {name for klass in cursor.__mro__ for name in getattr(klass, "__slots__", ())}
    assert {"_adapt_connection", "_connection", "_cursor", "_rows", "_soft_closed_memoized"} <= (
        slots
    )
    connection = adapter.AsyncAdapt_aiosqlite_connection
    assert connection._cursor_cls is cursor
    # aiosqlite's one dispatch method (SQLAlchemy's adapter uses it too) and its connection.
    assert inspect.iscoroutinefunction(aiosqlite.Connection._execute)
    assert isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn"), property)
    slots = {name for klass in connection.__mro__ for name in getattr(klass, "__slots__", ())}
    assert "_execute_mutex" in slots or hasattr(connection, "_execute_mutex")
