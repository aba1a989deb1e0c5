"""/language chosen at the first step of /progress and at either step of /editprogram:
the step is asked again in the new language, with its buttons, and the flow goes on.

Seen: at /progress's program picker, or anywhere in /editprogram, a language chosen got
the greeting; the step's question stayed far above in the old language, and the person
had to scroll up to press a Persian button."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import EN, fa, heard, labels, says
from tests.e2e.workflow_kit import Cast
from tests.people import Person


async def switch(person: Person, lang: str) -> None:
    """/language, and `lang` chosen."""
    choice = await person.say("/language")
    await person.press_only(choice, f"lang:{lang}")


async def asked_in_english(person: Person, command: str, key: str) -> list[SentMessage]:
    """`command` asks its first step (`key`, in Persian); English is chosen there: the same
    question again, in English. Both messages."""
    first = await person.say(command)
    assert says(first.text, key)
    await switch(person, "en")
    again = await heard(person, key, lang="en")
    assert not says(again.text, "start.greeting", lang="en")
    return [first, again]


async def test_a_language_chosen_at_the_program_picker_asks_for_the_program_again(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    officer = cast.officer
    picker, again = await asked_in_english(officer, "/progress", "programs.choose_program")
    assert len(again.button_texts) == len(picker.button_texts)
    percent = await officer.press(again, again.button_texts[0])
    assert says(percent.text, "programs.ask_percent", lang="en"), percent.text


async def test_a_language_chosen_in_editprogram_asks_its_step_again(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    admin = cast.admin
    _, fields_en = await asked_in_english(admin, "/editprogram 3", "programs.edit_choose")
    assert EN.t("programs.field.title_en") in labels(fields_en)
    asked = await admin.press(fields_en, EN.t("programs.field.title_en"))
    assert says(asked.text, "programs.edit_ask", lang="en")
    # Back to Persian at the value step: its question again, and the typed value saved.
    await switch(admin, "fa")
    await heard(admin, "programs.edit_ask", field=fa("programs.field.title_en"))
    done = await admin.say("Carpet exports")
    assert says(done.text, "programs.edit_done")
