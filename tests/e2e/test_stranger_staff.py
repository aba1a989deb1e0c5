"""Defects found on a stranger's pass over the staff side (agency officers, officials,
admins), each pinned by what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import EN, FA, FA_P, labels, says
from tests.e2e.workflow_kit import Cast


async def test_progress_with_a_program_number_opens_that_program(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an SMT officer typed "/progress ۳" (as /editprogram and /status take a
    number) and was asked "which program's progress are you reporting?" over the list of
    all eighteen of the agency's programs: the number was dropped without a word. The
    lending banks' officer typed "/progress 3", a program that is not theirs, and got
    their own list with nothing said about 3. A number of theirs opens that program; any
    other is named above the list."""
    asked = await cast.officer.say("/progress ۳")
    assert says(asked.text, "programs.ask_percent", number=FA_P.plain_int(3))
    assert "احیای واحدهای راکد و تعطیل" in asked.text
    assert asked.buttons == []
    noted = await cast.officer.say("۴۰")
    assert noted.text == FA.t("programs.ask_note")

    refused = await cast.bank_officer.say("/progress 3")
    assert refused.text.split("\n") == [
        EN.t("programs.not_agency_program", text="3"),
        EN.t("programs.choose_program"),
    ]
    assert "27." in labels(refused)
    assert FA.t("programs.choose_program") not in refused.text
