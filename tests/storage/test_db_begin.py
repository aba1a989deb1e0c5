"""SQLite transactions begin on the driver directly (storage.db): a write still takes the
lock up front, and a locked database still fails as SQLAlchemy's OperationalError, which
the delivery treats as transient and retries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.delivery import is_transient
from storage.db import Database


async def test_a_locked_database_fails_as_a_transient_operational_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    database = Database(f"sqlite+aiosqlite:///{path}", busy_timeout_ms=50)
    try:
        async with database.transaction() as session:
            await session.execute(text("CREATE TABLE t (n INTEGER)"))
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(OperationalError) as caught:
                async with database.transaction() as session:
                    await session.execute(text("INSERT INTO t VALUES (1)"))
            assert "locked" in str(caught.value)
            assert is_transient(caught.value)
            async with database.session() as session:  # a reader is not blocked (WAL)
                assert await session.scalar(text("SELECT count(*) FROM t")) == 0
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO t VALUES (1)"))
        async with database.session() as session:
            assert await session.scalar(text("SELECT count(*) FROM t")) == 1
    finally:
        await database.dispose()
