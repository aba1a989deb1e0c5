"""`rounaq copy-db`: a province's SQLite database copied into another database, verified."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select, update

from bot.cli import main
from bot.clock import ManualClock
from bot.container import build_services
from bot.persistence import DatabasePersistence
from bot.services.reports import Attachment, ReportDraft
from bot.settings import Settings
from storage.copy import table_summary, tables_in_dependency_order
from storage.db import Database
from storage.models import ReportEvent, Role, Unit
from tests.services_kit import licensed_unit

START = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
BOT_ID = 987654321


def settings_for(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url)


async def fill(url: str, reports: int) -> None:
    """A province at work: units, reports with history and files, roles, a conversation."""
    clock = ManualClock(START)
    services = await build_services(settings_for(url), clock=clock)
    try:
        directory = services.directory
        for owner in (1001, 1002, 2001):
            await services.users.touch(owner, first_name="مالک", last_name=None, username=None)
        # Every agency has its officer: no report goes to the HQ for want of one.
        for agency in directory.agencies:
            await services.users.grant(2001, Role.OFFICER, agency_id=agency.id)
        unit = await services.units.register(
            1001,
            licensed_unit(directory, "فرش کاشان «نمونه»", "989120000000"),
            update_id=7,
        )
        for i in range(reports):
            clock.advance(timedelta(hours=3))  # under the daily limit
            await services.reports.submit(
                1001,
                ReportDraft(
                    unit_id=unit.id,
                    category_id=directory.categories[i % len(directory.categories)].id,
                    description=f"گزارش شمارهٔ {i} — تأمین مواد اولیه متوقف است",
                    amount_rials=(i + 1) * 10**9 if i % 2 else None,
                    attachments=(Attachment("photo", f"file-{i}", f"uniq-{i}", size=1234),),
                ),
                update_id=1000 + i,
            )
        persistence = DatabasePersistence(services.database, BOT_ID)
        await persistence.update_user_data(1001, {"lang": "fa", "report_draft": {"unit_id": 1}})
        await persistence.update_conversation("report", (1001, 1001), 3)
        persistence.mark_handled(555)
        await persistence.commit()
    finally:
        await services.close()


async def counts(url: str) -> dict[str, int]:
    database = Database(url)
    try:
        result = {}
        for table in tables_in_dependency_order():
            result[table.name] = (await table_summary(database, table))[0]
        return result
    finally:
        await database.dispose()


@pytest.fixture
def source(tmp_path: Path, sqlite_template: Path) -> str:
    """A SQLite province to copy from: migrated and loaded (the session's template)."""
    path = tmp_path / "province.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


def test_copy_sqlite_into_a_fresh_database_and_keep_working(
    source: str, empty_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = empty_database_url
    asyncio.run(fill(source, reports=25))

    assert main(["copy-db", "--from", source, "--to", database_url, "--batch-size", "7"]) == 0
    out = capsys.readouterr().out
    assert "MISMATCH" not in out
    assert "verified" in out
    copied = asyncio.run(counts(database_url))
    assert copied == asyncio.run(counts(source))
    assert copied["reports"] == 25
    assert copied["report_events"] == 50
    assert copied["bot_state"] == 2

    async def keeps_working() -> None:
        # New rows get fresh ids on the target: PostgreSQL's sequences were moved on.
        services = await build_services(
            settings_for(database_url), clock=ManualClock(START + timedelta(days=30))
        )
        try:
            async with services.database.session() as session:
                unit_id = await session.scalar(select(Unit.id))
            assert unit_id is not None
            submission = await services.reports.submit(
                1001,
                ReportDraft(
                    unit_id=unit_id,
                    category_id=services.directory.categories[0].id,
                    description="پس از انتقال به پایگاه دادهٔ تازه",
                ),
                update_id=99_999,
            )
            assert submission.report.id == 26
            assert submission.report.seq == 26  # the tracking sequence continues too
            persistence = DatabasePersistence(services.database, BOT_ID)
            assert await persistence.get_conversations("report") == {(1001, 1001): 3}
            assert await persistence.already_handled(555)
        finally:
            await services.close()

    asyncio.run(keeps_working())


def test_a_non_empty_target_is_refused_unless_forced(
    source: str, empty_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = empty_database_url
    asyncio.run(fill(source, reports=3))
    assert main(["copy-db", "--from", source, "--to", database_url]) == 0
    capsys.readouterr()

    assert main(["copy-db", "--from", source, "--to", database_url]) == 1
    assert "not empty" in capsys.readouterr().err
    assert asyncio.run(counts(database_url))["reports"] == 3

    asyncio.run(fill(source, reports=2))  # the source grew: units and reports added
    assert main(["copy-db", "--from", source, "--to", database_url, "--force"]) == 0
    assert asyncio.run(counts(database_url)) == asyncio.run(counts(source))


def test_the_checksum_sees_a_changed_row_but_not_the_row_order(tmp_path: Path) -> None:
    first = f"sqlite+aiosqlite:///{tmp_path / 'a.sqlite3'}"
    second = f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite3'}"
    asyncio.run(fill(first, reports=4))
    assert main(["copy-db", "--from", first, "--to", second]) == 0

    async def summaries() -> tuple[tuple[int, str], tuple[int, str]]:
        a, b = Database(first), Database(second)
        try:
            table = ReportEvent.__table__
            assert isinstance(table, Table)  # declared as FromClause; a mapped class has a Table
            return await table_summary(a, table), await table_summary(b, table)
        finally:
            await a.dispose()
            await b.dispose()

    async def tamper() -> None:
        database = Database(second)
        try:
            async with database.transaction() as session:
                # Same rows in another physical order: delete and re-insert the first one.
                table = ReportEvent.__table__
                assert isinstance(table, Table)
                row = (await session.execute(select(table).limit(1))).mappings().one()
                await session.execute(table.delete().where(ReportEvent.id == row["id"]))
                await session.execute(table.insert().values(**row))
        finally:
            await database.dispose()

    asyncio.run(tamper())
    original, reordered = asyncio.run(summaries())
    assert original == reordered

    async def change_one_character() -> None:
        database = Database(second)
        try:
            async with database.transaction() as session:
                await session.execute(
                    update(ReportEvent).where(ReportEvent.id == 3).values(kind=func.upper("x"))
                )
        finally:
            await database.dispose()

    asyncio.run(change_one_character())
    original, changed = asyncio.run(summaries())
    assert original[0] == changed[0]
    assert original[1] != changed[1]


def test_a_source_on_an_older_revision_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage import migrate

    source = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"

    async def old_database() -> None:
        database = Database(source)
        try:
            await migrate.upgrade(database, "0001")
        finally:
            await database.dispose()

    asyncio.run(old_database())
    target = f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}"
    assert main(["copy-db", "--from", source, "--to", target]) == 1
    assert "start this version of the bot on it once" in capsys.readouterr().err
