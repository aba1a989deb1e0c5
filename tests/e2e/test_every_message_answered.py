"""Every message in a private chat gets an answer; a tracking number is found in either
order and in any digits (and only by those who may see the report)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.context import RounaqApp
from bot.i18n import get_translator
from emulator import BotApiEmulator
from tests.e2e.digest_world import ensure_user
from tests.e2e.expect import FA, FA_P, says
from tests.e2e.workflow_kit import file_report, services_of
from tests.people import Person

EN = get_translator("en")


@pytest.mark.parametrize(
    "typed",
    [
        "1405-0001",
        "0001-1405",
        "۰۰۰۱-۱۴۰۵",
        "١٤٠٥/١",
        "١/١٤٠٥",
        "۱ - ۱۴۰۵",
        "#0001_1405",
        "۱۴۰۵۰۰۰۱",
    ],
)
async def test_a_tracking_number_in_either_order_and_any_digits_is_found(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], typed: str
) -> None:
    owner, stranger = people["owner"], people["other_owner"]
    await ensure_user(services_of(app), owner.id, "رضا")
    await file_report(app, owner, "raw_materials")
    found = await owner.say(typed)
    assert says(found.text, "history.title"), typed
    assert FA_P.tracking(1405, 1) in found.text
    # Someone else's report: "not found", never the report.
    refused = await stranger.say(typed)
    assert refused.text in {FA.t("myreports.not_found"), EN.t("myreports.not_found")}


@pytest.mark.parametrize(
    "typed", ["۱۲۳۴۵", "12", "0001-1205", "سلام", "؟", "1405", "۱۴۰۵/۰۹/۰۷", "hello there"]
)
async def test_any_text_outside_a_flow_gets_an_answer_with_buttons(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], typed: str
) -> None:
    owner = people["owner"]
    answer = await owner.say(typed)
    assert answer.text
    assert answer.buttons, (typed, answer.text)


async def test_media_and_odd_messages_outside_a_flow_get_an_answer(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    senders: list[Callable[[], Awaitable[object]]] = [
        lambda: emulator.send_sticker(owner.id),
        lambda: emulator.send_voice(owner.id),
        lambda: emulator.send_location(owner.id, 34.6, 50.9),
        lambda: emulator.send_contact(owner.id, "+989120000000"),
        lambda: emulator.send_forwarded(owner.id, "پیام دیگری"),
        lambda: emulator.send_document(owner.id, b"%PDF-1.4 x", "a.pdf", "application/pdf"),
    ]
    for send in senders:
        await send()
        answer = await owner.next()
        assert answer.text
        assert answer.buttons


async def test_an_unknown_command_answers_with_the_buttons_it_mentions(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    answer = await owner.say("/nonsense")
    assert answer.text == FA.t("common.unknown_command")
    assert answer.buttons
    opened = await owner.press(answer, FA.t("start.btn_help"))
    assert "/report" in opened.text
