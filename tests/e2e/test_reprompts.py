"""Every step that asks for a button: wrong input brings the same buttons back, and typing a
button's label (Arabic ي/ك, without its emoji) counts as pressing it. Over real HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.i18n import get_translator
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator, SentMessage
from tests.e2e.durability_helpers import bot_with_owner
from tests.e2e.expect import FA, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import DESCRIPTION, report_up_to_attachments
from tests.e2e.workflow_kit import Cast
from tests.people import Person

EN = get_translator("en")


Walk = Callable[[RounaqApp, Cast], Awaitable[tuple[Person, SentMessage]]]


def pressed_on(walk: Walk, button: str, answer: str) -> Walk:
    """The step after ``walk``'s: ``button`` pressed on its prompt; the bot's next message,
    which holds ``answer``, is this step's prompt."""

    async def step(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
        person, prompt = await walk(app, cast)
        await person.press_only(prompt, button)
        return person, await person.next(answer)

    return step


async def reg_sector(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    await cast.owner.say("/register")
    return cast.owner, await cast.owner.say("واحد آزمایشی")


async def reg_county(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    person, sectors = await reg_sector(app, cast)
    return person, await person.press(sectors, "فرش")


async def reg_permit(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    person, counties = await reg_county(app, cast)
    return person, await person.press(counties, "قم")


async def report_unit(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    await register_unit(app, cast.owner, "فرش ممتاز قم")
    await register_unit(app, cast.owner, "سوهان گز")
    return cast.owner, await cast.owner.say("/report")


async def report_category(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    await register_unit(app, cast.owner, "فرش ممتاز قم")
    return cast.owner, await cast.owner.say("/report")


async def report_category_en(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    await register_unit(app, cast.other_owner, "Qom Carpets")
    return cast.other_owner, await cast.other_owner.say("/report")


async def report_attach(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    await register_unit(app, cast.owner)
    return cast.owner, await report_up_to_attachments(cast.owner)


report_amount = pressed_on(report_attach, FA.t("report.btn_continue"), "مبلغ")


async def report_confirm(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    person, _ = await report_amount(app, cast)
    return person, await person.say("۵۰۰ میلیون")


async def report_resume(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    person, _ = await report_attach(app, cast)
    return person, await person.say("/report")


async def progress_program(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    return cast.officer, await cast.officer.say("/progress")


async def progress_evidence(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    person, programs = await progress_program(app, cast)
    await person.press(programs, "تأمین مواد اولیه")
    await person.say("۴۰")
    return person, await person.say("قرارداد تأمین نخ با بورس کالا بسته شد")


progress_date = pressed_on(progress_evidence, FA.t("programs.btn_no_evidence"), "تاریخ")
progress_confirm = pressed_on(progress_date, FA.t("programs.btn_today"), "۴۰٪")


async def edit_field(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    return cast.admin, await cast.admin.say("/editprogram 1")


async def edit_agency(app: RounaqApp, cast: Cast) -> tuple[Person, SentMessage]:
    person, fields = await edit_field(app, cast)
    return person, await person.press(fields, FA.t("programs.field.agency_id"))


STEPS: dict[str, Walk] = {
    "registration: sector": reg_sector,
    "registration: county": reg_county,
    "registration: permit": reg_permit,
    "report: unit": report_unit,
    "report: category": report_category,
    "report: category (en)": report_category_en,
    "report: attachments": report_attach,
    "report: amount": report_amount,
    "report: confirm": report_confirm,
    "report: resume the draft": report_resume,
    "progress: program": progress_program,
    "progress: evidence": progress_evidence,
    "progress: date": progress_date,
    "progress: confirm": progress_confirm,
    "editprogram: field": edit_field,
    "editprogram: agency": edit_agency,
}


def arabic_keyboard(label: str) -> str:
    """The label as typed on an Arabic keyboard, without its emoji or arrows."""
    kept = "".join(ch for ch in label if ch.isalnum() or ch.isspace() or ch == "\u200c")
    return kept.strip().replace("ی", "ي").replace("ک", "ك")


@pytest.mark.parametrize("step", list(STEPS))
async def test_wrong_input_brings_the_buttons_back_and_a_typed_label_presses(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, step: str
) -> None:
    """At the step: a sticker, then unrelated text, each brings the same buttons back; the
    first button's label then typed (Arabic keyboard) counts as pressing it. One walk to the
    step for the three (they were three tests, each starting a bot and walking there): a
    refused input leaves the person at the step, so each meets the same prompt."""
    person, prompt = await STEPS[step](app, cast)
    # As asked: a re-prompt may take the buttons off the message before (handlers/steps).
    buttons = prompt.button_texts
    assert buttons, (step, prompt.text)
    failures: list[str] = []
    await emulator.send_sticker(person.id)
    reply = await person.next()
    if reply.button_texts != buttons:
        failures.append(f"sticker: {reply.text!r} {reply.button_texts}")
    reply = await person.say("چیز نامربوط xyz")
    if reply.button_texts != buttons:
        failures.append(f"text: {reply.text!r} {reply.button_texts}")
    label = buttons[0]
    reply = await person.say(arabic_keyboard(label))
    hints = {
        tr.t(key)
        for tr in (FA, EN)
        for key in ("common.use_buttons", "common.text_expected", "report.files_expected")
    }
    if reply.text in hints:
        failures.append(f"typed {label!r}: taken as wrong input ({reply.text!r})")
    if reply.button_texts == buttons and reply.text == prompt.text:
        failures.append(f"typed {label!r}: the same prompt again")
    assert not failures, (step, failures)


async def test_the_attachment_step_after_a_restart_takes_a_typed_continue(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The defect as found: "ادامه" typed at the attachment step, and /report keeps the draft."""
    person, _ = await report_attach(app, cast)
    moved_on = await person.say("ادامه")
    assert says(moved_on.text, "report.ask_amount")
    again = await person.say("/report")
    assert again.text == FA.t("report.resume_question")
    resumed = await person.press(again, FA.t("report.btn_resume"))
    if "مبلغ" not in resumed.text:
        resumed = await person.next("مبلغ")
    summary = await person.say("۵۰۰ میلیون")
    assert DESCRIPTION in summary.text


async def test_after_a_restart_the_attachment_step_still_has_its_button(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    """The defect as found after a restart: "ادامه" typed, and the button shown again."""
    async with bot_with_owner(settings, emulator, clock) as (_app, owner, _officer):
        await report_up_to_attachments(owner)
    async with running_bot(settings, clock=clock, poll_timeout=1):
        await emulator.send_voice(owner.id)
        again = await owner.next()
        assert again.text == FA.t("report.files_expected")
        assert again.button_texts == [FA.t("report.btn_continue")]
        moved_on = await owner.say("ادامه")
        assert says(moved_on.text, "report.ask_amount")
