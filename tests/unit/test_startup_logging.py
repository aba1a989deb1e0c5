"""Start-up logging in one place (bot/cli.py): libraries quiet unless LOG_LEVEL=DEBUG."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import LIBRARY_LOGGERS, NEVER_VERBOSE, configure_logging, startup_lines
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    names = (*LIBRARY_LOGGERS, *NEVER_VERBOSE)
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:], root.level = handlers, level
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


def test_libraries_log_warnings_only_by_default() -> None:
    configure_logging("INFO")
    assert logging.getLogger().level == logging.INFO
    for name in ("alembic", "apscheduler", "httpx", "telegram.ext"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name


def test_debug_lets_libraries_speak_but_never_the_token_carrying_http_log() -> None:
    configure_logging("debug")
    for name in ("alembic", "apscheduler", "telegram.ext"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.DEBUG, name
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING


def test_log_level_setting() -> None:
    assert Settings(_env_file=None, log_level="debug").log_level == "DEBUG"
    with pytest.raises(ValidationError):
        Settings(_env_file=None, log_level="chatty")


def test_start_lines_name_version_database_and_province_without_the_password() -> None:
    settings = Settings(
        _env_file=None,
        database_url="postgresql+asyncpg://rounaq:s3cret-pass@db.example:5432/rounaq",
        province="qom",
    )
    lines = startup_lines(settings)
    assert lines[0].startswith("Rounaq ")
    assert "database: postgresql+asyncpg://rounaq:***@db.example:5432/rounaq" in lines
    assert "province: qom" in lines
    assert not any("s3cret" in line for line in lines)


def test_the_license_is_an_spdx_string_that_setuptools_reads_without_warnings() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "MIT"
    # A plain string is PEP 639's form: setuptools >= 77 reads it; the TOML table that
    # older ones took is deprecated and was warned about four times per install.
    assert "setuptools>=77" in project["build-system"]["requires"]
