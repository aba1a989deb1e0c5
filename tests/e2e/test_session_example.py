"""The example in the session's date question is a date the bot takes.

Seen: after ten in the morning (Tehran), "New session" asked for a date "like
۱۴۰۵/۰۹/۱۲ ۱۰:۰۰", today's; written exactly so, it was refused as a time gone by.
The example is tomorrow now, in the question and in the correction alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import FA_P, fa, says
from tests.e2e.workflow_kit import Cast


async def test_the_example_date_written_as_shown_is_taken(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))  # 15:30 in Tehran
    hq = cast.secretariat
    listing = await hq.say("/session")
    asked = await hq.press(listing, fa("sessions.btn_new"))
    example = FA_P.short_date(clock.now() + timedelta(days=1))
    assert says(asked.text, "sessions.ask_when", example=example), asked.text
    wrong = await hq.say("فردا")
    assert says(wrong.text, "sessions.bad_when", example=example), wrong.text
    taken = await hq.say(f"{example} ۱۰:۰۰")
    assert says(taken.text, "sessions.ask_place"), taken.text
