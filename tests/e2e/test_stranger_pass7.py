"""Defects found on the seventh stranger's pass (a tracking number asked about in a
sentence, a language switched in the middle of a flow, a double press, the HQ's session
dates, a newcomer's phone in English): each pinned by what the person saw. Over HTTP,
against the Bot API emulator."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.i18n import get_translator
from emulator import BotApiEmulator, SentMessage
from tests.display_rules import check_fa
from tests.e2e.expect import EN_P, FA_P, T1, fa, labels, saying, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import up_to_description
from tests.e2e.workflow_kit import Cast, file_report, services_of
from tests.people import Person

FA = get_translator("fa")
EN = get_translator("en")
T2 = FA_P.tracking(1405, 2)


def is_card(message: SentMessage, number: str, lang: str = "fa") -> bool:
    """The report's card: its history, under its tracking number."""
    return number in message.text and says(message.text, "history.title", lang=lang)


async def test_a_tracking_number_in_a_sentence_opens_the_report(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner wrote «گزارش ۱۴۰۵-۰۰۰۱ چی شد؟» and was told only how to use the menu;
    the bare number would have opened the report. A number in a sentence, in any digits,
    now opens it, under the same rule as the bare number: another owner asking about it is
    told what the bare number tells them."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    for sentence in (
        "گزارش ۱۴۰۵-۰۰۰۱ چی شد؟",
        "وضعیت گزارش ١٤٠٥-٠٠٠١ را بگویید",
        "1405-0001 چه شد؟",
    ):
        reply = await owner.say(sentence)
        assert is_card(reply, T1), (sentence, reply.text)
    # Someone else's number: the bare number's answer, and nothing of the report.
    stranger = cast.other_owner
    bare = await stranger.say("1405-0001")
    in_words = await stranger.say("What happened to report 1405-0001?")
    assert bare.text == in_words.text == EN.t("myreports.not_found")
    # A date is not a tracking number: the usual hint.
    hint = await owner.say("جلسه ۱۴۰۵/۰۹/۱۸ است؟")
    assert hint.text == fa("common.stray_message")


