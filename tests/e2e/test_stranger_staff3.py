"""Defects found on a third stranger's pass over the staff side (agency officers, the HQ
secretariat, officials, admins), in Persian and English, each pinned by what the person
saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.expect import EN, FA, FA_P, fa, says
from tests.e2e.session_kit import schedule_session
from tests.e2e.test_platforms import bale_app as bale_app
from tests.e2e.workflow_kit import Cast, file_report, press_data, services_of
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
