"""Fixtures for the hardening suites: per-module settings overrides and an error trap."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import Settings

PERSIAN_LETTERS = re.compile("[\u0600-\u06ff]")
GENERIC_ERROR = "خطایی پیش آمد"


def clear(text: str) -> bool:
    """An answer a person can act on: not empty, not the generic apology, in Persian."""
    return bool(text.strip()) and GENERIC_ERROR not in text and bool(PERSIAN_LETTERS.search(text))


def unhandled(label: str, records: list[logging.LogRecord]) -> list[str]:
    """The failure for errors no handler caught since the last look; the trap is emptied."""
    if not records:
        return []
    found = [f"{label}: unhandled error\n{describe(records)}"]
    records.clear()
    return found


def judged(label: str, text: str, records: list[logging.LogRecord]) -> list[str]:
    """What is wrong with one answer: unclear wording, and errors no handler caught."""
    unclear = [] if clear(text) else [f"{label}: unclear answer {text[:80]!r}"]
    return unclear + unhandled(label, records)


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """``@pytest.mark.settings(max_reports_per_day=1)`` changes settings for one test."""
    marker = request.node.get_closest_marker("settings")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
def settings(settings: Settings, settings_overrides: dict[str, Any]) -> Settings:
    return settings.model_copy(update=settings_overrides) if settings_overrides else settings


@pytest.fixture
def unhandled_errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """ERROR records from any logger (the error handler's first of all), as they happen.

    Tests assert this is empty at the end: every odd input must be answered by design,
    never by the error handler's generic apology.
    """
    caplog.set_level(logging.WARNING)
    records: list[logging.LogRecord] = []

    class _Trap(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                records.append(record)

    trap = _Trap()
    root = logging.getLogger()
    root.addHandler(trap)
    yield records
    root.removeHandler(trap)


def describe(records: list[logging.LogRecord]) -> str:
    return "\n".join(
        f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
        for r in records
    )
