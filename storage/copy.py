"""Copy one database into another (a province outgrowing SQLite moves to PostgreSQL).

Every table of the models, parents before children, in batches; then PostgreSQL's id
sequences are moved past the copied ids, and each table is verified by its row count and
an order-independent checksum of its normalised rows on both sides. Stop the bot first:
rows written during the copy would make the check fail (and would be missed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, delete, func, insert, select, text

from storage import migrate
from storage.all_models import metadata
from storage.db import Database

CHECKSUM_MODULUS = 2**256


class CopyError(Exception):
    """The copy was refused or could not be done; the message says why."""


@dataclass(frozen=True, slots=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return (self.source_rows, self.source_checksum) == (
            self.target_rows,
            self.target_checksum,
        )


@dataclass(frozen=True, slots=True)
class CopyReport:
    tables: tuple[TableCheck, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)


def tables_in_dependency_order() -> list[Table]:
    return list(metadata.sorted_tables)


def normalise(value: Any) -> Any:
    """One spelling per value, whichever database it came from."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def row_digest(row: Mapping[Any, Any]) -> int:
    canonical = json.dumps(
        [[str(name), normalise(row[name])] for name in sorted(row, key=str)],
        ensure_ascii=False,
        default=str,
    )
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest(), "big")


async def table_summary(database: Database, table: Table) -> tuple[int, str]:
    """(row count, checksum): the sum of the rows' SHA-256 digests, so order does not matter
    and a duplicated row does not cancel out (as it would with XOR)."""
    total, count = 0, 0
    async with database.engine.connect() as connection:
        result = await connection.stream(select(table))
        async for partition in result.mappings().partitions(1000):
            for row in partition:
                total = (total + row_digest(row)) % CHECKSUM_MODULUS
                count += 1
    return count, f"{total:064x}"


async def current_heads(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        heads = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_heads()
        )
    return set(heads)


async def _row_counts(database: Database, tables: Sequence[Table]) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with database.session() as session:
        for table in tables:
            counts[table.name] = int(
                await session.scalar(select(func.count()).select_from(table)) or 0
            )
    return counts


async def _copy_table(source: Database, target: Database, table: Table, batch_size: int) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    copied = 0
    async with source.engine.connect() as reader, target.transaction() as writer:
        result = await reader.stream(select(table).order_by(*order))
        async for partition in result.mappings().partitions(batch_size):
            await writer.execute(insert(table), [dict(row) for row in partition])
            copied += len(partition)
    return copied


async def _reset_sequences(target: Database, tables: Sequence[Table]) -> None:
    """Move each serial id's sequence past the copied ids (PostgreSQL only: explicit ids
    do not advance a sequence, so the next insert would collide)."""
    if target.dialect != "postgresql":
        return
    async with target.transaction() as session:
        for table in tables:
            column = table.autoincrement_column
            if column is None:
                continue
            await session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                    f'COALESCE(MAX("{column.name}"), 1), MAX("{column.name}") IS NOT NULL) '
                    f'FROM "{table.name}"'
                ),
                {"table": table.name, "column": column.name},
            )


async def copy_database(
    source_url: str,
    target_url: str,
    *,
    force: bool = False,
    batch_size: int = 1000,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every table from source to target and verify; see the module docstring."""
    source, target = Database(source_url), Database(target_url)
    try:
        expected = set(migrate.head_revisions())
        found = await current_heads(source)
        if found != expected:
            raise CopyError(
                f"the source is at revision {sorted(found) or 'none'}, this version expects "
                f"{sorted(expected)}: start this version of the bot on it once first"
            )
        await migrate.upgrade(target)
        tables = tables_in_dependency_order()
        occupied = {k: v for k, v in (await _row_counts(target, tables)).items() if v}
        if occupied and not force:
            listing = ", ".join(f"{name} ({rows})" for name, rows in sorted(occupied.items()))
            raise CopyError(f"the target is not empty: {listing}; use --force to replace it")
        if occupied:
            async with target.transaction() as session:
                for table in reversed(tables):
                    await session.execute(delete(table))
        for table in tables:
            copied = await _copy_table(source, target, table, batch_size)
            if progress is not None:
                progress(table.name, copied)
        await _reset_sequences(target, tables)
        checks = []
        for table in tables:
            source_rows, source_sum = await table_summary(source, table)
            target_rows, target_sum = await table_summary(target, table)
            checks.append(TableCheck(table.name, source_rows, target_rows, source_sum, target_sum))
        return CopyReport(tuple(checks))
    finally:
        await source.dispose()
        await target.dispose()
