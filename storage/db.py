"""Engine and session factory; the only place that knows which database dialect is in use."""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import EMPTY_DICT

_WRITE_OPTION = "rounaq_write"
# Connections kept open to a SQLite file, and how many more a burst may open (see Database).
SQLITE_POOL_SIZE = 30
SQLITE_POOL_OVERFLOW = 10
# Where the database lives when DATABASE_URL is unset (relative to the working directory).
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/rounaq.sqlite3"


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers proceed while one writer commits; busy_timeout makes a second
        # writer wait instead of failing at once with "database is locked".
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: Any) -> None:
        # Instead of the pool's unconditional rollback on return (reset_on_return=None,
        # below): a connection returned after its commit has nothing to roll back, and
        # the rollback would cost a trip to aiosqlite's thread for every transaction.
        if state.terminate_only or not state.asyncio_safe:
            return
        if isinstance(dbapi_connection, _OneTripConnection):
            dbapi_connection.forget_begin()  # a transaction that ran no statement
        if dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front (IMMEDIATE), so two writers queue
        # on busy_timeout instead of failing when both try to upgrade a read lock; readers
        # keep a deferred BEGIN and never block each other under WAL.
        statement = (
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE_OPTION) else "BEGIN"
        )
        adapted = conn.connection.dbapi_connection
        if isinstance(adapted, _OneTripConnection):
            # Sent with the transaction's first statement, in that statement's trip to
            # aiosqlite's thread (a locked database then fails that statement with the
            # same OperationalError, which the delivery retries: bot.delivery.is_transient).
            adapted.begin_with_next(statement)
            return
        conn.exec_driver_sql(statement)  # not aiosqlite: SQLAlchemy's own path


def _execute_in_thread(
    raw: sqlite3.Connection, begin: str | None, operation: Any, parameters: Any
) -> tuple[sqlite3.Cursor, list[Any] | None]:
    """On aiosqlite's thread: the transaction's BEGIN if still to send, the statement, and
    its rows when it returns any."""
    if begin is not None:
        raw.execute(begin)
    cursor = raw.execute(operation) if parameters is None else raw.execute(operation, parameters)
    return cursor, cursor.fetchall() if cursor.description else None


def _executemany_in_thread(
    raw: sqlite3.Connection, begin: str | None, operation: Any, seq_of_parameters: Any
) -> sqlite3.Cursor:
    if begin is not None:
        raw.execute(begin)
    return raw.executemany(operation, seq_of_parameters)


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, with one trip to aiosqlite's worker thread a statement.

    Each trip is a thread hand-off and a wake-up of the event loop (about 80 us of CPU on
    the benchmark machine). SQLAlchemy's cursor makes four per query (open a cursor,
    execute, fetch, close), three per write, and one more for the transaction's BEGIN; this
    one runs the pending BEGIN (`_OneTripConnection.begin_with_next`), the statement and
    the fetch of its rows in one trip, and never closes on the thread: a statement whose
    rows were all fetched, or that returns none, is already finished in SQLite, and the
    cursor object is freed with the result. Its description, rowcount and lastrowid are
    read from the sqlite3 cursor (plain attributes, no trip).
    """

    __slots__ = ()
    _adapt_connection: _OneTripConnection

    def __init__(self, adapt_connection: Any) -> None:
        # The base class opens a driver cursor here (a trip); execute() opens its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection.driver_connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        adapted = self._adapt_connection
        async with adapted._execute_mutex:
            driver = self._connection
            # aiosqlite's own dispatch (as SQLAlchemy's adapter uses it for its isolation
            # level): one function on the connection's thread.
            self._cursor, rows = await driver._execute(
                _execute_in_thread, driver._conn, adapted.take_begin(), operation, parameters
            )
            if rows is not None:
                self._rows = collections.deque(rows)
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        adapted = self._adapt_connection
        async with adapted._execute_mutex:
            driver = self._connection
            self._cursor = await driver._execute(
                _executemany_in_thread,
                driver._conn,
                adapted.take_begin(),
                operation,
                seq_of_parameters,
            )
        return None

    async def _async_soft_close(self) -> None:
        return None  # nothing left open on the thread (see the class docstring)

    def close(self) -> None:
        self._rows.clear()


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """The adapted connection; a transaction's BEGIN waits for its first statement."""

    __slots__ = ("_begin",)
    _cursor_cls = _OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None

    def begin_with_next(self, statement: str) -> None:
        self._begin = statement

    def take_begin(self) -> str | None:
        begin, self._begin = self._begin, None
        return begin

    def forget_begin(self) -> None:
        self._begin = None

    # A transaction whose BEGIN was never sent ran no statement: nothing to end, no trip.
    def commit(self) -> None:
        if self.take_begin() is None:
            super().commit()

    def rollback(self) -> None:
        if self.take_begin() is None:
            super().rollback()


class _OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite as SQLAlchemy adapts it, with `_OneTripCursor` for every statement."""

    def connect(self, *arg: Any, **kw: Any) -> _OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return _OneTripConnection(self, adapted.driver_connection)


class Database:
    """Owns the engine; hands out short-lived sessions and transactions."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 5000, echo: bool = False) -> None:
        self.url = make_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = self.url.database
            on_file = bool(database) and database != ":memory:"
            if on_file:
                Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
            # The driver's own timeout (seconds) must not undercut the busy timeout.
            kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
            if self.url.get_driver_name() == "aiosqlite":
                import aiosqlite

                kwargs["module"] = _OneTripDbapi(aiosqlite, sqlite3)
                kwargs["pool_reset_on_return"] = None  # _configure_sqlite's reset instead
            # Kept open, not only allowed: with SQLAlchemy's default of 5 kept, concurrent
            # updates beyond five opened overflow connections that were closed again on
            # return, each costing a thread, the file's opening and its PRAGMAs (the
            # uncapped intake with 50 owners opened ~150 in 20 s; keeping 30 cut the bot's
            # CPU per update by 5-10 %). An idle SQLite connection costs almost nothing.
            # (A database in memory has a pool of one connection, without these knobs.)
            if on_file:
                kwargs["pool_size"] = SQLITE_POOL_SIZE
                kwargs["max_overflow"] = SQLITE_POOL_OVERFLOW
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, busy_timeout_ms)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._write_sessionmaker = async_sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A read session; nothing is committed."""
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one short transaction, committed on success."""
        async with self._write_sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def write_connection(self) -> AsyncIterator[AsyncConnection]:
        """Like `transaction`, on a Core connection: for the statements every update runs
        (storing the inbox batch, committing the persisted state), which need none of the
        ORM session's bookkeeping (about a tenth of such a transaction's CPU)."""
        async with self._write_engine.begin() as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()
