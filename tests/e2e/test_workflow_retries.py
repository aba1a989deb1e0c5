"""A send fails after an action was committed: the retried update repeats the messages,
not the action. Through the emulator, with the Bot API answering 429."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from tests.e2e.expect import FA_P, fa, piece, says
from tests.e2e.test_hq_flow import run_deadline_job
from tests.e2e.workflow_kit import Cast, officers_card


async def test_429_after_accept_still_tells_the_owner_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    owner, officer = cast.owner, cast.officer
    view = await officers_card(app, cast)
    # The next seven messages are refused with 429: more than the rate limiter's own five
    # retries, so the owner's notice (sent after the commit) fails and the whole update is
    # handled again.
    emulator.fail_method("sendMessage", 429, retry_after=1, times=7)
    await officer.press_only(view, "پذیرش")
    # The officer's card is redrawn in place (issue 11, item 11), once.
    await emulator.wait_until(lambda: fa("status.in_progress") in view.text, timeout=30)
    number = FA_P.tracking(1405, 1)
    assert number in view.text
    accepted = piece("notify.owner_accepted")
    notice = await owner.next(accepted, wait=30)
    assert says(notice.text, "notify.owner_accepted", number=number)
    assert emulator.stats.errors["sendMessage"] >= 1
    # Nothing says "not possible now"; the owner is told once.
    assert not [t for t in officer.texts() if fa("workflow.error_not_now") in t]
    assert len([t for t in owner.texts() if accepted in t]) == 1


async def test_a_reminder_refused_by_the_bot_api_is_sent_on_the_next_run(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock, report: ReportDTO
) -> None:
    """The deadline step commits, the reminder's send gets 429: the next run delivers it."""
    clock.set(report.due_at + timedelta(minutes=1))
    fault = emulator.fail_method("sendMessage", 429, retry_after=1)
    await run_deadline_job(app)
    assert emulator.stats.errors["sendMessage"] >= 1
    overdue = piece("notify.agency_overdue")
    assert not [t for t in cast.officer.texts() if overdue in t]
    emulator.clear_faults()
    del fault
    clock.advance(timedelta(minutes=10))
    await run_deadline_job(app)
    reminder = await cast.officer.next(overdue)
    assert says(reminder.text, "notify.agency_overdue", number=FA_P.tracking(1405, 1))
    await run_deadline_job(app)  # delivered once: the outbox row is marked sent
    assert len([t for t in cast.officer.texts() if overdue in t]) == 1
