"""Defects found on the eighth stranger's pass (a button that asks for text pressed twice,
a description of emoji only, a language chosen in /progress): each pinned by what the
person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.services.reports import DESCRIPTION_MIN
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import EN, FA_P, T1, fa, labels, saying, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import up_to_description
from tests.e2e.workflow_kit import Cast, file_report
from tests.people import Person


async def press_twice(
    emulator: BotApiEmulator, person: Person, message: SentMessage, label: str, key: str
) -> SentMessage:
    """Press `label` twice; the question (`key`, pinned to Persian) that the second press
    asked, once it is the only one still on screen."""
    first = await person.press(message, label)
    assert says(first.text, key)
    await person.press_only(message, label)
    second = await emulator.wait_for_message(person.id, saying(key), after=first)
    await emulator.wait_until(lambda: first.deleted)
    live = [m for m in emulator.messages(person.id, include_deleted=False) if says(m.text, key)]
    assert live == [second]
    return second


async def test_a_double_press_of_ask_the_owner_asks_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an officer tapped "❓ پرسش از صاحب واحد" twice and got two "write your question"
    prompts, one under the other. The second tap leaves one, and the question typed next is
    sent once."""
    owner, officer = cast.owner, cast.officer
    await file_report(app, owner, "raw_materials")
    card = await officer.say("1405-0001")
    await press_twice(emulator, officer, card, fa("workflow.btn_ask"), "workflow.ask_ask")
    done = await officer.say("لطفاً فاکتور خرید را بفرستید.")
    assert done.text.startswith(fa("workflow.done_ask")), done.text
    await owner.next("فاکتور خرید")
    asked = [m for m in emulator.messages(owner.id) if "فاکتور خرید" in m.text]
    assert len(asked) == 1
    assert T1 in asked[0].text


async def test_a_double_press_of_new_session_asks_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The same in the HQ: "➕ جلسهٔ تازه" twice left two "write the date" prompts; one
    stays, and the date typed next goes on to the place."""
    hq = cast.secretariat
    listing = await hq.say("/session")
    await press_twice(emulator, hq, listing, fa("sessions.btn_new"), "sessions.ask_when")
    place = await hq.say("۱۴۰۵/۰۹/۱۵ ۱۰:۰۰")
    assert place.text == fa("sessions.ask_place")


async def test_a_description_of_emoji_only_is_refused(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: eleven emoji passed as a report's description (the minimum counted characters).
    Only letters and digits count, of any script; the refusal says so."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    short = fa("report.description_short", min=FA_P.number(DESCRIPTION_MIN))
    for nothing in ("😡" * 11, "!!!؟؟؟...!!! 🙏🙏", "بانک ۱۲ 🙏🙏🙏🙏🙏🙏"):
        refused = await owner.say(nothing)
        assert refused.text == short, nothing
    # Persian and Arabic letters, Latin letters and both kinds of digits all count.
    files = await owner.say("مصنع Qom ۱۴۰۵ 12 🙏")
    assert says(files.text, "report.ask_attachments")


async def test_a_language_chosen_mid_progress_asks_the_step_again_in_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an officer at the note step of /progress switched to English and got the
    greeting; the note question stayed in Persian far above. The step is asked again in
    English, the percent kept, and the note written next goes on to the evidence step."""
    officer = cast.officer
    await officer.say("/progress ۳")
    noted = await officer.say("۴۰")
    assert noted.text == fa("programs.ask_note")
    choice = await officer.say("/language")
    await officer.press_only(choice, "lang:en")
    again = await emulator.wait_for_message(officer.id, saying("programs.ask_note", lang="en"))
    assert not says(again.text, "start.greeting", lang="en")
    evidence = await officer.say("The yarn contract was signed.")
    assert says(evidence.text, "programs.ask_evidence", lang="en")
    assert EN.t("programs.btn_no_evidence") in labels(evidence)
