"""A button in the agency's group that asks for text, pressed by someone the bot cannot
write to yet: an alert tells them to open a private chat first, nothing is recorded, and
the same press works once they have. Over HTTP, the emulator refusing the bot's message
as Telegram does (403: the bot can't initiate a conversation)."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.expect import FA, T1, saying, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.workflow_kit import Cast, alerts, event_kinds, only_report, services_of
from tests.people import Person

GROUP = -1001234567001
NEWCOMER = 7301  # an officer of the agency who never opened the bot


async def test_a_group_button_asking_for_text_sends_a_stranger_to_the_private_chat(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    services = services_of(app)
    smt = services.directory.agency_by_code("smt")
    assert smt is not None
    newcomer = Person(emulator, emulator.add_user(NEWCOMER, "Nima", started=False))
    # Known from the group (where they wrote) and made an officer by an admin there.
    await services.users.touch(NEWCOMER, first_name="Nima", last_name=None, username=None)
    await services.users.grant(NEWCOMER, Role.OFFICER, agency_id=smt.id)
    emulator.add_group(GROUP, "کارشناسان صمت", members=[cast.admin.id, NEWCOMER])
    await emulator.send_text(cast.admin.id, "/admin group smt", chat_id=GROUP)
    await emulator.wait_for_message(GROUP, saying("admin.group_bound"))
    await register_unit(app, cast.owner)
    await submit_by_chat(cast.owner)
    posted = await emulator.wait_for_message(GROUP, saying("agency.new_report"))
    # Accepting needs no text: it works from the group for anyone of the agency.
    await emulator.press(NEWCOMER, posted, FA.t("workflow.btn_acc"))
    posted = await emulator.wait_for_message(GROUP, saying("workflow.by_accepted"))

    query = await emulator.press(NEWCOMER, posted, FA.t("workflow.btn_note"))
    answer = await emulator.wait_for_answer(query)
    assert answer.show_alert
    assert alerts(emulator, NEWCOMER) == [FA.t("workflow.open_private")]
    assert emulator.messages(NEWCOMER) == []
    report = await only_report(app)
    assert "note" not in await event_kinds(app, report.id)

    # Started in private, the same button on the same group message asks there.
    await newcomer.say("/start")
    query = await emulator.press(NEWCOMER, posted, FA.t("workflow.btn_note"))
    answer = await emulator.wait_for_answer(query)
    assert not answer.show_alert
    asked = await emulator.wait_for_message(NEWCOMER, saying("workflow.ask_note", number=T1))
    assert "/cancel" in asked.text
    done = await newcomer.say("انبار مواد اولیه بازدید شد.")
    assert says(done.text, "workflow.done_note")
    assert "note" in await event_kinds(app, report.id)
