"""Fixtures: a running emulator with two users."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import BotApiEmulator, RateLimits
from tests.emulator.emu_helpers import ALI, SARA, TOKEN


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(TOKEN, rate_limits=RateLimits())
    emulator.add_user(ALI, "علی", username="ali", persona="Owner")
    emulator.add_user(SARA, "Sara", username="sara", language_code="en", persona="Officer")
    async with emulator:
        yield emulator
