"""Defects found on a fourth stranger's pass over the staff side (agency officers, the HQ
secretariat, officials, admins), in Persian and English, each pinned by what the person
saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from tests.conftest import cast_people
from tests.e2e.expect import EN, FA_P, T1, fa, saying, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.session_kit import schedule_session
from tests.e2e.test_officials import _tiny_png
from tests.e2e.test_stranger_pass3 import tax_item_by_chat
from tests.e2e.workflow_kit import (
    Cast,
    file_report,
    make_cast,
    only_report,
    press_data,
    services_of,
)
from tests.people import Person


def now_showing(emulator: BotApiEmulator, person: Person, message: SentMessage) -> SentMessage:
    """`message` as the person's chat shows it now (edits applied)."""
    return next(m for m in emulator.messages(person.id) if m.message_id == message.message_id)


async def test_agenda_session_decisions_status_and_loans_typed_in_a_group_answer_privately(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: in the province's coordination group (owners among its members) the
    secretariat typed /agenda and /session, and an official /status, /loans and
    /compliance: the HQ's internal agenda, with the escalated reports' units, its sessions,
    the programs' and the facilities' figures and the agencies behind on the HQ's decisions
    were posted for the whole group to read, while /stats and /export already answered
    privately. Each answers in the asker's private chat now, and the group is told only
    that."""
    hq, official = cast.secretariat, cast.official
    group = emulator.add_group(-1005550004, "هماهنگی ستاد", [hq.id, official.id, cast.owner.id])
    await file_report(app, cast.owner, "tax")  # nobody at the tax office: to the HQ
    asked = (
        (hq, "/agenda", "hq.agenda_title"),
        (hq, "/session", "sessions.list_title"),
        (hq, "/decisions", "hq.no_decisions"),
        (official, "/status", "programs.title"),
        (official, "/status 27", "programs.detail_title"),
        (official, "/loans", None),
        (official, "/compliance", "sessions.board_title"),
    )
    for person, command, shown in asked:
        await emulator.send_text(person.id, command, chat_id=group.id)
        told = await emulator.wait_for_message(group.id, lambda m: m.from_bot)
        assert told.text == fa("common.sent_private"), command
        mine = await person.next()
        assert shown is None or says(mine.text, shown), (command, mine.text)
    bot_said = [m.text for m in emulator.messages(group.id) if m.from_bot]
    assert bot_said == [fa("common.sent_private")] * len(asked)
    assert T1 in " ".join(hq.texts())  # the agenda, with the report, went to the secretariat


async def test_put_on_the_agenda_pressed_twice_sends_one_agenda(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat pressed an escalated report's "Put on the agenda", saw
    nothing at once and pressed again: a second agenda came, the report selected on both,
    each with its own bundle button. The second press says it is already selected on the
    agenda sent; once the report is on an item, the card's old button names that item."""
    await file_report(app, cast.owner, "tax")
    hq = cast.secretariat
    card = await hq.say("1405-0001")
    agenda = await hq.press(card, fa("hq.btn_to_agenda"))
    assert f"☑ {T1}" in agenda.button_texts
    sent = len(emulator.messages(hq.id))
    answer = await press_data(emulator, hq, card, "hq:s:1")
    assert (answer.text, answer.show_alert) == (fa("hq.already_selected", number=T1), True)
    assert len(emulator.messages(hq.id)) == sent
    causes = await hq.press(agenda, "تجمیع")
    await hq.press(causes, "علت دیگر")
    await hq.say("مالیات علی‌الرأس")
    await hq.say("۱۴۰۵/۱۰/۱۵")
    answer = await press_data(emulator, hq, card, "hq:s:1")
    on_item = fa("hq.already_on_item", number=T1, id=FA_P.plain_int(1), title="مالیات علی‌الرأس")
    assert (answer.text, answer.show_alert) == (on_item, True)


async def test_put_on_the_agenda_pressed_again_after_a_restart_sends_no_second_agenda(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    """The same, with the bot restarted between the two presses: the selection is kept
    with the secretariat's data, so the second press still says it is selected."""
    people = cast_people(emulator)
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        cast = await make_cast(app, emulator, people)
        await file_report(app, cast.owner, "tax")
        hq = cast.secretariat
        card = await hq.say("1405-0001")
        agenda = await hq.press(card, fa("hq.btn_to_agenda"))
        assert f"☑ {T1}" in agenda.button_texts
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        sent = len(emulator.messages(hq.id))
        answer = await press_data(emulator, hq, card, "hq:s:1")
        assert (answer.text, answer.show_alert) == (fa("hq.already_selected", number=T1), True)
        assert len(emulator.messages(hq.id)) == sent


async def test_an_items_outcome_waits_until_its_session_is_held(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """Seen: a week before next session, the secretariat put an item on it and pressed
    "Record the decision" on the session: the decision was recorded, and its owners told
    of an HQ decision, for a meeting not yet held; "postponed" and "rejected" went through
    the same. From /agenda, the item's own "Record the decision" recorded one too, with
    the agencies told at once and the session left with an item it could no longer
    settle. Before its time the session refuses each outcome, saying why; /agenda sends
    the item's outcome to its session; once held, the outcome is recorded."""
    await file_report(app, cast.owner, "tax")
    hq = cast.secretariat
    item = await tax_item_by_chat(emulator, hq)
    view = await schedule_session(hq, "۱۴۰۵/۰۹/۲۵ ۱۰:۳۰")
    free = await hq.press(view, "ss:ai:1")
    view = await hq.press(free, "مالیات علی‌الرأس")
    sent = len(emulator.messages(hq.id))
    early = fa("sessions.error_outcome_before_held")
    for data in ("ss:d:1:1", "ss:pp:1:1", "ss:rj:1:1"):
        answer = await press_data(emulator, hq, view, data)
        assert (answer.text, answer.show_alert) == (early, True), data
    answer = await press_data(emulator, hq, item, "hq:d:1")
    assert (answer.text, answer.show_alert) == (fa("workflow.error_on_session"), True)
    assert len(emulator.messages(hq.id)) == sent  # nothing asked
    assert (
        await services_of(app).hq.decisions((await services_of(app).users.profile(hq.id)).principal)
        == []
    )
    clock.set(datetime(2026, 12, 16, 7, 30, tzinfo=UTC))  # 1405/09/25 11:00: it is held
    answer = await press_data(emulator, hq, view, "ss:pp:1:1")
    assert answer.text == fa("sessions.outcome_postponed")


async def test_progress_steps_lose_their_buttons_once_answered(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """Seen: an officer posting progress picked the program, sent a photo as the
    evidence, typed the date and typed "ثبت گزارش": the picker, "no evidence", "today"
    and the summary's "save" and "cancel" all stayed under their messages, each pressed
    later answered as a stale button. As in the owners' flows, a step's buttons go once
    the step is answered."""
    officer = cast.officer
    picker = await officer.say("/progress")
    await officer.press(picker, "تأمین مواد اولیه")
    await officer.say("۴۰٪")
    evidence = await officer.say("قرارداد تأمین نخ با بورس کالا بسته شد")
    assert fa("programs.btn_no_evidence") in evidence.button_texts
    await emulator.send_photo(officer.id, _tiny_png())
    asked_date = await officer.next()
    assert fa("programs.btn_today") in asked_date.button_texts
    summary = await officer.say(FA_P.short_date(clock.now()))
    assert fa("programs.btn_save") in summary.button_texts
    saved = await officer.say(fa("programs.btn_save"))
    assert says(saved.text, "programs.saved")
    for step in (picker, evidence, asked_date, summary):
        assert now_showing(emulator, officer, step).buttons == [], step.text


async def test_editprogram_typed_choices_leave_no_buttons_behind(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin editing program 3 typed the field's name instead of pressing it,
    and later the agency's name: the field picker and the agencies stayed pressable under
    their messages after the edit was done. They go once answered."""
    admin = cast.admin
    picker = await admin.say("/editprogram 3")
    asked = await admin.say(fa("programs.field.title_en"))
    assert says(asked.text, "programs.edit_ask")
    done = await admin.say("Raw materials supply")
    assert done.text == fa("programs.edit_done", number=FA_P.plain_int(3))
    picker_again = await admin.say("/editprogram 3")
    agencies = await admin.press(picker_again, fa("programs.field.agency_id"))
    smt = services_of(app).directory.agency(cast.smt_id).short_name("fa")
    done = await admin.say(smt)
    assert done.text == fa("programs.edit_done", number=FA_P.plain_int(3))
    for step in (picker, picker_again, agencies):
        assert now_showing(emulator, admin, step).buttons == [], step.text


async def test_a_forged_session_item_or_decision_number_says_there_is_none(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Tried: the secretariat (in English) pressed a session's, an agenda item's and a
    decision's button with a number that names none: each answered "This report was not
    found among those you can act on", about no report at all. Each says there is no such
    session, item or decision, and where the current ones are."""
    hq = cast.secretariat
    await services_of(app).users.set_language(hq.id, "en")
    anchor = await hq.say("/session")
    expected = {
        "ss:v:99": EN.t("sessions.error_session_not_found"),
        "ss:iv:99": EN.t("sessions.error_session_not_found"),
        "ss:+:99:1": EN.t("sessions.error_session_not_found"),
        "hq:i:99": EN.t("workflow.error_item_not_found"),
        "hq:d:99": EN.t("workflow.error_item_not_found"),
        "dc:v:99": EN.t("hq.error_decision_not_found"),
    }
    for data, text in expected.items():
        answer = await press_data(emulator, hq, anchor, data)
        assert (answer.text, answer.show_alert) == (text, True), data


async def test_reassign_pressed_in_the_group_by_an_officer_who_never_opened_the_bot(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Tried: an SMT officer made one by an admin in the agency's group, who never opened
    the bot's private chat, pressed "refer to another agency" under a report posted in
    the group: the bot failed to send them the agency picker (403) and the press was
    never answered (the button spun). It says to open the private chat first, as a button
    asking for text does; nothing is reassigned."""
    services = services_of(app)
    newcomer = 7302
    emulator.add_user(newcomer, "Nima", started=False)
    await services.users.touch(newcomer, first_name="Nima", last_name=None, username=None)
    await services.users.grant(newcomer, Role.OFFICER, agency_id=cast.smt_id)
    group = -1001234567002
    emulator.add_group(group, "کارشناسان صمت", members=[cast.admin.id, newcomer])
    await emulator.send_text(cast.admin.id, "/admin group smt", chat_id=group)
    await emulator.wait_for_message(group, saying("admin.group_bound"))
    await register_unit(app, cast.owner)
    await submit_by_chat(cast.owner)  # raw materials: to SMT, posted in its group
    posted = await emulator.wait_for_message(group, saying("agency.new_report"))
    # Accepting needs nothing private: it works from the group.
    await emulator.press(newcomer, posted, fa("workflow.btn_acc"))
    posted = await emulator.wait_for_message(group, saying("workflow.by_accepted"))
    query = await emulator.press(newcomer, posted, fa("workflow.btn_rsg"))
    answer = await emulator.wait_for_answer(query)
    assert (answer.text, answer.show_alert) == (fa("workflow.open_private"), True)
    assert emulator.messages(newcomer) == []
    report = await only_report(app)
    assert (report.agency_id, report.status) == (cast.smt_id, "in_progress")


async def test_progress_and_editprogram_typed_in_a_group_point_to_the_private_chat(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Tried: the SMT officer typed /progress in a group, and an admin /editprogram 3:
    each flow began there, asking the group for a percent or a field; the answers typed
    in the group (which a bot there does not read unless they are commands) left the
    flow waiting, and its draft was open. Both are the private chat's, as the owners'
    flows are: the group is told so, with the way there, and nothing is asked."""
    officer, admin = cast.officer, cast.admin
    group = emulator.add_group(-1005550005, "کارشناسان", [officer.id, admin.id, cast.owner.id])
    for person, command in ((officer, "/progress"), (admin, "/editprogram 3")):
        await emulator.send_text(person.id, command, chat_id=group.id)
        told = await emulator.wait_for_message(group.id, lambda m: m.from_bot)
        assert told.text == fa("common.private_only"), command
    assert [m.text for m in emulator.messages(group.id) if m.from_bot] == [
        fa("common.private_only")
    ] * 2
    assert emulator.messages(officer.id) == []
    assert emulator.messages(admin.id) == []


async def test_an_officers_forged_decision_or_position_press_speaks_of_no_report(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Tried: the SMT officer pressed "✅ implemented" for a decision number that names
    none, and "write our position" on an item for the lending banks (another agency):
    both answered "This report was not found among those you can act on", though no
    report was pressed. The first says there is no such decision; the second that
    nothing there is theirs to answer."""
    officer = cast.officer
    anchor = await officer.say("/decisions")
    answer = await press_data(emulator, officer, anchor, f"dc:i:99:{cast.smt_id}")
    assert (answer.text, answer.show_alert) == (fa("hq.error_decision_not_found"), True)
    answer = await press_data(emulator, officer, anchor, f"ss:po:1:{cast.banks_id}")
    assert (answer.text, answer.show_alert) == (fa("sessions.error_not_found"), True)


async def test_admin_looking_up_a_person_in_a_group_answers_privately(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Tried: an admin, in the SMT group where they had typed /admin group smt, looked up
    an owner with "/admin @reza": the owner's card (name, user id, username, roles) and
    its grant buttons were posted for the group to read. A person's card and the roles'
    screen go to the admin's private chat; the group is told only that. Binding the
    group still answers there."""
    admin = cast.admin
    group = -1001234567003
    emulator.add_group(group, "کارشناسان صمت", members=[admin.id, cast.officer.id])
    await emulator.send_text(admin.id, "/admin group smt", chat_id=group)
    await emulator.wait_for_message(group, saying("admin.group_bound"))
    for command, shown in (("/admin @reza", "admin.user_card"), ("/admin", "admin.home")):
        await emulator.send_text(admin.id, command, chat_id=group)
        told = await emulator.wait_for_message(group, lambda m: m.from_bot)
        assert told.text == fa("common.sent_private"), command
        mine = await admin.next()
        assert says(mine.text, shown), (command, mine.text)
    bot_said = [m.text for m in emulator.messages(group) if m.from_bot]
    assert bot_said[1:] == [fa("common.sent_private")] * 2
