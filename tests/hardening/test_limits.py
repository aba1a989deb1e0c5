"""Abuse limits through the real HTTP path: updates per minute, reports per day, uploads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Report, ReportAttachment
from tests.e2e.workflow_kit import services_of
from tests.hardening.conftest import describe
from tests.hardening.flows import give_unit, new_person, submit_report

LIMIT = 4


@pytest.mark.settings(max_updates_per_minute=LIMIT)
async def test_a_flood_is_answered_once_then_dropped_until_the_window_frees(
    app: RounaqApp, emulator: BotApiEmulator, clock: ManualClock, unhandled_errors: list[Any]
) -> None:
    person = await new_person(app, emulator, 7001)
    for _ in range(LIMIT):
        await person.say("/help")
    before = len(person.texts())
    slow_down = await person.say("/help")
    assert "تند" in slow_down.text
    assert "۴" in slow_down.text  # the limit, in Persian digits
    # Further updates in the same window: dropped without a word (no flood of warnings).
    for _ in range(5):
        await person.send("/help")
    await emulator.send_sticker(person.id)
    await emulator.wait_until(lambda: not emulator.pending_updates())
    # One more round trip from someone else proves the dropped updates were processed.
    other = await new_person(app, emulator, 7002)
    assert "/report" in (await other.say("/help")).text
    assert len(person.texts()) == before + 1
    # A minute after the served updates, the user is let back in, and may be warned again.
    clock.advance(timedelta(seconds=61))
    assert "/report" in (await person.say("/help")).text
    assert not unhandled_errors, describe(unhandled_errors)


@pytest.mark.settings(max_updates_per_minute=LIMIT)
async def test_a_flood_of_button_presses_gets_one_alert(
    app: RounaqApp, emulator: BotApiEmulator, unhandled_errors: list[Any]
) -> None:
    person = await new_person(app, emulator, 7003)
    greeting = await person.say("/start")
    for _ in range(LIMIT - 1):
        await emulator.press_raw(person.id, person.id, greeting.message_id, "forged:data")
    await emulator.press_raw(person.id, person.id, greeting.message_id, "forged:data")
    await emulator.press_raw(person.id, person.id, greeting.message_id, "forged:data")
    await emulator.wait_until(lambda: len(emulator.callback_answers(person.id)) >= LIMIT)
    await emulator.wait_until(lambda: not emulator.pending_updates())
    answers = emulator.callback_answers(person.id)
    assert len(answers) == LIMIT  # three "stale button" alerts and one "slow down"
    assert "تند" in (answers[-1].text or "")
    assert answers[-1].show_alert
    assert not unhandled_errors, describe(unhandled_errors)


async def test_edits_of_earlier_messages_are_not_taken_as_answers(
    app: RounaqApp, emulator: BotApiEmulator, unhandled_errors: list[Any]
) -> None:
    person = await new_person(app, emulator, 7004)
    await person.say("/register")
    sent = await emulator.send_text(person.id, "کارگاه نخست")
    ask_sector = await person.next()
    assert ask_sector.buttons
    await emulator.edit_text(person.id, sent.message_id, "نام دیگری")
    answer = await person.next()
    assert "ویرایش" in answer.text
    assert not unhandled_errors, describe(unhandled_errors)


@pytest.mark.settings(max_reports_per_day=1)
async def test_second_report_in_a_day_is_refused_and_not_stored(
    app: RounaqApp, emulator: BotApiEmulator, clock: ManualClock, unhandled_errors: list[Any]
) -> None:
    person = await new_person(app, emulator, 7005)
    await give_unit(app, person)
    first = await submit_report(app, person, "پروانهٔ بهره‌برداری شش ماه است در انتظار است.")
    assert "۱۴۰۵-۰۰۰۱" in first.text
    await submit_report_expecting_refusal(app, person)
    async with services_of(app).database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1
    # The limit is per rolling day: a day later the owner may report again.
    clock.advance(timedelta(days=1, seconds=1))
    again = await submit_report(app, person, "هنوز پاسخی از ادارهٔ صمت دریافت نشده است.")
    assert "۱۴۰۵-۰۰۰۲" in again.text
    assert not unhandled_errors, describe(unhandled_errors)


async def submit_report_expecting_refusal(app: RounaqApp, person: Any) -> None:
    from tests.hardening.flows import press_data, to_report_description, wait_buttons

    await to_report_description(app, person, "permits")
    ask_files = await person.say("دوباره: پروانه هنوز صادر نشده است و تولید متوقف است.")
    await press_data(person, ask_files, "rep:next")
    summary = await wait_buttons(person, "rep:submit")
    await press_data(person, summary, "rep:submit")
    refusal = await person.next("سقف")
    assert "گزارش" in refusal.text


@pytest.mark.settings(max_upload_bytes=4096)
async def test_oversized_and_unexpected_files_are_refused_before_download(
    app: RounaqApp, emulator: BotApiEmulator, unhandled_errors: list[Any]
) -> None:
    from tests.hardening.flows import to_report_description

    person = await new_person(app, emulator, 7006)
    await give_unit(app, person)
    await to_report_description(app, person, "permits")
    await emulator.send_document(person.id, b"%PDF-1.4 " + b"x" * 5000, "big.pdf")
    assert "حجم" in (await person.next()).text
    await emulator.send_document(person.id, b"MZ\x90\x00 not a document", "setup.exe")
    assert "نوع پرونده" in (await person.next()).text
    await emulator.send_document(person.id, b"no extension, no type", "README")
    assert "نوع پرونده" in (await person.next()).text
    # A small PDF with its description as the caption goes through.
    await emulator.send_document(
        person.id, b"%PDF-1.4 small", "permit.pdf", caption="نامهٔ ادارهٔ صمت دربارهٔ پروانه"
    )
    assert "ادامه" in (await person.next()).button_texts[0]
    # The bot keeps file ids only: it never asked the server for a file.
    assert emulator.stats.calls["getFile"] == 0
    async with services_of(app).database.session() as session:
        assert await session.scalar(select(func.count()).select_from(ReportAttachment)) == 0
    assert not unhandled_errors, describe(unhandled_errors)
