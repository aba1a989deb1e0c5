"""Notices go out from the outbox after the commit (bot.outbox), over the real HTTP path:

* an agency group at Telegram's 20-a-minute limit holds its own notice only: the owner who
  filed the report is answered at once, the agency's officer is told, and the group gets
  the notice once its window opens (the 429's retry_after is kept on the row);
* a 403 (the owner blocked the bot) marks the owner blocked and drops the notice;
* a deadline reminder refused with 429 is sent by the outbox after retry_after, once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from storage.models_durability import OutboxMessage
from tests.conftest import TEST_RATE_LIMITS, TOKEN
from tests.e2e.expect import FA_P, piece, saying, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.test_crash import until
from tests.e2e.test_hq_flow import run_deadline_job
from tests.e2e.workflow_kit import Cast, officers_card, services_of

GROUP = -1001234567890
NEW_REPORT = piece("agency.new_report")


class Ticks:
    """The emulator's clock (its flood windows): moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def emulator(ticks: Ticks) -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(
        token=TOKEN, bot_username="rounaq_test_bot", rate_limits=TEST_RATE_LIMITS, clock=ticks
    ) as emu:
        yield emu


async def marked(app: RounaqApp, chat_id: int, state: str) -> OutboxMessage:
    """The chat's last outbox row, once it is in `state` (recorded just after the send)."""

    async def there() -> bool:
        rows = await outbox_rows(app, chat_id)
        return bool(rows) and rows[-1].state == state

    await until(there)
    return (await outbox_rows(app, chat_id))[-1]


async def outbox_rows(app: RounaqApp, chat_id: int) -> list[OutboxMessage]:
    async with services_of(app).database.session() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        return list(found)


async def test_a_flooded_agency_group_holds_only_its_own_notice(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, ticks: Ticks
) -> None:
    owner, officer, admin = cast.owner, cast.officer, cast.admin
    emulator.add_group(GROUP, "کارشناسان صمت", members=[officer.id, admin.id])
    await emulator.send_text(admin.id, "/admin group smt", chat_id=GROUP)
    await emulator.wait_for_message(GROUP, saying("admin.group_bound"))
    # The group has had its 20 messages this minute; 3 seconds of its window are left, and
    # they stay left until the test moves the emulator's clock.
    emulator.fill_flood_window(GROUP)
    ticks.now += 57
    await register_unit(app, owner)

    receipt = await submit_by_chat(owner)
    assert says(receipt.text, "report.submitted", number=FA_P.tracking(1405, 1))
    # The owner goes on at once: their next message is not queued behind the group's 429.
    assert FA_P.tracking(1405, 1) in (await owner.say("/myreports")).text
    # The officer is told meanwhile: one chat's flood does not hold another's notices.
    await emulator.wait_for_message(officer.id, saying("agency.new_report"))

    async def refused_once() -> bool:
        rows = await outbox_rows(app, GROUP)
        return len(rows) == 1 and rows[0].attempts >= 1

    await until(refused_once)
    assert not [m for m in emulator.messages(GROUP) if NEW_REPORT in m.text]
    assert emulator.stats.too_many_requests["sendMessage"] >= 1

    ticks.now += 10  # the group's window has moved on
    await emulator.wait_for_message(GROUP, saying("agency.new_report"), timeout=20)
    row = await marked(app, GROUP, "sent")
    assert len(await outbox_rows(app, GROUP)) == 1
    assert row.sent_at is not None
    # Sent no sooner than the 429 said (3 s after the first attempt, itself after the commit).
    assert row.sent_at >= row.next_attempt_at >= row.created_at + timedelta(seconds=3)
    assert len([m for m in emulator.messages(GROUP) if NEW_REPORT in m.text]) == 1


async def test_a_notice_to_an_owner_who_blocked_the_bot_marks_them_and_is_dropped(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    owner, officer = cast.owner, cast.officer
    view = await officers_card(app, cast)
    emulator.block(owner.id, notify=False)
    await officer.press_only(view, "پذیرش")

    row = await marked(app, owner.id, "dropped")
    assert len(await outbox_rows(app, owner.id)) == 1
    assert row.attempts == 0  # refused once, never tried again
    profile = await services_of(app).users.get(owner.id)
    assert profile is not None
    assert profile.blocked
    refusals = [r for r in emulator.stats.rejected if r[0] == "sendMessage" and r[1] == 403]
    assert len(refusals) == 1


async def test_a_reminder_refused_with_429_is_sent_after_retry_after_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock, report: ReportDTO
) -> None:
    """The deadline step commits and queues the reminder; its send gets 429: the outbox
    keeps it for retry_after and sends it then; the job's next runs queue nothing again."""
    clock.set(report.due_at + timedelta(minutes=1))
    emulator.fail_method("sendMessage", 429, retry_after=1, times=1, chat_id=cast.officer.id)
    await run_deadline_job(app)
    overdue = piece("notify.agency_overdue")
    reminder = await cast.officer.next(overdue, wait=15)
    assert says(reminder.text, "notify.agency_overdue", number=FA_P.tracking(1405, 1))
    assert emulator.stats.too_many_requests["sendMessage"] == 1
    row = await marked(app, cast.officer.id, "sent")
    assert FA_P.tracking(1405, 1) in row.text  # the reminder (HTML as sent)
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.sent_at >= row.next_attempt_at >= row.created_at + timedelta(seconds=1)
    clock.advance(timedelta(minutes=10))
    await run_deadline_job(app)
    await run_deadline_job(app)
    assert len([t for t in cast.officer.texts() if overdue in t]) == 1
