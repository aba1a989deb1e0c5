"""The one dialect switch: statements that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.ext.compiler import compiles


def dialect_name(session: AsyncSession | AsyncConnection) -> str:
    return (
        session.dialect if isinstance(session, AsyncConnection) else session.get_bind().dialect
    ).name


def upsert_insert(session: AsyncSession | AsyncConnection, table: Any) -> Any:
    """An INSERT that supports `.on_conflict_do_update/_nothing` on the session's dialect."""
    name = dialect_name(session)
    # Each dialect's package is imported where it is used: SQLAlchemy's postgresql package
    # (every driver's dialect in it) costs a SQLite start ~0.08 s of imports for nothing.
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {name}")


async def lock_rows(session: AsyncSession, statement: Any) -> None:
    """Run `statement` (a SELECT ... FOR UPDATE) to lock its rows until the transaction
    ends, on PostgreSQL. SQLite has no row locks (its write transactions are serialised by
    BEGIN IMMEDIATE) and renders no FOR UPDATE: the statement is skipped there, as the trip
    it would cost buys nothing."""
    if session.get_bind().dialect.name != "sqlite":
        await session.execute(statement)


def seconds_between(dialect_name: str, later: Any, earlier: Any) -> Any:
    """`later - earlier` in seconds as a float SQL expression, for aggregating durations."""
    from sqlalchemy import Float, cast, extract, func

    if dialect_name == "postgresql":
        return extract("epoch", later - earlier)
    if dialect_name == "sqlite":
        # Timestamps are ISO text in UTC on SQLite; julianday() reads them as such.
        return cast((func.julianday(later) - func.julianday(earlier)) * 86400.0, Float)
    raise NotImplementedError(f"unsupported database dialect: {dialect_name}")


class _Unindexed(ColumnElement[Any]):
    """A column that SQLite's planner must not use for an index lookup (see unindexed)."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _unindexed_default(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    # SQLite's documented way to keep a term out of index selection: a unary plus.
    return "+" + str(compiler.process(element.column, **kw))


def unindexed(column: Any) -> ColumnElement[Any]:
    """`column` as is, except that SQLite may not pick an index for a condition on it.

    For a newest-first page whose filter columns lead another index: SQLite's planner
    then ranges over that index and sorts every match (ten thousand rows of a busy
    agency's inbox) instead of walking the ordering index and stopping after a page.
    PostgreSQL weighs the LIMIT itself and is left alone.
    """
    return _Unindexed(column)
