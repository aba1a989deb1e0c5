"""The owner's name and phone reach the responsible agency and the HQ, and no one else.
Over HTTP (issue 11, item 12)."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.i18n import get_translator
from emulator import BotApiEmulator
from tests.e2e.expect import FA, saying
from tests.e2e.owner_kit import PHONE, register_unit, submit_by_chat
from tests.e2e.workflow_kit import Cast

EN = get_translator("en")
GROUP = -1001234567890


async def test_phone_visibility_matrix(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer, admin = cast.owner, cast.officer, cast.admin
    emulator.add_group(GROUP, "کارشناسان صمت", members=[officer.id, admin.id])
    await emulator.send_text(admin.id, "/admin group smt", chat_id=GROUP)
    await emulator.wait_for_message(GROUP, saying("admin.group_bound"))
    await register_unit(app, owner)
    await submit_by_chat(owner)

    # The agency's notices: its officer in private and its group.
    notice = await emulator.wait_for_message(officer.id, saying("agency.new_report"))
    assert PHONE in notice.text
    assert "رضا" in notice.text
    posted = await emulator.wait_for_message(GROUP, saying("agency.new_report"))
    assert PHONE in posted.text

    # Opening the report by its number: who sees the phone.
    matrix = {
        "owner (own report)": (cast.owner, False),
        "another owner": (cast.other_owner, False),
        "the agency's officer": (cast.officer, True),
        "another agency's officer": (cast.bank_officer, False),
        "official": (cast.official, False),
        "secretariat": (cast.secretariat, True),
        "admin": (cast.admin, True),
    }
    seen = {}
    for who, (person, _) in matrix.items():
        reply = await person.say("1405-0001")
        seen[who] = PHONE in reply.text
        if seen[who]:
            line = FA.t("report.card_owner", name="رضا", phone="\u2066" + PHONE + "\u2069")
            assert line in reply.text
    assert seen == {who: expected for who, (_, expected) in matrix.items()}

    # The group's message, updated after the officer accepts there, keeps it.
    await emulator.press(officer.id, posted, "✋ پذیرش")
    taken = await emulator.wait_for_message(GROUP, saying("workflow.by_accepted"))
    assert PHONE in taken.text
    # The owner's own notices never carry it.
    accepted = await owner.next("پذیرفت")
    assert PHONE not in accepted.text

    # Reassigned to the banks: the bank's officer now sees it, SMT's officer no longer.
    opened = await officer.say("1405-0001")
    picker = await officer.press(opened, "ارجاع به دستگاه دیگر")
    await officer.press_only(picker, "بانک‌های عامل")
    await cast.bank_officer.next("referred to Lending banks")
    bank_view = await cast.bank_officer.say("1405-0001")
    assert PHONE in bank_view.text
    # The Persian name isolated in the English line (test_stranger_pass4).
    owner_name = "\u2068رضا\u2069"
    assert EN.t("report.card_owner", name=owner_name, phone="\u2066" + PHONE + "\u2069") in (
        bank_view.text
    )
    smt_view = await officer.say("1405-0001")
    assert PHONE not in smt_view.text
