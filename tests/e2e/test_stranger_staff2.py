"""Defects found on a second stranger's pass over the staff side (agency officers, the
HQ secretariat, officials, admins), each pinned by what the person saw. Over HTTP,
against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import EN, fa
from tests.e2e.workflow_kit import Cast, file_report

SMT_GROUP = -1001234567890


async def test_a_card_opened_in_another_agencys_group_goes_to_the_officer_privately(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the lending banks' officer, a member of SMT's group (to coordinate), typed
    /inbox there and pressed one of the bank's reports: its card, with the owner's name,
    phone and the description, was posted into SMT's group for everyone in it to read.
    A card is shown in a group only when it is the report's own agency's group; anywhere
    else it goes to whoever pressed, privately, and the press says so."""
    admin, bank = cast.admin, cast.bank_officer
    emulator.add_group(SMT_GROUP, "کارشناسان صمت", members=[cast.officer.id, admin.id, bank.id])
    await emulator.send_text(admin.id, "/admin group smt", chat_id=SMT_GROUP)
    await emulator.wait_for_message(SMT_GROUP)
    await file_report(app, cast.other_owner, "bank_finance", "The bank wants 150% collateral.")
    await emulator.send_text(bank.id, "/inbox", chat_id=SMT_GROUP)
    listed = await emulator.wait_for_message(SMT_GROUP, lambda m: "1405-0001" in m.button_texts)
    in_group = emulator.cursor(SMT_GROUP)
    query = await emulator.press(bank.id, listed, "1405-0001", chat_id=SMT_GROUP)
    answer = await emulator.wait_for_answer(query)
    assert answer.text == EN.t("myreports.sent_private")
    card = await emulator.wait_for_message(bank.id, lambda m: "collateral" in m.text)
    assert "09121234567" in card.text  # the responsible agency's officer reads the phone
    assert EN.t("workflow.btn_acc") in card.button_texts
    posted = [m for m in emulator.messages(SMT_GROUP) if m.created_seq > in_group]
    assert all("09121234567" not in m.text and "collateral" not in m.text for m in posted)

    # SMT's own report opened in SMT's group stays there, as the agency's notices do.
    await file_report(app, cast.owner, "raw_materials")
    await emulator.send_text(cast.officer.id, "/inbox", chat_id=SMT_GROUP)
    smt_inbox = await emulator.wait_for_message(
        SMT_GROUP, lambda m: any("۱۴۰۵-۰۰۰۲" in t for t in m.button_texts)
    )
    label = next(t for t in smt_inbox.button_texts if "۱۴۰۵-۰۰۰۲" in t)
    query = await emulator.press(cast.officer.id, smt_inbox, label, chat_id=SMT_GROUP)
    assert (await emulator.wait_for_answer(query)).text is None
    shown = await emulator.wait_for_message(SMT_GROUP, lambda m: "09121234567" in m.text)
    assert shown.message_id > smt_inbox.message_id


async def test_admin_group_in_a_group_without_a_code_says_which_code(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin in SMT's new group typed "/admin group" (the code is what they did
    not know) and was told to send it "in the agency's own group, not in a private chat"
    — they were in that group — under a list of the agencies with no one, SMT not among
    them. Then "/admin group صمت" (SMT's name, as the bot's buttons write it) answered
    only "there is no agency with the code صمت". In a group both say which code to add,
    for every agency."""
    admin = cast.admin
    emulator.add_group(SMT_GROUP, "کارشناسان صمت", members=[cast.officer.id, admin.id])
    await emulator.send_text(admin.id, "/admin group", chat_id=SMT_GROUP)
    told = await emulator.wait_for_message(SMT_GROUP)
    assert fa("admin.group_where") not in told.text
    assert told.text.startswith(fa("admin.group_code_needed"))
    assert "/admin group smt" in told.text
    assert "/admin group tax" in told.text
    await emulator.send_text(admin.id, "/admin group صمت", chat_id=SMT_GROUP)
    refused = await emulator.wait_for_message(SMT_GROUP, lambda m: m.message_id > told.message_id)
    assert refused.text.split("\n")[:2] == [
        fa("admin.no_agency", code="صمت"),
        fa("admin.group_code_needed"),
    ]
    assert "/admin group smt" in refused.text
    assert len(refused.text) <= 4096
    await emulator.send_text(admin.id, "/admin group smt", chat_id=SMT_GROUP)
    bound = await emulator.wait_for_message(SMT_GROUP, lambda m: m.message_id > refused.message_id)
    assert bound.text == fa("admin.group_bound", agency="سازمان صنعت، معدن و تجارت استان قم")
    # In the private chat, where it binds nothing, it still says where it belongs.
    private = await admin.say("/admin group")
    assert private.text.startswith(fa("admin.group_where"))
