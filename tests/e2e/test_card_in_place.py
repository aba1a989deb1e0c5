"""An action on a report's card redraws that card: status, history, the buttons of the new
state; a new card only when the old one cannot be edited. Over HTTP (issue 11, item 11)."""

from __future__ import annotations

import re

from bot.context import RounaqApp
from bot.views.common import status_label
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import FA, fa, labels, saying, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.workflow_kit import (
    Cast,
    alerts,
    event_kinds,
    officers_card,
    only_report,
    press_and_answer,
    press_data,
)
from tests.people import Person

IN_PROGRESS = FA.t("status.in_progress")
AWAITING = FA.t("status.awaiting_owner_staff")
HISTORY = re.sub(r"<[^>]+>", "", FA.t("history.title"))


def sent_count(emulator: BotApiEmulator, person: Person) -> int:
    return len(emulator.messages(person.id))


async def redrawn(emulator: BotApiEmulator, card: SentMessage, text: str) -> SentMessage:
    await emulator.wait_until(lambda: text in card.text)
    return card


async def test_officer_card_follows_every_action(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer = cast.owner, cast.officer
    card = await officers_card(app, cast)
    assert FA.t("status.referred") in card.text
    before = sent_count(emulator, officer)

    # Accept: the toast, and the same message now says "in progress" with the event.
    toast = await press_and_answer(emulator, officer, card, "پذیرش")
    assert toast == FA.t("workflow.done_acc")
    assert IN_PROGRESS in card.text
    assert FA.t("status.referred") not in card.text.split(HISTORY)[0]
    assert says(card.text.split(HISTORY)[1], "history.accepted")
    assert fa("workflow.btn_acc") not in labels(card)
    assert fa("workflow.btn_ask") in card.button_texts
    assert sent_count(emulator, officer) == before  # no separate message below
    await owner.next("پذیرفت")

    # A question (typed after the prompt): the reply, and the card redrawn.
    prompt = await officer.press(card, "پرسش از صاحب واحد")
    assert "/cancel" in prompt.text
    reply = await officer.say("فاکتور خرید نخ را بفرستید.")
    assert FA.t("workflow.done_ask") in reply.text
    await redrawn(emulator, card, AWAITING)
    assert "فاکتور خرید نخ" in card.text
    await owner.next("پرسشی دارد")

    # The owner answers from their own card: their card is redrawn too.
    mine = await owner.say("1405-0001")
    assert FA.t("status.awaiting_owner") in mine.text
    await owner.press(mine, "پاسخ به پرسش")
    await owner.say("از شرکت نساجی البرز خریدیم.")
    await redrawn(emulator, mine, IN_PROGRESS)
    assert fa("workflow.btn_ans") not in labels(mine)
    await officer.next("پاسخ داد")

    # The officer's card, which was open all along, resolves the report in place.
    await officer.press(card, "رفع شد")
    await officer.say("سهمیهٔ نخ از بورس کالا تخصیص یافت.")
    await redrawn(emulator, card, FA.t("status.resolved"))
    assert fa("workflow.btn_res") not in card.button_texts
    resolved = await owner.next("رفع‌شده اعلام کرد")
    assert resolved

    # The owner confirms from their card (a button with no text): redrawn, no new message.
    mine = await owner.say("1405-0001")
    before = sent_count(emulator, owner)
    toast = await press_and_answer(emulator, owner, mine, "مانع رفع شد")
    assert toast == FA.t("workflow.done_ok")
    assert fa("workflow.btn_ok") not in labels(mine)
    assert says(mine.text.split(HISTORY)[1], "history.confirmed")
    assert sent_count(emulator, owner) == before


async def test_the_new_report_notice_is_the_card_and_follow_ups_redraw_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer, bank = cast.owner, cast.officer, cast.bank_officer
    await register_unit(app, owner)
    await submit_by_chat(owner)
    notice = await emulator.wait_for_message(officer.id, saying("agency.new_report"))
    assert FA.t("status.referred") in notice.text
    before = sent_count(emulator, officer)
    await press_and_answer(emulator, officer, notice, "پذیرش")
    assert IN_PROGRESS in notice.text
    assert HISTORY in notice.text
    assert sent_count(emulator, officer) == before

    # Reassigning: the picker is a follow-up; the card says where the report went.
    picker = await officer.press(notice, "ارجاع به دستگاه دیگر")
    await press_and_answer(emulator, officer, picker, "بانک‌های عامل")
    await emulator.wait_until(lambda: "بانک‌های عامل" in notice.text)
    assert FA.t("status.referred") in notice.text
    assert notice.buttons == []  # no longer SMT's to act on
    assert picker.buttons == []
    await bank.next("referred to Lending banks")
    await owner.next("بانک‌های عامل")

    # The owner withdraws from their card, through the confirmation.
    mine = await owner.say("1405-0001")
    confirm = await owner.press(mine, "پس گرفتن گزارش")
    await press_and_answer(emulator, owner, confirm, "بله")
    await redrawn(emulator, mine, FA.t("status.withdrawn"))
    assert confirm.buttons == []
    assert mine.buttons == []


async def test_a_card_that_cannot_be_edited_is_sent_anew(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    officer = cast.officer
    card = await officers_card(app, cast)
    prompt = await officer.press(card, "پرسش از صاحب واحد")
    assert "/cancel" in prompt.text
    card.deleted = True  # the officer deleted the card meanwhile
    cursor = emulator.cursor(officer.id)
    await officer.say("شمارهٔ پروانه را بفرستید.")
    fresh = await emulator.wait_for_message(officer.id, lambda m: HISTORY in m.text, after=cursor)
    assert fresh.message_id != card.message_id
    assert AWAITING in fresh.text
    assert not alerts(emulator, officer.id)


async def test_a_second_tap_of_accept_is_told_it_is_done_not_refused(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen on the fifth stranger's pass: an officer tapped ✋ twice quickly, and the second
    tap (its card not yet redrawn) was alerted "This cannot be done in the report's current
    state", right after they had accepted it. The report is where the tap wanted it: told
    quietly, the card shows it, and the history has one acceptance."""
    card = await officers_card(app, cast)
    label = fa("workflow.btn_acc")
    accept = next(data for row in card.buttons for text, data in row if label in text)
    assert accept is not None
    first = await press_data(emulator, cast.officer, card, accept)
    assert first.text == FA.t("workflow.done_acc")
    again = await press_data(emulator, cast.officer, card, accept)
    done = status_label(FA, "in_progress", staff=True)
    assert again.text == FA.t("workflow.already_done", status=done)
    assert not again.show_alert
    assert IN_PROGRESS in card.text
    report = await only_report(app)
    assert (await event_kinds(app, report.id)).count("accepted") == 1
