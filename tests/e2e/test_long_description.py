"""A long description is kept whole: previews in the summary and cards, the full text on
demand. Over HTTP (issue 11, item 14)."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.services.reports import DESCRIPTION_MAX
from emulator import BotApiEmulator
from storage.models import Report
from tests.e2e.expect import FA, saying, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import up_to_description
from tests.e2e.workflow_kit import Cast, services_of

FA_FMT = Presenter("fa")
# A paste of ~7,500 characters: Telegram delivers it as two messages.
WORDS = "تأمین نخ از بازار آزاد سه برابر گران شده و تولید نیمه متوقف است "
FIRST = (WORDS * 56).strip()  # ~3,600 characters: over the old 3,000 limit
SECOND = ("ادامه: " + WORDS * 58).strip()


async def test_a_long_description_is_kept_and_shown_in_full_on_demand(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer = cast.owner, cast.officer
    assert 3000 < len(FIRST) < 4096
    assert len(SECOND) < 4096
    await register_unit(app, owner)
    await up_to_description(owner)

    # Before: "شرح بلند است ... حداکثر ۳٬۰۰۰ نویسه" and the text had to be rewritten.
    files = await owner.say(FIRST)
    assert FA.t("report.btn_continue") in files.button_texts[0], files.text
    added = await owner.say(SECOND)
    whole = FIRST + "\n" + SECOND
    assert added.text == FA.t("report.description_added", length=FA_FMT.number(len(whole)))
    await owner.press_only(added, "ادامه")
    amount = await owner.next("مبلغ")
    await owner.press_only(amount, "بدون مبلغ")
    summary = await owner.next("پیش‌نمایش")
    assert len(summary.text) <= 4096
    assert "…" in summary.text
    assert FA_FMT.number(len(whole)) in summary.text
    await owner.press_only(summary, "ثبت گزارش")
    await owner.next("شمارهٔ پیگیری")

    async with services_of(app).database.session() as session:
        report = (await session.scalars(select(Report))).one()
    assert report.description == whole  # stored whole

    # The officer's card is one message with a trimmed start and a "full text" button.
    await emulator.wait_for_message(officer.id, saying("agency.new_report"))
    card = await officer.say("1405-0001")
    assert says(card.text, "history.title")
    assert len(card.text) <= 4096
    assert "…" in card.text
    full = FA.t("myreports.btn_full_text")
    assert full in card.button_texts
    cursor = emulator.cursor(officer.id)
    await officer.press_only(card, full)
    await emulator.wait_until(
        lambda: (
            "ادامه:"
            in "".join(m.text for m in emulator.messages(officer.id) if m.created_seq > cursor)
        )
    )
    title = FA.t(
        "myreports.full_text_title",
        number=FA_FMT.tracking(1405, 1),
        length=FA_FMT.number(len(whole)),
    )
    await emulator.wait_until(
        lambda: (
            whole.split()[-1]
            in [m for m in emulator.messages(officer.id) if m.created_seq > cursor][-1].text
        )
    )
    parts = [m for m in emulator.messages(officer.id) if m.created_seq > cursor]
    assert len(parts) >= 2
    assert all(len(m.text) <= 4096 for m in parts)
    shown = "\n".join(m.text for m in parts)
    assert title.replace("<b>", "").replace("</b>", "") in shown
    # Every word of the description is there, in order.
    assert " ".join(shown.split()).endswith(" ".join(whole.split()))

    # The owner sees the same button; a stranger cannot use it.
    mine = await owner.say("1405-0001")
    assert full in mine.button_texts
    query = await emulator.press_raw(
        cast.other_owner.id, cast.other_owner.id, mine.message_id, f"my:t:{report.id}"
    )
    answer = await emulator.wait_for_answer(query)
    assert answer.show_alert


async def test_over_the_limit_the_part_is_refused_and_the_draft_kept(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    await owner.say(FIRST)
    length = len(FIRST)
    while length + 1 + len(SECOND) <= DESCRIPTION_MAX:
        await owner.say(SECOND)
        length += 1 + len(SECOND)
    refused = await owner.say(SECOND)
    assert refused.text == FA.t(
        "report.description_over",
        max=FA_FMT.number(DESCRIPTION_MAX),
        length=FA_FMT.number(length),
    )
    # Typing the button's label is pressing it, not more description.
    amount = await owner.say("ادامه")
    assert says(amount.text, "report.ask_amount")
    await owner.press_only(amount, "بدون مبلغ")
    summary = await owner.next("پیش‌نمایش")
    assert len(summary.text) <= 4096
    await owner.press_only(summary, "ثبت گزارش")
    await owner.next("شمارهٔ پیگیری")
    async with services_of(app).database.session() as session:
        report = (await session.scalars(select(Report))).one()
    assert len(report.description) == length
