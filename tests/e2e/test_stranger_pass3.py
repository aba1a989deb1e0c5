"""Defects found on the third stranger's pass (after the handler packages were split): each
pinned by what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import FA, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import report_up_to_attachments, summary_after
from tests.e2e.workflow_kit import (
    Cast,
    file_report,
    officers_card,
    press_and_answer,
    press_data,
    services_of,
)
from tests.people import Person


async def tax_item_by_chat(emulator: BotApiEmulator, hq: Person) -> SentMessage:
    """/agenda → report 1405-0001 bundled into a new item ("another cause"); the item."""
    agenda = await hq.say("/agenda")
    await hq.press_only(agenda, "☐ \u2066۱۴۰۵-۰۰۰۱\u2069")  # labels isolate the number
    agenda = await emulator.wait_for_message(hq.id, lambda m: "تجمیع" in " ".join(m.button_texts))
    causes = await hq.press(agenda, "تجمیع")
    await hq.press(causes, "علت دیگر")
    await hq.say("مالیات علی‌الرأس")
    return await hq.say("۱۴۰۵/۱۰/۱۵")


async def test_an_empty_compliance_board_offers_no_chart_of_nothing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /compliance before any HQ decision said "no decisions in this period" above a
    "📊 نمودار" button; pressed, it sent a picture with a title and no bars. /stats hides
    its chart until there is something to draw; the board now does the same, and an older
    board's chart button says why there is no chart instead of sending an empty one."""
    official = cast.official
    board = await official.say("/compliance")
    assert FA.t("sessions.board_empty") in board.text
    assert FA.t("sessions.btn_chart") not in board.button_texts
    month = await official.press(board, FA.t("sessions.period_month"))
    assert FA.t("sessions.btn_chart") not in month.button_texts

    sent = len(emulator.messages(official.id))
    answer = await press_data(emulator, official, board, "cp:c:year")
    assert answer.show_alert
    assert answer.text == FA.t("sessions.board_empty")
    await asyncio.sleep(0.5)  # an empty chart would be on its way by now
    assert not [m for m in emulator.messages(official.id)[sent:] if m.kind == "photo"]


async def test_the_loans_summary_has_no_summary_button_that_does_nothing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /loans opens on the summary with a "خلاصه" (summary) button beside "به تومان";
    pressed, nothing at all happened (the same summary, no word): a button that leads
    nowhere. Its place is on the breakdowns, to come back to the summary."""
    official = cast.official
    loans = await official.say("/loans")
    assert FA.t("loans.btn_toman") in loans.button_texts
    assert FA.t("loans.btn_summary") not in loans.button_texts
    tomans = await official.press(loans, FA.t("loans.btn_toman"))
    assert FA.t("loans.btn_rial") in tomans.button_texts
    assert FA.t("loans.btn_summary") not in tomans.button_texts


async def assert_decided_without_asking(
    emulator: BotApiEmulator, hq: Person, message: SentMessage, button: str
) -> None:
    """Pressing an old decide button answers "decision 1 is recorded" and asks nothing."""
    sent = len(emulator.messages(hq.id))
    answer = await press_and_answer(emulator, hq, message, button)
    assert answer == FA.t("hq.already_decided", id="۱")
    await asyncio.sleep(0.5)  # a prompt for the text would be here by now
    assert not any(
        FA.t("hq.ask_decision") in m.text for m in emulator.messages(hq.id)[sent:] if m.from_bot
    )


async def test_an_items_old_decide_button_says_it_is_decided_before_asking_anything(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat recorded decision 1 on an agenda item, then pressed
    "🏛 ثبت مصوبه" on the item's message above it (it keeps its buttons): the bot asked for
    the decision's text again, then the agencies, then the deadline, and only the last press
    was refused with "not possible in the report's current state"."""
    owner, hq = cast.owner, cast.secretariat
    await file_report(app, owner, "tax")  # nobody at the tax office: straight to the HQ
    item = await tax_item_by_chat(emulator, hq)
    await hq.press(item, FA.t("hq.btn_decide"))
    agencies = await hq.say("ادارهٔ مالیات تا پایان ماه معافیت را اعمال کند.")
    deadline = await hq.press(agencies, FA.t("hq.btn_next"))
    decided = await hq.press(deadline, FA.t("hq.days", days="۲۰"))
    assert "مصوبهٔ شمارهٔ ۱ ثبت شد" in decided.text

    await assert_decided_without_asking(emulator, hq, item, FA.t("hq.btn_decide"))


