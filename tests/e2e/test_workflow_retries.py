"""A send fails after an action was committed: the retried update repeats the messages,
not the action, and queues its notices once. Through the emulator, with the Bot API
answering 429."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import FA_P, fa, piece, says
from tests.e2e.workflow_kit import Cast, officers_card


async def test_429_after_accept_still_tells_the_owner_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    owner, officer = cast.owner, cast.officer
    view = await officers_card(app, cast)
    # The officer's card is redrawn in place after the action's commit; the next seven
    # redraws are refused with 429: more than the rate limiter's own five retries, so the
    # whole update is handled again, and renders the owner's notice again.
    emulator.fail_method("editMessageText", 429, retry_after=1, times=7)
    await officer.press_only(view, "پذیرش")
    # The officer's card is redrawn in place (issue 11, item 11), once.
    await emulator.wait_until(lambda: fa("status.in_progress") in view.text, timeout=30)
    number = FA_P.tracking(1405, 1)
    assert number in view.text
    accepted = piece("notify.owner_accepted")
    notice = await owner.next(accepted, wait=30)
    assert says(notice.text, "notify.owner_accepted", number=number)
    assert emulator.stats.too_many_requests["editMessageText"] == 7
    # Nothing says "not possible now"; the owner is told once.
    assert not [t for t in officer.texts() if fa("workflow.error_not_now") in t]
    assert len([t for t in owner.texts() if accepted in t]) == 1
