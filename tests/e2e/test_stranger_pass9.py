"""Defects found on the ninth stranger's pass (an owner's notice buttons after the report
moved on, an owner's command typed in a group, the unit picker of /report, an edited
description, a unit's name of symbols): each pinned by what the person saw. Over HTTP,
against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import FA, FA_P, T1, fa, labels, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import submit, summary_after, up_to_description
from tests.e2e.workflow_kit import Cast, file_report, press_data
from tests.people import Person


async def question_notice(cast: Cast) -> SentMessage:
    """SMT asks the owner about 1405-0001; the owner's notice with its answer button."""
    officer, owner = cast.officer, cast.owner
    card = await officer.say("1405-0001")
    await officer.press(card, fa("workflow.btn_ask"))
    await officer.say("لطفاً فاکتور خرید نخ را بفرستید.")
    return await owner.next("فاکتور خرید")


def button_data(message: SentMessage, label: str) -> str:
    return next(str(data) for row in message.buttons for text, data in row if text == label)


async def test_an_answered_questions_notice_loses_its_answer_button(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner answered SMT's question from its notice; the notice still offered
    "💬 پاسخ به پرسش", and pressed again (to add a word) it said only "this cannot be done
    in the report's current state", the button staying. Once answered, the notice's buttons
    follow the report's state."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    notice = await question_notice(cast)
    answer = fa("workflow.btn_ans")
    await owner.press(notice, answer)
    done = await owner.say("فاکتور فردا فرستاده می‌شود.")
    assert done.text.startswith(fa("workflow.done_ans"))
    await emulator.wait_until(lambda: answer not in labels(notice))
    assert fa("myreports.btn_open") in labels(notice)


async def test_an_old_notice_button_says_what_the_report_is_now(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The same notice's button pressed after the report moved on some other way (the
    agency resolved it): the alert names the report's state, and the notice now carries the
    buttons of that state (the owner's "removed?" question) instead of the stale one."""
    owner, officer = cast.owner, cast.officer
    await file_report(app, owner, "raw_materials")
    notice = await question_notice(cast)
    stale = button_data(notice, fa("workflow.btn_ans"))
    card = await officer.say("1405-0001")
    await officer.press(card, fa("workflow.btn_res"))
    await officer.say("نخ از بورس کالا تأمین شد.")
    await owner.next("بورس کالا")
    answer = await press_data(emulator, owner, notice, stale)
    status = FA.t("status.resolved")
    assert answer.show_alert
    assert says(answer.text or "", "workflow.moved_on", number=T1, status=status), answer.text
    await emulator.wait_until(lambda: fa("workflow.btn_ans") not in labels(notice))
    assert fa("workflow.btn_ok") in labels(notice)


async def test_an_owners_command_in_a_group_links_to_the_private_chat(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    """Seen: a stranger in the province's owners' group typed /report (and /register) and
    was told only "do this in your private chat with the bot", with no way there: one who
    never opened the bot has no such chat to go to. The answer carries a link to it."""
    person = Person(emulator, emulator.add_user(7101, "نوید"))
    group = emulator.add_group(-1005550001, "صاحبان واحدهای قم", [person.id])
    for command in ("/report", "/register@rounaq_test_bot"):
        await emulator.send_text(person.id, command, chat_id=group.id)
        told = await emulator.wait_for_message(group.id)
        assert told.text == fa("common.private_only")
        assert told.buttons == [[(fa("common.btn_open_private"), "https://t.me/rounaq_test_bot")]]


async def test_the_unit_picker_says_which_unit_was_chosen(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner with two units began /report and picked the second; the category
    question came, but "مانع مربوط به کدام واحد است؟" kept both units' buttons, and
    pressing the other one later said only "this button is no longer valid". The picker
    now reads the chosen unit, as the category's reads the chosen category."""
    owner = cast.owner
    await register_unit(app, owner, name="فرش ممتاز قم")
    await register_unit(app, owner, name="Qom Tiles")
    picker = await owner.say("/report")
    assert says(picker.text, "report.ask_unit")
    await owner.press(picker, "Qom Tiles")
    await emulator.wait_until(lambda: not picker.buttons)
    assert picker.text == fa("report.unit_chosen", unit="\u2068Qom Tiles\u2069")


async def test_an_edited_description_replaces_what_it_said(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner wrote the obstacle's description, noticed a wrong figure and edited
    the message, as one does on a phone. The bot said edits are not read and to send the
    corrected text as a new message; sent at "send photos, then Continue", that text was
    added to the description, so the preview held both the wrong and the right figure.
    The edit now rewrites the description, and the preview shows it once."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    wrong = "قیمت نخ از بازار آزاد سه برابر شده و تولید نیمه متوقف است."
    right = "قیمت نخ از بازار آزاد چهار برابر شده و تولید نیمه متوقف است."
    sent = await emulator.send_text(owner.id, wrong)
    await owner.next(fa("report.btn_continue").split()[0])
    await emulator.edit_text(owner.id, sent.message_id, right)
    told = await owner.next("✏️")
    assert told.text == fa("report.description_edited", length=FA_P.number(len(right)))
    assert fa("report.btn_continue") in labels(told)
    summary = await summary_after(owner, told)
    assert right in summary.text
    assert wrong not in summary.text
    confirmation = await submit(owner, summary)
    assert says(confirmation.text, "report.submitted", number=T1)


async def test_a_unit_name_of_symbols_is_refused_and_a_long_one_says_its_length(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: "😀😀" and "..." were taken as a unit's name (two characters passed the check),
    and a 150-character paste (the unit's name with its address) was told only "2 to 120
    characters". A name needs two letters or digits of any script; a long one is told its
    length."""
    owner = cast.owner
    await owner.say("/register")
    short = fa("registration.name_short", min=FA_P.number(2))
    for nothing in ("😀😀", "...", "  ـ  "):
        refused = await owner.say(nothing)
        assert refused.text == short, nothing
    pasted = "فرش ممتاز قم، شهرک صنعتی شکوهیه، " * 5
    long_ = await owner.say(pasted)
    length = FA.plural("workflow.characters", len(pasted.strip()))
    assert long_.text == fa("registration.name_length", max=FA_P.number(120), length=length)
    sectors = await owner.say("K2")
    assert says(sectors.text, "registration.ask_sector", name="\u2068K2\u2069")