async def test_several_tracking_numbers_in_a_sentence_are_offered_as_a_list(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Two numbers named in one message: the bot offers each of the person's own, one button
    each, and leaves out one they may not see; a single one of theirs is opened."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    await file_report(app, owner, "permits")
    await file_report(app, cast.other_owner, "bank_finance", unit_name="Qom Tiles")
    listed = await owner.say("گزارش‌های ۱۴۰۵-۰۰۰۱ و ۱۴۰۵-۰۰۰۲ و ۱۴۰۵-۰۰۰۳ چه شدند؟")
    assert listed.text == fa("myreports.several_numbers")
    shown = labels(listed)
    assert T1 in shown
    assert T2 in shown
    assert FA_P.tracking(1405, 3) not in shown
    card = await owner.press(listed, T2)
    assert is_card(card, T2)
    # Only one of the numbers is theirs: it is opened at once.
    mine = await cast.other_owner.say("Reports 1405-0001 and 1405-0003, any news?")
    assert is_card(mine, EN_P.tracking(1405, 3), "en")


async def test_a_number_typed_as_a_steps_answer_stays_the_answer(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Text typed at a flow's text step is that step's answer, tracking number or not."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    ask_name = await owner.say("/register")
    assert ask_name.text == fa("registration.ask_name")
    sectors = await owner.say("کارگاه ۱۴۰۵-۰۰۰۱")
    assert says(sectors.text, "registration.ask_sector", name="کارگاه ۱۴۰۵-۰۰۰۱")
    await owner.say("/cancel")
    await up_to_description(owner)
    files = await owner.say("پیرو گزارش ۱۴۰۵-۰۰۰۱: مواد اولیه هنوز نرسیده و تولید متوقف است.")
    assert says(files.text, "report.ask_attachments")


async def test_a_language_chosen_mid_registration_asks_the_step_again_in_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a Persian owner at the sector step of /register switched to English; the bot
    said "Language set" and greeted them, and the step's question stayed in Persian far
    above. The step is asked again in English, with its buttons, and the name is kept."""
    owner = cast.owner
    await owner.say("/register")
    sectors = await owner.say("Qom Tiles")
    assert says(sectors.text, "registration.ask_sector", name=FA_P.name("Qom Tiles"))
    choice = await owner.say("/language")
    await owner.press_only(choice, "lang:en")
    again = await emulator.wait_for_message(
        owner.id, saying("registration.ask_sector", lang="en", name="Qom Tiles")
    )
    sector = services_of(app).directory.sectors[0]
    assert sector.name("en") in labels(again)
    assert not says(again.text, "start.greeting", lang="en")
    counties = await owner.press(again, sector.name("en"))
    assert says(counties.text, "registration.ask_county", lang="en", sector=sector.name("en"))


async def test_a_language_chosen_mid_report_asks_the_step_again_in_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The same in /report: at the description the question comes again in English, and
    the description written next goes on to the files step, in English."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    choice = await owner.say("/language")
    await owner.press_only(choice, "lang:en")
    await emulator.wait_for_message(owner.id, saying("report.ask_description", lang="en"))
    files = await owner.say("تأمین نخ از بازار آزاد سه برابر گران شده؛ تولید نیمه متوقف است.")
    assert says(files.text, "report.ask_attachments", lang="en")
    assert EN.t("report.btn_continue") in labels(files)


async def test_a_double_press_of_withdraw_asks_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner tapped "پس گرفتن گزارش" twice and got two confirmation prompts, one
    under the other, each with its yes and no. The second tap leaves one prompt."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    card = await owner.say("1405-0001")
    first = await owner.press(card, fa("workflow.btn_wd"))
    assert says(first.text, "workflow.withdraw_confirm", number=T1)
    await owner.press_only(card, fa("workflow.btn_wd"))
    second = await emulator.wait_for_message(
        owner.id, saying("workflow.withdraw_confirm", number=T1), after=first
    )
    live = [
        m
        for m in emulator.messages(owner.id, include_deleted=False)
        if says(m.text, "workflow.withdraw_confirm", number=T1) and m.buttons
    ]
    assert live == [second]
    await owner.press_only(second, fa("workflow.btn_withdraw_yes"))
    await emulator.wait_until(lambda: FA.t("status.withdrawn") in card.text)


async def test_a_sessions_date_is_isolated_in_persian(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """Seen on a scheduled session: «یکشنبه پانزدهم آذر ماه ۱۴۰۵ (۱۴۰۵/۰۹/۱۵)», the digits
    of the date not isolated, so the line reads in a different order where it wraps. The
    session's screen passes the display rules every Persian screen does."""
    hq = cast.secretariat
    listing = await hq.say("/session")
    await hq.press(listing, fa("sessions.btn_new"))
    await hq.say("۱۴۰۵/۰۹/۱۵ ۱۰:۰۰")
    await hq.say("سالن جلسات استانداری")
    view = await hq.say("استاندار قم")
    assert says(view.text, "sessions.scheduled")
    assert "(\u2066۱۴۰۵/۰۹/۱۵\u2069)" in view.text
    check_fa((view.source_text or view.text).replace("سالن جلسات استانداری", ""))
    clock.advance(timedelta(minutes=1))
    listing = await hq.say("/session")
    check_fa(listing.source_text or listing.text)


async def test_a_newcomers_phone_language_is_the_default_until_they_choose(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """Seen: a newcomer whose Telegram is in English read an English command menu, but
    every answer in Persian until /start. Their phone's language is the default now; /start
    still offers the choice, and a choice made is kept whatever the phone says."""
    english = Person(emulator, emulator.add_user(7101, "Nora", language_code="en"))
    helped = await english.say("/help")
    assert not any("\u0600" <= ch <= "\u06ff" for ch in helped.text), helped.text
    stray = await english.say("hello")
    assert stray.text == EN.t("common.stray_message")
    offered = await english.say("/start")
    assert EN.t("start.choose_language") in offered.text
    await english.press_only(offered, "lang:fa")
    await emulator.wait_for_message(english.id, saying("start.greeting"))
    assert (await english.say("hello")).text == fa("common.stray_message")
    german = Person(emulator, emulator.add_user(7102, "Jonas", language_code="de"))
    assert (await german.say("hello")).text == fa("common.stray_message")
