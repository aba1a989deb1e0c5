"""Defects found on a second stranger's pass over the staff side (agency officers, the
HQ secretariat, officials, admins), each pinned by what the person saw. Over HTTP,
against the Bot API emulator."""

from __future__ import annotations

from bot.buttons.reports import OpenButton
from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import EN, FA, FA_P, fa
from tests.e2e.session_kit import schedule_session
from tests.e2e.test_stranger_pass3 import tax_item_by_chat
from tests.e2e.workflow_kit import Cast, file_report, press_and_answer

SMT_GROUP = -1001234567890


async def test_another_agencys_inbox_and_cards_stay_out_of_an_agency_group(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the lending banks' officer, a member of SMT's group (to coordinate), typed
    /inbox there: the bank's inbox (its units, numbers) was posted into SMT's group; they
    pressed a report in it, and its card, with the owner's name, phone and the
    description, was posted there too, for everyone in the group to read. An inbox or a
    card is shown in a group only when the group is the officer's (the report's) agency's
    own; anywhere else it goes to them privately and the group is told only that."""
    admin, bank, smt = cast.admin, cast.bank_officer, cast.officer
    emulator.add_group(SMT_GROUP, "کارشناسان صمت", members=[smt.id, admin.id, bank.id])
    await emulator.send_text(admin.id, "/admin group smt", chat_id=SMT_GROUP)
    await emulator.wait_for_message(SMT_GROUP)
    loan = await file_report(app, cast.other_owner, "bank_finance", "The bank wants collateral.")
    ours = await file_report(app, cast.owner, "raw_materials")  # SMT's, 1405-0002

    await emulator.send_text(bank.id, "/inbox", chat_id=SMT_GROUP)
    told = await emulator.wait_for_message(SMT_GROUP, lambda m: m.from_bot)
    assert told.text == EN.t("inbox.sent_private")
    mine = await emulator.wait_for_message(bank.id, lambda m: "1405-0001" in m.button_texts)
    assert mine.text.startswith("📥")

    # SMT's own inbox in SMT's group stays there; SMT's report opened from it too.
    await emulator.send_text(smt.id, "/inbox", chat_id=SMT_GROUP)
    smt_inbox = await emulator.wait_for_message(
        SMT_GROUP, lambda m: any("۱۴۰۵-۰۰۰۲" in t for t in m.button_texts)
    )
    label = next(t for t in smt_inbox.button_texts if "۱۴۰۵-۰۰۰۲" in t)
    query = await emulator.press(smt.id, smt_inbox, label, chat_id=SMT_GROUP)
    assert (await emulator.wait_for_answer(query)).text is None
    await emulator.wait_for_message(SMT_GROUP, lambda m: "09121234567" in m.text)

    # The bank's officer pressing that inbox's pager gets their own, privately; and a
    # report button there naming a bank report (as an old one does once its report is
    # reassigned to the banks) opens its card privately too.
    in_group = emulator.cursor(SMT_GROUP)
    query = await emulator.press_raw(bank.id, SMT_GROUP, smt_inbox.message_id, "ib:1:0:0:1")
    assert (await emulator.wait_for_answer(query)).text == EN.t("inbox.sent_private")
    query = await emulator.press_raw(
        bank.id, SMT_GROUP, smt_inbox.message_id, OpenButton(loan.id).pack()
    )
    assert (await emulator.wait_for_answer(query)).text == EN.t("myreports.sent_private")
    card = await emulator.wait_for_message(bank.id, lambda m: "collateral" in m.text)
    assert "09121234567" in card.text  # the responsible agency's officer reads the phone
    assert EN.t("workflow.btn_acc") in card.button_texts
    since = [m for m in emulator.messages(SMT_GROUP) if m.updated_seq > in_group]
    assert since == [], [m.text[:60] for m in since]
    assert ours.agency_id == cast.smt_id


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


async def test_a_second_unsubscribe_says_the_digest_is_already_off(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an official sent /unsubscribe, then again the next day to be sure, and read
    "Daily digest off" both times, as if the second had turned something off, where a
    second /subscribe says "already on". The second says it is off, and how to turn it on."""
    official = cast.official
    await official.say("/subscribe")
    await official.next()  # the settings screen
    first = await official.say("/unsubscribe")
    assert first.text == fa("digest.unsubscribed")
    await official.next()  # the settings screen
    again = await official.say("/unsubscribe")
    assert again.text == fa("digest.not_subscribed")
    assert "/subscribe" in again.text


