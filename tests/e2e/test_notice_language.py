"""Notices the bot starts itself reach a person in the language they read the bot in.

Seen: an owner whose Telegram is in English never chose a language (nothing asked them
to: every answer came in English). They filed a report, and the agency's answer to it
arrived in Persian: notices used the default language for anyone without a stored
choice. A notice now uses the choice, else the language the person was answered in.
"""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.expect import EN, EN_P, T1, fa, heard, says
from tests.e2e.workflow_kit import Cast, file_report, press_and_answer, services_of
from tests.people import Person


def has_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


async def test_an_owner_who_never_chose_hears_of_their_report_in_their_apps_language(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    nora = Person(emulator, emulator.add_user(7301, "Nora", language_code="en"))
    helped = await nora.say("/help")
    assert not has_persian(helped.text), helped.text
    await file_report(app, nora, "raw_materials", "No granules for months.", "Qom Granules")
    card = await cast.officer.say("1405-0001")
    toast = await press_and_answer(emulator, cast.officer, card, fa("workflow.btn_acc"))
    assert toast == fa("workflow.done_acc")
    number = EN_P.tracking(1405, 1)
    told = await heard(nora, "notify.owner_accepted", lang="en", number=number)
    assert not has_persian(told.text), told.text


async def test_someone_who_never_wrote_to_the_bot_is_told_in_the_default_language(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Nothing is known of their app: the default stays (the greeting will offer a choice)."""
    silent = Person(emulator, emulator.add_user(7302, "Sam", language_code="en"))
    # Known to the bot (a unit registered for them by the call centre), never in the chat.
    await services_of(app).users.touch(silent.id, first_name="Sam", last_name=None, username=None)
    await file_report(app, silent, "raw_materials", "No granules for months.", "Qom Granules")
    card = await cast.officer.say("1405-0001")
    await press_and_answer(emulator, cast.officer, card, fa("workflow.btn_acc"))
    told = await heard(silent, "notify.owner_accepted", number=T1)
    assert says(told.text, "notify.owner_accepted", number=T1)


async def test_an_officer_who_never_chose_is_told_in_their_apps_language(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The agency's notices too: an officer whose Telegram is in English, given the role
    before choosing a language, hears of the owner's added note in English."""
    services = services_of(app)
    ali = Person(emulator, emulator.add_user(7303, "Ali", language_code="en"))
    await ali.say("/help")
    banks = services.directory.agency_by_code("banks")
    assert banks is not None
    await services.users.grant(ali.id, Role.OFFICER, agency_id=banks.id)
    owner = cast.other_owner  # English, chosen
    await file_report(app, owner, "bank_finance", "The bank wants 150% collateral.")
    card = await owner.say("1405-0001")
    await owner.press(card, EN.t("workflow.btn_inf"))
    await owner.say("The branch manager asked for a second guarantor as well.")
    told = await heard(ali, "notify.agency_info", lang="en", number=EN_P.tracking(1405, 1))
    assert not has_persian(told.text.replace("فرش ممتاز قم", "")), told.text  # the unit: data