async def test_an_old_agendas_bundle_button_is_refused_before_asking_anything(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: after bundling report 1405-0001 into an item, the secretariat pressed the
    earlier agenda's "تجمیع گزارش‌های انتخاب‌شده (۱)" again: the bot asked for the common
    cause, the title and the session's date, and only then said "select at least one report
    first". The press itself now says it, and so does an old cause button."""
    owner, hq = cast.owner, cast.secretariat
    await file_report(app, owner, "tax")
    await tax_item_by_chat(emulator, hq)
    agenda = next(m for m in emulator.messages(hq.id) if "تجمیع" in " ".join(m.button_texts))
    causes = next(m for m in emulator.messages(hq.id) if "علت دیگر" in " ".join(m.button_texts))

    sent = len(emulator.messages(hq.id))
    refused = FA.t("workflow.error_nothing_selected")
    assert await press_and_answer(emulator, hq, agenda, "تجمیع") == refused
    assert await press_and_answer(emulator, hq, causes, "علت دیگر") == refused
    await asyncio.sleep(0.5)  # a question would be here by now
    assert not [m for m in emulator.messages(hq.id)[sent:] if m.from_bot]


async def test_a_sessions_old_decision_button_says_the_item_is_decided(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """The session's sibling of the agenda item's: "🏛 مصوبهٔ بند ۱" pressed again on the
    session's earlier view, after the decision on item 1, asked for a whole second
    decision and refused it at the deadline."""
    hq = cast.secretariat
    sessions = services_of(app).sessions
    principal = (await services_of(app).users.profile(hq.id)).principal
    starts = clock.now() + timedelta(days=2)
    found = await sessions.schedule(
        principal, number=1, starts_at=starts, place="استانداری", chair="استاندار"
    )
    await sessions.add_own_item(principal, found.id, title="راهبرد صادرات", cause_kind="other")
    clock.set(starts + timedelta(minutes=5))  # held: its items' outcomes can be recorded
    listing = await hq.say("/session")
    view = await hq.press(listing, listing.button_texts[0])
    decide = FA.t("sessions.btn_decide", n="۱")
    await hq.press(view, decide)
    agencies = await hq.say("سازمان صمت طرح صادرات را تا پایان ماه تدوین کند.")
    agencies = await hq.press(agencies, "صمت")
    deadline = await hq.press(agencies, FA.t("hq.btn_next"))
    await hq.press(deadline, FA.t("hq.days", days="۲۰"))
    assert (await sessions.get(principal, found.id)).items[0].decision_id == 1

    await assert_decided_without_asking(emulator, hq, view, decide)


async def test_a_refused_press_on_a_stale_card_redraws_the_card(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the SMT officer's card of 1405-0001 still read "ارجاع‌شده" with ✋ پذیرش after the
    owner had withdrawn the report; each button answered "not possible in the report's
    current state" and the card went on showing the old state and the same buttons."""
    owner, officer = cast.owner, cast.officer
    card = await officers_card(app, cast)
    accept = FA.t("workflow.btn_acc")
    assert accept in card.button_texts
    mine = await owner.say("1405-0001")
    confirm = await owner.press(mine, FA.t("workflow.btn_wd"))
    await owner.press_only(confirm, confirm.button_texts[0])
    await officer.next("پس گرفت")

    answer = await press_and_answer(emulator, officer, card, accept)
    assert answer == FA.t("workflow.error_not_now")
    await emulator.wait_until(lambda: FA.t("status.withdrawn") in card.text)
    assert accept not in card.button_texts


async def test_my_reports_mid_report_points_back_to_the_unsent_draft(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /myreports sent at a report's preview said "you have not reported anything
    yet" and offered to report an obstacle, as if the report being written were gone. It
    now says a report is not submitted yet, and its button leads back to that draft's step."""
    owner = cast.owner
    await register_unit(app, owner)
    ask_files = await report_up_to_attachments(owner)
    summary = await summary_after(owner, ask_files)
    assert summary.button_texts
    mine = await owner.say("/myreports")
    assert FA.t("myreports.draft_open") in mine.text
    resume = FA.t("report.btn_resume")
    assert resume in mine.button_texts
    # Pressed, it goes on with the draft (no "continue, or start again?" asked twice).
    again = await owner.press(mine, resume)
    assert says(again.text, "report.summary_title")
