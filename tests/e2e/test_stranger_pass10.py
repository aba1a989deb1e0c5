"""Defects found on the tenth stranger's pass (step buttons left standing once a step was
answered by typing or the flow ended, a file sent at a later step, ...): each pinned by
what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import fa, piece, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import DESCRIPTION, summary_after
from tests.e2e.workflow_kit import Cast, press_data
from tests.people import Person


def live(emulator: BotApiEmulator, person: Person, data_prefix: str) -> list[SentMessage]:
    """The bot's messages to `person` that still show a button whose data starts so."""
    return [
        m
        for m in emulator.messages(person.id)
        if any(str(data).startswith(data_prefix) for row in m.buttons for _text, data in row)
    ]


async def test_a_step_answered_by_typing_loses_its_buttons(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner typed the category's label instead of pressing it, and later the
    amount instead of "No amount"; the flow went on, but the category question and the
    amount's "No amount" stayed pressable above, and pressed (scrolling back) answered
    only "this button is no longer valid". Once a step is answered its buttons go."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    label = next(text for row in categories.buttons for text, _data in row if "مواد اولیه" in text)
    await owner.say(label)
    await owner.next("شرح")
    await emulator.wait_until(lambda: not categories.buttons)
    ask_files = await owner.say(DESCRIPTION)
    await owner.press_only(ask_files, "ادامه")
    ask_amount = await owner.next("مبلغ")
    assert fa("report.btn_skip") in ask_amount.button_texts[0]
    summary = await owner.say("۵۰۰ میلیون")
    assert says(summary.text, "report.summary_title")
    await emulator.wait_until(lambda: not ask_amount.buttons)
    assert live(emulator, owner, "rep:") == [summary]


async def test_a_reprompt_takes_the_buttons_off_the_question_before(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a sticker, then a voice note at the category question: each was answered
    "choose one of the buttons" with the thirteen categories again, so three sets of them
    stood in the chat. Only the newest stays."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    await emulator.send_sticker(owner.id)
    await owner.next(piece("common.use_buttons"))
    await emulator.send_voice(owner.id)
    again = await owner.next(piece("common.use_buttons"))
    await emulator.wait_until(lambda: len(live(emulator, owner, "rep:cat")) == 1)
    assert live(emulator, owner, "rep:cat") == [again]
    assert not categories.buttons


async def test_cancel_takes_the_summarys_buttons_off_and_an_old_press_is_told(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /cancel at the preview said "cancelled", but the preview kept "✅ ثبت گزارش"
    and the rest; pressed later, Submit answered "no longer valid". The buttons go with
    the flow; a press that still comes (an old client) is told so, in the person's
    language."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    await owner.press_only(categories, "مواد اولیه")
    await owner.next("شرح")
    summary = await summary_after(owner, await owner.say(DESCRIPTION))
    submit = next(str(d) for row in summary.buttons for t, d in row if "ثبت" in t)
    cancelled = await owner.say("/cancel")
    assert cancelled.text == fa("common.cancelled")
    await emulator.wait_until(lambda: not summary.buttons)
    answer = await press_data(emulator, owner, summary, submit)
    assert answer.show_alert
    assert answer.text == fa("common.stale_button")


async def test_a_sector_typed_takes_the_sector_buttons_off(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: registering a unit, the owner typed its sector ("فرش") instead of pressing
    it; the county question came, and the sector grid stayed pressable above it."""
    owner = cast.owner
    await owner.say("/register")
    sectors = await owner.say("فرش ممتاز قم")
    assert says(sectors.text, "registration.ask_sector")
    label = sectors.buttons[0][0][0]
    counties = await owner.say(label)
    assert says(counties.text, "registration.ask_county")
    await emulator.wait_until(lambda: not sectors.buttons)
    assert live(emulator, owner, "reg:") == [counties]
