"""Fixtures of the workflow tests: the whole cast, with their roles and languages."""

from __future__ import annotations

import pytest

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from tests.e2e.workflow_kit import Cast, file_report, make_cast
from tests.people import Person


@pytest.fixture
async def cast(app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]) -> Cast:
    return await make_cast(app, emulator, people)


@pytest.fixture
async def report(app: RounaqApp, cast: Cast) -> ReportDTO:
    """The owner's raw-materials report, 1405-0001, filed through the service at the clock's
    start (a Saturday) and routed to SMT."""
    return await file_report(app, cast.owner, "raw_materials")
