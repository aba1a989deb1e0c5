"""Every demo person can play their part: the roles bot.demo grants open their commands."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.demo import PERSONAS, _grant_personas
from emulator import BotApiEmulator
from tests.e2e.workflow_kit import file_report, services_of
from tests.people import Person

DENIED = "شما به این بخش دسترسی ندارید."
# What each demo person comes to do, by user id.
PARTS: dict[int, list[str]] = {
    1001: ["/myreports", "/report"],
    2001: ["/inbox", "/decisions"],
    2002: ["/inbox", "/decisions"],
    3001: ["/decisions", "/laws"],
    5001: ["/agenda", "/decisions", "/laws"],
    4001: ["/admin", "/routing"],
}


async def test_demo_personas_play_their_parts(app: RounaqApp, emulator: BotApiEmulator) -> None:
    people = {
        p.user_id: Person(emulator, emulator.add_user(p.user_id, p.first_name, persona=p.label))
        for p in PERSONAS
    }
    await _grant_personas(services_of(app))
    assert set(people) == set(PARTS)
    for user_id, commands in PARTS.items():
        for command in commands:
            reply = await people[user_id].say(command)
            assert reply.text != DENIED, (user_id, command)

    # A report from the owner reaches the SMT officer's inbox, then the HQ's agenda.
    await file_report(app, people[1001], "raw_materials")
    inbox = await people[2001].say("/inbox")
    opened = await people[2001].press(inbox, "۱۴۰۵-۰۰۰۱")
    await people[2001].press(opened, "ارجاع به ستاد")
    await people[2001].say("ریشهٔ مشکل سهمیهٔ ارزی است و در اختیار استان نیست.")
    notice = await people[5001].next("به ستاد ارجاع شد")
    assert "۱۴۰۵-۰۰۰۱" in notice.text
    agenda = await people[5001].say("/agenda")
    assert "☐ ۱۴۰۵-۰۰۰۱" in agenda.button_texts
    # ...and the bank officer sees nothing of SMT's.
    bank_inbox = await people[2002].say("/inbox")
    assert "۱۴۰۵-۰۰۰۱" not in bank_inbox.text
