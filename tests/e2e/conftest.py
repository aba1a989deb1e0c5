"""Fixtures of the workflow tests: the whole cast, with their roles and languages."""

from __future__ import annotations

import pytest

from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.workflow_kit import Cast, make_cast
from tests.people import Person


@pytest.fixture
async def cast(app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]) -> Cast:
    return await make_cast(app, emulator, people)
