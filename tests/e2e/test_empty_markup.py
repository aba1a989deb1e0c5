"""No message goes out with an empty keyboard, and a crash reaches the admins as a short
notice with an error id (the traceback stays in the log)."""

from __future__ import annotations

import logging
import re

import pytest

from bot.context import RounaqApp
from bot.demo import seed_demo_figures
from emulator import BotApiEmulator
from tests.e2e.digest_world import ensure_user
from tests.e2e.expect import FA
from tests.e2e.workflow_kit import demo_people, services_of
from tests.e2e.workflow_kit import file_report as file_report_as
from tests.people import Person

HEADER = "گزارش روزانهٔ رونق"


@pytest.mark.parametrize("user_id", [3001, 2001, 4001])  # official, officer, admin
async def test_digest_preview_for_staff_sends_no_empty_keyboard(
    app: RounaqApp, emulator: BotApiEmulator, user_id: int
) -> None:
    """The demo's /digest for the staff: a part without buttons used to go out with an empty
    keyboard (`{}`), which the Bot API refused, and the whole command failed."""
    people = await demo_people(app, emulator)
    services = services_of(app)
    await seed_demo_figures(services)
    await file_report_as(app, people[1001], "raw_materials")
    person = people[user_id]
    await person.send("/digest")
    await person.next(HEADER)
    # The preview's parts go out one after another; the answer to /language marks the end.
    await person.send("/language")
    await person.next(FA.t("start.choose_language"))
    sent = emulator.messages(user_id)
    assert all(FA.t("common.error_generic") not in m.text for m in sent)
    # Either no markup at all, or one with at least one button.
    assert all(m.reply_markup is None or m.buttons for m in sent)
    assert any(m.reply_markup is None for m in sent)  # a part without buttons went out


async def test_a_crash_tells_the_admin_briefly_and_logs_the_traceback_with_the_same_id(
    app: RounaqApp,
    emulator: BotApiEmulator,
    people: dict[str, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected error: the user is told, the admin gets an id and what was being done."""
    owner, admin = people["owner"], people["admin"]
    services = services_of(app)
    await ensure_user(services, admin.id, "مدیر")
    await ensure_user(services, owner.id, "رضا")
    # A real failure inside a handler: the Bot API refuses the reply with an error the bot
    # does not expect (not a transient one), so the handler raises.
    emulator.fail_method("sendMessage", 400, description="Bad Request: boom", times=1)
    with caplog.at_level(logging.ERROR):
        await owner.send("/help")
        notice = await emulator.wait_for_message(admin.id, lambda m: "/help" in m.text)
    text = notice.text
    assert "Traceback" not in text
    assert 'File "' not in text
    assert "/help" in text
    match = re.search(r"[A-Z0-9]{8}", text)
    assert match is not None, text
    error_id = match.group(0)
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
