"""A brand-new person's very first message may be anything: a command other than /start,
a button on a forwarded or old message, a deep link. Each must work from there on."""

from __future__ import annotations

import pytest

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.expect import FA, FA_P, says
from tests.e2e.test_report_flow import make_officer
from tests.e2e.workflow_kit import services_of
from tests.people import Person
from tests.services_kit import seeded_agency


async def newcomer(emulator: BotApiEmulator, user_id: int = 7001) -> Person:
    return Person(emulator, emulator.add_user(user_id, "نوید", phone_number="+989121110000"))


async def register_from_prompt(person: Person, ask_name_or_offer: str) -> None:
    """From the "register first" offer (or the name question) to a registered unit."""
    sectors = await person.say("کارگاه نوپا")
    counties = await person.press(sectors, "فرش")
    permits = await person.press(counties, "قم")
    await person.press_only(permits, "پروانهٔ بهره‌برداری")
    contact_prompt = await person.next("شمارهٔ خودتان")
    assert contact_prompt.reply_keyboard is not None
    done = await person.share_contact()
    assert FA.t("registration.done") in done.text


async def test_report_as_the_very_first_message_registers_and_reports(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """No /start: /report → "register first" → register → /report → a tracking number."""
    await make_officer(app, Person(emulator, emulator.add_user(2101, "کارشناس")), "smt")
    person = await newcomer(emulator)
    offer = await person.say("/report")
    assert FA.t("report.no_units") in offer.text
    ask_name = await person.press(offer, FA.t("start.btn_register"))
    assert says(ask_name.text, "registration.ask_name")
    await register_from_prompt(person, ask_name.text)
    summary = await person.next("مجوز")
    ask_category = await person.press(summary, FA.t("start.btn_report"))
    await person.press_only(ask_category, "مواد اولیه")
    await person.next("شرح")
    ask_files = await person.say("تأمین مواد اولیه با مشکل جدی روبه‌رو شده است و تولید کند است.")
    await person.press_only(ask_files, FA.t("report.btn_continue"))
    amount = await person.next("مبلغ")
    preview = await person.press(amount, FA.t("report.btn_skip"))
    if "پیش‌نمایش" not in preview.text:
        preview = await person.next("پیش‌نمایش")
    await person.press_only(preview, FA.t("report.btn_submit"))
    confirmation = await person.next("شمارهٔ پیگیری")
    assert says(confirmation.text, "report.submitted", number=FA_P.tracking(1405, 1))
    user = await services_of(app).users.get(person.id)
    assert user is not None
    assert user.first_name == "نوید"


@pytest.mark.parametrize(
    "first", ["/register", "/help", "/myreports", "/digest", "/nonsense", "/start report"]
)
async def test_any_command_as_the_first_message_is_answered_and_records_the_person(
    app: RounaqApp, emulator: BotApiEmulator, first: str
) -> None:
    person = await newcomer(emulator)
    answer = await person.say(first)
    assert answer.text
    user = await services_of(app).users.get(person.id)
    assert user is not None, first
    assert user.first_name == "نوید"


async def test_a_button_of_a_forwarded_message_as_the_first_contact(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    """A greeting's "register" button pressed by someone who never wrote to the bot."""
    person = await newcomer(emulator)
    # The button's data as it stands on someone else's greeting, pressed in the newcomer's chat.
    sent = await emulator.send_text(person.id, "سلام")
    await emulator.wait_for_message(person.id)
    await emulator.press_raw(person.id, person.id, sent.message_id, "menu:register")
    ask_name = await person.next("نام واحد")
    await register_from_prompt(person, ask_name.text)


async def test_a_failed_last_step_does_not_leave_the_person_stuck(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """If the contact step fails, the contact button comes back: the person can go on."""
    person = await newcomer(emulator)
    await person.say("/register")
    sectors = await person.say("کارگاه نوپا")
    counties = await person.press(sectors, "فرش")
    permits = await person.press(counties, "قم")
    await person.press_only(permits, "پروانهٔ بهره‌برداری")
    await person.next("شمارهٔ خودتان")
    # The contact keyboard is one-time: once used it is gone. Typing instead of sharing
    # must bring it back, or the person has no way to answer.
    again = await person.say("۰۹۱۲۱۱۱۰۰۰۰")
    assert again.reply_keyboard is not None
    assert FA.t("registration.btn_share_contact") in str(again.reply_keyboard)
    done = await person.share_contact()
    assert FA.t("registration.done") in done.text


async def test_an_invite_link_as_the_very_first_message(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    services = services_of(app)
    admin = people["admin"]
    await services.users.touch(admin.id, first_name="مدیر", last_name=None, username=None)
    smt = seeded_agency(services, "smt")

    principal = (await services.users.profile(admin.id)).principal
    code = await services.admin.create_invite(principal, Role.OFFICER, agency_id=smt.id)
    person = await newcomer(emulator)
    redeemed = await person.say(f"/start inv_{code}")
    assert says(redeemed.text, "admin.invite_redeemed")
    assert "سازمان صنعت" in redeemed.text  # the seed's agency, in the role's name
    inbox = await person.say("/inbox")
    assert FA.t("common.not_allowed") not in inbox.text


async def test_a_step_that_fails_can_be_sent_again(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """A failure mid-flow: the person is told the step stands and how to leave it, and
    sending the step again goes on."""
    person = await newcomer(emulator)
    await person.say("/register")
    emulator.fail_method("sendMessage", 400, description="Bad Request: boom", times=1)
    await person.send("کارگاه نوپا")
    told = await person.next()
    assert told.text == FA.t("common.error_in_flow")
    sectors = await person.say("کارگاه نوپا")
    assert any("فرش" in label for label in sectors.button_texts)
