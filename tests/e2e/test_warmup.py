"""The loans figures are warmed at start-up in the background; a stop cancels the warm-up."""

from __future__ import annotations

import asyncio

from bot.clock import ManualClock
from bot.runtime import running_bot
from bot.settings import Settings
from bot.state import runtime_of
from bot.warmup import Warmer
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.digest_world import THURSDAY, ensure_user, file_report, unit_for
from tests.e2e.expect import saying
from tests.e2e.workflow_kit import services_of
from tests.loan_files import make_csv, rows_with
from tests.people import Person


async def test_the_warm_up_after_a_restart_caches_the_loans_and_stats_stays_right(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    # A province with reports and an imported loans list, left by a bot that stopped.
    async with running_bot(settings, clock=clock, poll_timeout=1) as first:
        services = services_of(first)
        await ensure_user(services, 3001, "سارا")
        await services.users.grant(3001, Role.OFFICIAL)
        unit = await unit_for(services, 1001, "فرش")
        for _ in range(3):
            await file_report(services, clock, 1001, unit, "raw_materials", THURSDAY)
        assert (
            await services.loans.import_file(make_csv(rows_with()), "a.csv", imported_by=None)
        ).imported

    warm = settings.model_copy(update={"warm_figures_on_start": True})
    async with running_bot(warm, clock=clock, poll_timeout=1) as app:
        services = services_of(app)
        warmer = runtime_of(app).warmer
        assert isinstance(warmer, Warmer)
        await warmer.wait()
        overview = services.loans.cached()
        assert overview is not None
        assert overview.paid_count == 3
        # /stats has nothing to warm any more: it reads the figures kept on write.
        # The official's daily digest, owed since the morning, may arrive first (the
        # start catches it up): the answer is the message that gives the total.
        official = Person(emulator, emulator.add_user(3001, "سارا"))
        await emulator.send_text(official.id, "/stats")
        await emulator.wait_for_message(official.id, saying("stats.total", count=3))


async def test_a_stop_during_the_warm_up_cancels_it_at_once() -> None:
    started, never = asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        started.set()
        await never.wait()  # an aggregation that would take minutes

    warmer = Warmer(slow)
    task = warmer.start()
    await started.wait()
    await asyncio.wait_for(warmer.stop(), timeout=2)
    assert task.cancelled()
    assert warmer.done


async def test_a_failing_warm_up_leaves_the_cache_cold_and_the_bot_up() -> None:
    async def broken() -> None:
        raise RuntimeError("database gone")

    warmer = Warmer(broken)
    await asyncio.wait_for(warmer.start(), timeout=2)  # logged, not raised
    assert warmer.done


async def test_the_bot_stops_cleanly_right_after_starting_with_the_warm_up(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    warm = settings.model_copy(update={"warm_figures_on_start": True})
    async with running_bot(warm, clock=clock, poll_timeout=1) as app:
        warmer = runtime_of(app).warmer
    assert warmer is not None  # warm_figures_on_start makes one
    assert warmer.done  # finished or cancelled by the stop hook, never left running
