"""The broadcast survives a stop in the middle and downtime over its time: nobody twice,
nobody skipped. Two applications in turn on one database, as after a restart."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.models_digest import DigestDelivery
from tests.e2e.digest_world import (
    SATURDAY_0930,
    make_official,
    runner,
    tehran,
    thursdays_report,
)
from tests.e2e.workflow_kit import services_of

HEADER = "گزارش روزانهٔ رونق"
OWNER = 1001


def digest_count(emulator: BotApiEmulator, chat_id: int) -> int:
    return sum(HEADER in m.text for m in emulator.messages(chat_id))


async def test_a_crash_mid_broadcast_is_completed_by_the_next_start_exactly_once(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    readers = [emulator.add_user(7000 + i, f"مقام {i}") for i in range(40)]
    emulator.add_user(OWNER, "رضا")
    # Slow enough that the stop lands in the middle (40 messages take 4 s at 10/s).
    slow = settings.model_copy(update={"digest_rate_per_second": 10.0})

    async with running_bot(slow, clock=clock, poll_timeout=1) as app:
        services = services_of(app)
        for user in readers:
            await make_official(services, user.id, user.first_name)
        await thursdays_report(services, clock, OWNER, "tax")
        clock.set(SATURDAY_0930)
        # Each message takes Telegram 0.3 s to accept, so at any moment a few are in
        # flight: the stop below always lands between a send and its answer.
        emulator.delay_method("sendMessage", 0.3)
        runner(app).trigger()
        await emulator.wait_until(lambda: emulator.stats.calls["sendMessage"] >= 12, timeout=10)
        # Leaving the block stops the application: the broadcast task is cancelled with
        # requests on the wire, as a shutdown would.
    emulator.clear_faults()
    first = {u.id: digest_count(emulator, u.id) for u in readers}
    assert 12 <= sum(first.values()) < len(readers)
    assert max(first.values()) == 1

    async with running_bot(slow, clock=clock, poll_timeout=1) as app:
        # The start-up catch-up resumes the day's pending rows.
        await runner(app).wait()
        async with services_of(app).database.session() as session:
            states = dict(
                (
                    await session.execute(
                        select(DigestDelivery.state, func.count()).group_by(DigestDelivery.state)
                    )
                ).all()
            )
    assert {u.id: digest_count(emulator, u.id) for u in readers} == {u.id: 1 for u in readers}
    assert states == {"sent": len(readers)}


async def test_a_missed_time_is_sent_once_when_the_bot_comes_back(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    official = emulator.add_user(3001, "سارا")
    emulator.add_user(OWNER, "رضا")
    clock.set(tehran(2026, 11, 28, 7, 0))  # Saturday, before the 08:00 digest

    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        services = services_of(app)
        await make_official(services, official.id, "سارا")
        await thursdays_report(services, clock, OWNER, "tax")
        clock.set(tehran(2026, 11, 28, 7, 0))
        runner(app).trigger()  # too early: nothing is due yet
        await runner(app).wait()
    assert digest_count(emulator, official.id) == 0

    # Down over 08:00; back at 11:00: the missed digest goes out at start-up.
    clock.set(tehran(2026, 11, 28, 11, 0))
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        await runner(app).wait()
    assert digest_count(emulator, official.id) == 1

    # Another restart the same day does not send it again.
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        await runner(app).wait()
    assert digest_count(emulator, official.id) == 1
