"""The one dialect switch: statements that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports `.on_conflict_do_update/_nothing` on the session's dialect."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    if bind.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {bind.dialect.name}")


def seconds_between(dialect_name: str, later: Any, earlier: Any) -> Any:
    """`later - earlier` in seconds as a float SQL expression, for aggregating durations."""
    from sqlalchemy import Float, cast, extract, func

    if dialect_name == "postgresql":
        return extract("epoch", later - earlier)
    if dialect_name == "sqlite":
        # Timestamps are ISO text in UTC on SQLite; julianday() reads them as such.
        return cast((func.julianday(later) - func.julianday(earlier)) * 86400.0, Float)
    raise NotImplementedError(f"unsupported database dialect: {dialect_name}")
