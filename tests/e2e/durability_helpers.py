"""Shared steps for the durability and fault tests: the cast, a registered owner, counting
effects. The report conversation itself is in tests.e2e.report_steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.container import Services
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.models import Report, Unit
from tests.e2e.test_report_flow import owner_registered
from tests.people import Person


def cast_of(emulator: BotApiEmulator) -> tuple[Person, Person]:
    """The owner and an SMT officer (ids as in tests/conftest.py's people)."""
    owner = Person(emulator, emulator.add_user(1001, "رضا", username="reza"))
    officer = Person(emulator, emulator.add_user(2001, "مریم", username="maryam"))
    return owner, officer


@asynccontextmanager
async def bot_with_owner(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> AsyncIterator[tuple[RounaqApp, Person, Person]]:
    """The bot running in this process, the SMT officer made and the owner's unit registered
    over the chat; yields the app, the owner and the officer."""
    owner, officer = cast_of(emulator)
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        await owner_registered(app, owner, officer)
        yield app, owner, officer


async def count(services: Services, model: type[Report] | type[Unit]) -> int:
    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def texts_with(person: Person, fragment: str) -> list[str]:
    return [t for t in person.texts() if fragment in t]
