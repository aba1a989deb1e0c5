"""Defects found on a third stranger's pass over the staff side (agency officers, the HQ
secretariat, officials, admins), in Persian and English, each pinned by what the person
saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from tests.e2e.expect import EN, FA, FA_P, fa, says
from tests.e2e.session_kit import schedule_session
from tests.e2e.test_platforms import bale_app as bale_app
from tests.e2e.test_stranger_pass3 import tax_item_by_chat
from tests.e2e.workflow_kit import Cast, file_report, press_and_answer, press_data, services_of
from tests.people import Person


async def test_the_routing_picker_marks_agencies_without_anyone_and_says_why(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin routing raw-material reports of carpet makers picked the tax office
    from /routing's agency picker: nothing there said that nobody from it is on the bot,
    while the officers' reassign picker marks such agencies ⚠️ and says what the mark
    means. Routed there, every such report would go to the HQ instead. The routing picker
    marks them and says so too."""
    admin = cast.admin
    table = await admin.say("/routing")
    card = await admin.press(table, "تأمین مواد اولیه")
    agencies = await admin.press(card, fa("admin.btn_route_all"))
    mark = FA.t("admin.routing_unstaffed_mark")
    assert agencies.text.split("\n") == [
        fa("admin.pick_agency"),
        fa("workflow.pick_agency_unstaffed", mark=mark),
    ]
    marked = {str(data).rsplit(":", 1)[1] for row in agencies.buttons for text, data in row
              if text.startswith(mark)}  # fmt: skip
    tax = services_of(app).directory.agency_by_code("tax")
    assert tax is not None
    assert str(tax.id) in marked
    assert str(cast.smt_id) not in marked  # SMT has its officer


