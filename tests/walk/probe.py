"""Cheap looks at the database from outside, for what the driver asks after every step:
is every stored update handled (and its notices sent, or tried once), and did the rows the
invariants read change.

Asked after every step (and the first many times while the bot works), so a look must
cost microseconds, not a pooled SQLAlchemy session: on SQLite a plain read-only sqlite3
connection in this thread (WAL: it never blocks the bot's writer), on PostgreSQL one
asyncpg connection kept open.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy.engine import make_url

# By the bot's id as well: the index is (bot_id, done_at), so this is a look into it,
# while done_at alone scanned every row the walk had stored (0.3 ms at 3,000 rows, about
# 37 looks a step, each blocking the loop the bot runs in).
UNDONE = "SELECT count(*) FROM update_inbox WHERE bot_id = {bot_id} AND done_at IS NULL"
# Notices queued and not yet tried (bot.outbox); one that was tried and waits (a 429's
# retry_after, a network error's backoff) is not waited for.
UNTRIED = (
    "SELECT count(*) FROM message_outbox WHERE bot_id = {bot_id} AND state = 'pending'"
    " AND attempts = 0"
)
# Changes whenever a report, an event, a unit or a user's phone is written (every status
# change adds an event), so the rows are read again only then.
VERSION = (
    "SELECT (SELECT max(id) FROM report_events), (SELECT count(*) FROM units),"
    " (SELECT count(*) FROM users WHERE phone IS NOT NULL)"
)


class Probe:
    def __init__(self, database_url: str, bot_id: int) -> None:
        self.url = make_url(database_url)
        self.undone_sql = UNDONE.format(bot_id=int(bot_id))
        self.untried_sql = UNTRIED.format(bot_id=int(bot_id))
        self._outbox: bool | None = None  # and an outbox of notices?
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None  # asyncpg.Connection
        self._inbox: bool | None = None  # does the bot keep a durable inbox table?

    async def _rows(self, sql: str) -> tuple[Any, ...]:
        if self.url.get_backend_name() == "sqlite":
            if self._sqlite is None:
                uri = f"file:{self.url.database}?mode=ro"
                self._sqlite = sqlite3.connect(uri, uri=True, isolation_level=None)
            return tuple(self._sqlite.execute(sql).fetchone())
        if self._pg is None:
            import asyncpg

            dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._pg = await asyncpg.connect(dsn)
        return tuple(await self._pg.fetchrow(sql))

    async def undone(self) -> bool:
        """Stored updates whose handling has not committed yet, or notices not yet tried."""
        if self._inbox is False:
            return False
        # None: no durable inbox in this version of the bot.
        count = await self._count(self.undone_sql, "update_inbox")
        self._inbox = count is not None
        if count or not self._inbox or self._outbox is False:
            return bool(count)
        # None: this version of the bot sends its notices inline.
        untried = await self._count(self.untried_sql, "message_outbox")
        self._outbox = untried is not None
        return bool(untried)

    async def _count(self, sql: str, table: str) -> int | None:
        """The count `sql` reads, or None when the database has no such `table`."""
        try:
            (count,) = await self._rows(sql)
        except Exception as exc:
            if table not in str(exc):
                raise
            return None
        return int(count)

    async def sees_the_bot(self) -> bool:
        """Whether the bot's stored updates are where `undone` looks (asked once an update
        was handled): under a wrong bot id `undone` would never wait."""
        if self._inbox is False:
            return True
        (count,) = await self._rows(self.undone_sql.replace(" AND done_at IS NULL", ""))
        return bool(count)

    async def version(self) -> tuple[Any, ...]:
        return await self._rows(VERSION)

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pg is not None:
            await self._pg.close()
            self._pg = None
