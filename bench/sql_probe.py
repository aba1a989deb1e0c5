"""`python -m bench.sql_probe ARGS...`: the bot (`python -m bot ARGS`), with every SQL
statement and transaction boundary it runs appended to the file named by SQL_PROBE_LOG.

One line per event: ``B`` begin, ``S <statement>``, ``C`` commit, ``R`` rollback, and ``T``
for each trip to aiosqlite's worker thread (each costs a thread hand-off and a wake-up
of the event loop; counted by wrapping aiosqlite's one dispatch method, bench only). The
listeners are set on SQLAlchemy's Engine class, so they see every engine the bot builds
without the bot knowing it is observed (bench.statements reads the file).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def install(path: str) -> None:
    log = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 -- open for the run

    def write(line: str) -> None:
        log.write(line.replace("\n", " ")[:160] + "\n")

    @event.listens_for(Engine, "begin")
    def _begin(_conn: Any) -> None:
        write("B")

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(*args: Any) -> None:
        write("S " + " ".join(str(args[2]).split()))

    @event.listens_for(Engine, "commit")
    def _commit(_conn: Any) -> None:
        write("C")

    @event.listens_for(Engine, "rollback")
    def _rollback(_conn: Any) -> None:
        write("R")

    _count_trips(write)


def _count_trips(write: Any) -> None:
    import aiosqlite

    dispatch: Any = aiosqlite.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        write("T " + getattr(fn, "__qualname__", repr(fn)))
        return await dispatch(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]


if __name__ == "__main__":
    install(os.environ["SQL_PROBE_LOG"])
    from bot.cli import main

    raise SystemExit(main(sys.argv[1:]))