async def test_invite_agencies_pressed_twice_shows_one_picker(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat pressed "invite agencies" on a session, saw nothing happen at
    once and pressed again: two pickers, each with its own ☑ marks, and the first one's
    marks out of date after a press on the second. The picker takes the view's place and
    "done" brings the view back, in the same message."""
    hq = cast.secretariat
    view = await schedule_session(hq)
    await hq.press_only(view, "ss:iv:1")
    await hq.press_only(view, "ss:iv:1")
    picker = await emulator.wait_for_message(hq.id, lambda m: "ss:ivd:1" in str(m.buttons))
    assert picker.message_id == view.message_id
    assert picker.text == fa("sessions.pick_invited")
    smt = services_of(app).directory.agency(cast.smt_id).short_name("fa")
    await hq.press_only(picker, smt)
    await emulator.wait_for_message(hq.id, lambda m: f"☑ {smt}" in m.button_texts)
    back = await hq.press(picker, fa("sessions.btn_done"))
    assert back.message_id == view.message_id
    assert services_of(app).directory.agency(cast.smt_id).name("fa") in back.text
    pickers = [m for m in emulator.messages(hq.id) if m.text == fa("sessions.pick_invited")]
    assert pickers == []


async def test_an_invite_link_on_bale_opens_the_bot_on_bale(
    bale_app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """Seen on Bale: the admin forwarded an officer's invite; its link was t.me's, which
    opens Telegram (where the bot is not), while the "open the private chat" button
    already pointed at ble.ir. The invite's link is the messenger's."""
    admin = Person(emulator, emulator.add_user(4001, "مدیر"))
    menu = await admin.say("/admin")
    roles = await admin.press(menu, "adm:inv")
    invite = await admin.press(roles, "adm:ir:official")
    assert "https://ble.ir/rounaq_test_bot?start=inv_" in invite.text, invite.text
    assert "t.me" not in invite.text


async def test_the_secretariat_can_put_an_escalated_report_on_the_agenda_from_its_card(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat was told a report had come to the HQ, opened it by its number
    and found a card with no button at all: what to do with it was /agenda's, which the
    card did not say. An escalated report's card offers the secretariat the agenda with
    that report selected; once bundled, its card opens its agenda item. An officer or an
    official (who may read the card) gets neither."""
    await file_report(app, cast.owner, "tax")  # nobody at the tax office: straight to the HQ
    hq = cast.secretariat
    card = await hq.say("1405-0001")
    assert card.button_texts == [fa("hq.btn_to_agenda")]
    agenda = await hq.press(card, fa("hq.btn_to_agenda"))
    assert "☑ \u2066۱۴۰۵-۰۰۰۱\u2069" in agenda.button_texts
    causes = await hq.press(agenda, "تجمیع")
    await hq.press(causes, "علت دیگر")
    await hq.say("مالیات علی‌الرأس")
    await hq.say("۱۴۰۵/۱۰/۱۵")
    card = await hq.say("1405-0001")
    assert card.button_texts == [fa("hq.btn_on_item", id=FA_P.plain_int(1))]
    item = await hq.press(card, fa("hq.btn_on_item", id=FA_P.plain_int(1)))
    assert "مالیات علی‌الرأس" in item.text
    # The old card's button, pressed now the report is on an item, says so and selects
    # nothing.
    answer = await press_data(emulator, hq, card, "hq:s:1")
    assert answer.show_alert
    official = await cast.official.say("1405-0001")
    assert official.button_texts == []


async def test_stats_and_export_typed_in_a_group_answer_privately(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an official typed /stats in the province's coordination group, and the
    province's report counts per agency were posted there for everyone, owners included;
    /export posted its menu there, and its files (the units' rows) went to the group too.
    Asked in a group, both answer in the official's private chat and tell the group only
    that (as /inbox does); one who never opened the bot is asked to, with a link."""
    official = cast.official
    stranger = emulator.add_user(3002, "Laleh", language_code="en", started=False)
    users = services_of(app).users
    await users.touch(stranger.id, first_name="Laleh", last_name=None, username=None)
    await users.grant(stranger.id, Role.OFFICIAL)
    members = [official.id, cast.owner.id, stranger.id]
    group = emulator.add_group(-1005550003, "هماهنگی ستاد", members)
    await file_report(app, cast.owner, "raw_materials")
    for command, shown in (("/stats", "stats.total"), ("/export", "stats.export_choose")):
        await emulator.send_text(official.id, command, chat_id=group.id)
        told = await emulator.wait_for_message(group.id, lambda m: m.from_bot)
        assert told.text == fa("common.sent_private")
        mine = await official.next()
        assert says(mine.text, shown, count=1), mine.text
    bot_said = [m.text for m in emulator.messages(group.id) if m.from_bot]
    assert bot_said == [fa("common.sent_private")] * 2
    # English, and never opened the bot: told to, in the group, with the way there.
    await emulator.send_text(stranger.id, "/stats", chat_id=group.id)
    told = await emulator.wait_for_message(
        group.id, lambda m: m.text == EN.t("workflow.open_private")
    )
    assert told.buttons == [[(EN.t("common.btn_open_private"), "https://t.me/rounaq_test_bot")]]


async def test_minutes_are_issued_only_after_the_session_was_held(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """Seen: the secretariat scheduled next week's session, put an item on it, marked it
    postponed to see the minutes, and pressed "Issue the minutes": issued, a week before
    the meeting, with the agencies' objection windows running from then. The draft says
    when the session is and that the minutes are issued after it; issuing before then is
    refused, saying why; after the session (its item settled) it goes through."""
    await file_report(app, cast.owner, "tax")
    hq = cast.secretariat
    await tax_item_by_chat(emulator, hq)
    view = await schedule_session(hq, "۱۴۰۵/۰۹/۲۵ ۱۰:۳۰")
    free = await hq.press(view, "ss:ai:1")
    view = await hq.press(free, "مالیات علی‌الرأس")
    # An item's outcome waits for the session too (test_stranger_staff4): the minutes'
    # draft is seen before any.
    await hq.press_only(view, "ss:m:1")
    draft = await emulator.wait_for_message(hq.id, lambda m: "ss:is:1" in str(m.buttons))
    when = FA_P.datetime(datetime(2026, 12, 16, 7, 0, tzinfo=UTC))  # 1405/09/25 10:30 Tehran
    assert fa("sessions.minutes_before_held", when=when) in draft.text, draft.text
    answer = await press_and_answer(emulator, hq, draft, "ss:is:1")
    assert answer == fa("sessions.error_session_not_held")
    clock.set(datetime(2026, 12, 16, 9, 0, tzinfo=UTC))  # the session is over
    await hq.press_only(view, "ss:pp:1:1")
    await emulator.wait_for_message(hq.id, lambda m: "ss:pp:1:1" not in str(m.buttons))
    issued = await hq.press(draft, "ss:is:1")
    assert says(issued.text, "sessions.issued", number=FA_P.plain_int(1))


async def test_an_old_decision_notices_buttons_say_it_was_answered_at_the_press(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """Seen: SMT's officer reported an HQ decision implemented from its notice; a week
    later, tidying up, they pressed the same notice's "✋ object" and then "✅ implemented":
    each asked them to write their reasons (their evidence) again, and only the text,
    once written, was refused, as "not possible in the report's current state" (a
    decision is no report). The lending banks' officer pressed "object" after the window
    shut: the same. Both are said at the press, and nothing is asked."""
    await file_report(app, cast.owner, "tax")
    hq, smt, bank = cast.secretariat, cast.officer, cast.bank_officer
    item = await tax_item_by_chat(emulator, hq)
    await hq.press(item, "hq:d:1")
    agencies = await hq.say("صمت و بانک‌ها ظرف یک ماه سهمیه را اعلام کنند.")
    directory = services_of(app).directory
    for agency in (cast.smt_id, cast.banks_id):
        chosen = f"☑ {directory.agency(agency).short_name('fa')}"
        await hq.press_only(agencies, f"hq:a:1:{agency}")
        agencies = await emulator.wait_for_message(hq.id, saying_button(chosen))
    deadline = await hq.press(agencies, "hq:n:1")
    await hq.press(deadline, "hq:dl:1:30")
    notice = await smt.next("🏛")
    await smt.press(notice, f"dc:i:1:{cast.smt_id}")
    done = await smt.say("سهمیه در سامانه اعلام شد.")
    assert says(done.text, "hq.responded_implemented")
    asked = len(emulator.messages(smt.id))
    implemented = fa(
        "hq.already_answered", id=FA_P.plain_int(1), state=FA.t("hq.state_implemented")
    )
    for data in (f"dc:o:1:{cast.smt_id}", f"dc:i:1:{cast.smt_id}"):
        answer = await press_data(emulator, smt, notice, data)
        assert (answer.text, answer.show_alert) == (implemented, True)
    assert len(emulator.messages(smt.id)) == asked  # no prompt
    english = await bank.next("HQ decision")
    clock.advance(timedelta(days=30))  # the objection window has shut
    answer = await press_data(emulator, bank, english, f"dc:o:1:{cast.banks_id}")
    assert answer.text == EN.t("workflow.error_objection_closed")


def saying_button(label: str) -> Callable[[SentMessage], bool]:
    return lambda message: label in message.button_texts


async def test_attendance_before_any_invitation_says_to_invite_first(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat (in English) opened a new session and pressed "Attendance"
    first: a message said to "invite at least one agency and put at least one item on the
    agenda", though the item was on it; attendance is taken among the invited. The press
    says that no agency is invited yet, and where to invite them."""
    hq = cast.secretariat
    await services_of(app).users.set_language(hq.id, "en")
    view = await schedule_session(hq, "2026-12-20 10:00")
    before = len(emulator.messages(hq.id))
    answer = await press_data(emulator, hq, view, "ss:at:1")
    assert (answer.text, answer.show_alert) == (EN.t("sessions.error_none_invited"), True)
    assert EN.t("sessions.btn_invite") in (answer.text or "")
    assert len(emulator.messages(hq.id)) == before


async def test_next_on_a_cancelled_decisions_picker_is_a_stale_button(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat began recording a decision, wrote its text, then sent
    /cancel to think it over; later they pressed the old picker's "Next": the alert asked
    "which agencies are responsible?" over a picker showing them ticked, and nothing went
    on however often they ticked and pressed. Its ticks already said the button was stale;
    "Next" says the same."""
    await file_report(app, cast.owner, "tax")
    hq = cast.secretariat
    item = await tax_item_by_chat(emulator, hq)
    await hq.press(item, "hq:d:1")
    agencies = await hq.say("صمت ظرف یک ماه سهمیه را اعلام کند.")
    assert (await hq.say("/cancel")).text == fa("common.cancelled")
    for data in ("hq:n:1", f"hq:a:1:{cast.smt_id}"):
        answer = await press_data(emulator, hq, agencies, data)
        assert (answer.text, answer.show_alert) == (fa("common.stale_button"), True)


async def test_a_forged_action_on_the_inbox_leaves_the_inbox_as_it_was(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Tried: the lending banks' officer (in English) sent an "accept" press for their
    report on their inbox's message, data it never carried. The report was taken (theirs
    to take), and the inbox's report buttons and filters were replaced by the report's
    action buttons, as a notice's are. The inbox stays as it was; the confirmation says
    what was done."""
    await file_report(app, cast.other_owner, "bank_finance", "The bank wants collateral.")
    bank = cast.bank_officer
    inbox = await bank.say("/inbox")
    shown = str(inbox.buttons)  # the emulator updates the message in place
    answer = await press_data(emulator, bank, inbox, "wf:acc:1")
    assert answer.text == EN.t("workflow.done_acc")
    told = await bank.next(EN.t("workflow.done_acc"))
    assert told.message_id != inbox.message_id
    now = next(m for m in emulator.messages(bank.id) if m.message_id == inbox.message_id)
    assert str(now.buttons) == shown
    assert "ib:1:0:0:1" in shown
