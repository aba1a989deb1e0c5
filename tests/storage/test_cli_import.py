"""`rounaq import-loans FILE`: the same all-or-nothing import, from the command line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from storage.db import Database
from storage.models_loans import LoanFacility
from tests.loan_files import make_csv, make_xlsx, rows_with


def count_rows(url: str) -> int:
    async def run() -> int:
        database = Database(url)
        try:
            async with database.session() as session:
                return int(
                    await session.scalar(select(func.count()).select_from(LoanFacility)) or 0
                )
        finally:
            await database.dispose()

    return asyncio.run(run())


def test_import_loans_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    broken = tmp_path / "bad.csv"
    row = ("۹", "الف", "ملی", "", "", "صفر", "ثابت", "پرداخت‌شده", "1398/01/01")
    broken.write_bytes(make_csv(rows_with(row)))
    assert main(["import-loans", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "فایل وارد نشد" in out
    assert "ردیف ۸: مبلغ معتبر نیست «صفر»" in out
    assert "<b>" not in out  # plain text on a terminal
    assert count_rows(url) == 0
    good = tmp_path / "melli.xlsx"
    good.write_bytes(make_xlsx(rows_with()))
    assert main(["import-loans", str(good), "--by", "4001"]) == 0
    assert "فایل وارد شد: ۴ ردیف" in capsys.readouterr().out
    assert count_rows(url) == 4
