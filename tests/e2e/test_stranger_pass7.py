"""Defects found on the seventh stranger's pass (a tracking number asked about in a
sentence, a language switched in the middle of a flow or of a prompt, double taps on
withdraw, a language and submit, the HQ's session dates, a newcomer's phone in English,
/start in the middle of a flow): each pinned by what the person saw. Over HTTP, against
the Bot API emulator."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.i18n import get_translator
from emulator import BotApiEmulator, SentMessage
from tests.display_rules import check_fa
from tests.e2e.expect import EN_P, FA_P, T1, fa, labels, saying, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import report_up_to_attachments, summary_after, up_to_description
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
    # "No" keeps the report, and its question can withdraw nothing afterwards.
    asked = await owner.press(card, fa("workflow.btn_wd"))
    again = await owner.press(asked, fa("workflow.btn_withdraw_no"))
    assert is_card(again, T1)
    await emulator.wait_until(lambda: asked.buttons == [])
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


async def test_a_language_chosen_while_a_text_is_asked_for_keeps_waiting_for_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner pressed "➕ افزودن توضیح", then switched to English before writing.
    /language dropped the question without a word, and the note written next got the
    general hint: it was lost. The choice now keeps the question, says (in English) that
    the text is still awaited, and the note written next is added. The command menu follows
    the choice, as after the greeting."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    card = await owner.say("1405-0001")
    await owner.press(card, fa("workflow.btn_inf"))
    choice = await owner.say("/language")
    await owner.press_only(choice, "lang:en")
    await emulator.wait_for_message(owner.id, saying("common.prompt_still_open", lang="en"))
    menu = {c["command"]: c["description"] for c in emulator.commands[(f"chat:{owner.id}", "")]}
    assert menu["report"] == EN.t("menu.report")
    done = await owner.say("The bank's letter is dated 1 Azar.")
    assert done.text.startswith(EN.t("workflow.done_inf")), done.text


async def test_a_question_about_another_report_is_not_offered_as_an_answer(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: SMT asked an owner a question on 1405-0001; the owner, waiting on it, asked the
    bot «گزارش ۱۴۰۵-۰۰۰۲ چی شد؟» and was offered to send that as the answer to 1405-0001.
    A text that names only reports no question waits on opens them; one that names the
    report asked about is still offered as its answer."""
    owner, officer = cast.owner, cast.officer
    await file_report(app, owner, "raw_materials")
    await file_report(app, owner, "permits")
    card = await officer.say("1405-0001")
    await officer.press(card, fa("workflow.btn_ask"))
    await officer.say("لطفاً فاکتور خرید را بفرستید.")
    await owner.next("پرسشی دارد")
    opened = await owner.say("گزارش ۱۴۰۵-۰۰۰۲ چی شد؟")
    assert is_card(opened, T2), opened.text
    offered = await owner.say("دربارهٔ ۱۴۰۵-۰۰۰۱: فاکتور را فردا می‌فرستم.")
    assert says(offered.text, "workflow.offer_answer", number=T1)


async def test_the_greeting_in_the_middle_of_a_flow_says_it_is_still_open(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner at the description step sent /start, read the greeting with its menu,
    and typed a question for the bot, which became the report's description. The greeting
    now says that what they began is still open: answer the question above, or /cancel."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    greeting = await owner.say("/start")
    assert says(greeting.text, "start.greeting", name="رضا", role=fa("roles.owner"))
    assert fa("start.flow_open") in greeting.text
    await owner.say("/cancel")
    assert fa("start.flow_open") not in (await owner.say("/start")).text


async def test_a_double_tap_on_a_language_answers_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a double tap on "English" greeted twice; within /register it asked the name
    twice. The second tap on a prompt already answered is only answered."""
    owner = cast.owner
    ended = {EN.t("common.cancelled"), EN.t("common.nothing_to_cancel")}
    for begin, follows in (("/help", "start.greeting"), ("/register", "registration.ask_name")):
        await owner.say(begin)
        choice = await owner.say("/language")
        start = choice.created_seq
        for _ in range(2):
            await emulator.press_raw(owner.id, owner.id, choice.message_id, "lang:en")
        # Updates are handled in order: once /cancel is answered, both taps were.
        await owner.send("/cancel")
        await emulator.wait_for_message(owner.id, lambda m: m.text in ended, after=start)
        after = [m for m in emulator.messages(owner.id) if m.created_seq > start]
        assert len([m for m in after if says(m.text, follows, lang="en")]) == 1, begin


async def test_a_double_tap_on_submit_says_the_report_went(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a double tap on "✅ ثبت گزارش" gave the receipt, and for the second tap an
    alert "this button is no longer valid", which reads as if the report had not gone.
    The second tap says which report the summary became."""
    owner = cast.owner
    await register_unit(app, owner)
    ask_files = await report_up_to_attachments(owner)
    summary = await summary_after(owner, ask_files)
    label = next(t for row in summary.buttons for t, _ in row if fa("report.btn_submit") in t)
    first = await emulator.press(owner.id, summary, label)
    second = await emulator.press(owner.id, summary, label)
    await owner.next("شمارهٔ پیگیری")
    answer = await emulator.wait_for_answer(second)
    assert answer.text == fa("report.already_submitted", number=T1)
    assert (await emulator.wait_for_answer(first)).text != answer.text
    receipts = [m for m in emulator.messages(owner.id) if says(m.text, "report.submitted")]
    assert len(receipts) == 1


async def test_my_reports_without_a_unit_offers_to_register_one(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """Seen: a newcomer's /myreports said "you have not reported anything yet" under a
    "Report an obstacle" button, which only said "first register your unit". Without a
    unit the button registers one."""
    newcomer = Person(emulator, emulator.add_user(7103, "Nora", language_code="en"))
    empty = await newcomer.say("/myreports")
    assert empty.text == EN.t("myreports.empty")
    assert labels(empty) == EN.t("start.btn_register")
    ask_name = await newcomer.press(empty, EN.t("start.btn_register"))
    assert says(ask_name.text, "registration.ask_name", lang="en")