async def test_issuing_the_minutes_of_a_session_with_no_items_says_it_is_empty(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat scheduled a session, pressed "Minutes" to see what the file
    looks like, then "Issue the minutes", and was told "first settle every item of the
    session": there was no item to settle, and they went looking for one. A session
    with nothing on its agenda says so, and how to put items on it."""
    hq = cast.secretariat
    card = await schedule_session(hq)
    await hq.press_only(card, "ss:m:1")
    draft = await emulator.wait_for_message(hq.id, lambda m: "ss:is:1" in str(m.buttons))
    answer = await press_and_answer(emulator, hq, draft, "ss:is:1")
    assert answer == fa("sessions.error_session_empty")
    assert fa("sessions.btn_add") in answer


async def test_the_reassign_picker_says_what_its_warning_sign_means(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an SMT officer pressed "reassign" and got twenty-nine agencies, most marked
    ⚠️, and nothing saying what ⚠️ meant (only the admins' /routing explains it): they
    picked the tax office and were surprised that the report went to the HQ. The
    question says it, in the officer's language."""
    await file_report(app, cast.owner, "raw_materials")
    card = await cast.officer.say("1405-0001")
    picker = await cast.officer.press(card, "wf:rsg:1:c")
    mark = FA.t("admin.routing_unstaffed_mark")
    assert picker.text.split("\n") == [
        fa("workflow.pick_agency", number=FA_P.tracking(1405, 1)),
        fa("workflow.pick_agency_unstaffed", mark=mark),
    ]
    assert any(t.startswith(mark) for t in picker.button_texts)
    await file_report(app, cast.other_owner, "bank_finance", "The bank wants collateral.")
    english = await cast.bank_officer.say("1405-0002")
    picked = await cast.bank_officer.press(english, "wf:rsg:2:c")
    assert picked.text.split("\n")[1] == EN.t("workflow.pick_agency_unstaffed", mark=mark)


async def test_text_at_a_button_step_is_not_answered_with_the_owners_menu(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat, recording a decision, was asked for the deadline in working
    days (buttons) and typed a date. The answer said "use the buttons to go on" above
    "Report an obstacle", "Register a unit", "My reports": the owner's menu, not the
    step's buttons, and a press on them left the decision half made. The answer now
    carries no buttons: the step's are the ones above it."""
    await file_report(app, cast.owner, "tax")  # nobody at the tax office: straight to the HQ
    hq = cast.secretariat
    item = await tax_item_by_chat(emulator, hq)
    await hq.press(item, "ثبت مصوبه")
    agencies = await hq.say("ادارهٔ مالیات تا پایان ماه معافیت را اعمال کند.")
    deadline = await hq.press(agencies, "بعدی")
    reply = await hq.say("۱۴۰۵/۱۰/۳۰")
    assert reply.text == fa("common.flow_lost")
    assert reply.buttons == []
    assert deadline.buttons  # the step's buttons, still there to press


async def test_the_inbox_category_picker_starts_with_a_capital_in_english(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen by the lending banks' officer: the category picker's first button read "all
    categories", lower case among "Raw materials supply", "Tax"...: the header's words
    ("Category: all categories") reused as a button. The button has its own label."""
    inbox = await cast.bank_officer.say("/inbox")
    await cast.bank_officer.press_only(inbox, "ib:c:0:0")
    picker = await emulator.wait_for_message(
        cast.bank_officer.id, lambda m: "ib:0:0:0:1" in str(m.buttons)
    )
    assert picker.buttons[0][0] == (EN.t("inbox.btn_all_categories"), "ib:0:0:0:1")
    assert all(label[:1].isupper() for label in picker.button_texts)
