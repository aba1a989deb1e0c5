"""Deadlines in working days and the overdue → reminder → escalation steps, on a real
database, with time moved by a ManualClock (never by sleeping)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.access import ReportAction
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.services.calendar import WorkCalendar
from bot.services.workflow import Audience
from bot.settings import Settings
from storage.dto import ReportDTO
from tests.e2e.workflow_kit import Cast, principal_of, services_of

TEHRAN = ZoneInfo("Asia/Tehran")
SECOND = timedelta(seconds=1)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=TEHRAN).astimezone(UTC)


async def test_due_date_counts_working_days_and_skips_friday(report: ReportDTO) -> None:
    # Filed Saturday 28 Nov 2026; raw materials allow 7 working days: Sun..Thu, Sat, Sun.
    assert report.due_at == end_of(date(2026, 12, 6))


async def test_overdue_reminds_once_then_escalates_after_grace(
    app: RounaqApp, cast: Cast, report: ReportDTO
) -> None:
    workflow = services_of(app).workflow
    assert await workflow.run_deadlines(report.due_at - SECOND) == []
    notices = await workflow.run_deadlines(report.due_at + SECOND)
    assert [(n.audience, n.kind) for n in notices] == [(Audience.AGENCY, "overdue")]
    assert notices[0].agency_id == cast.smt_id
    assert await workflow.run_deadlines(report.due_at + timedelta(hours=5)) == []
    # Grace: 3 working days after Sunday 6 Dec → Mon, Tue, Wed → end of Wed 9 Dec.
    escalate_at = end_of(date(2026, 12, 9))
    assert await workflow.run_deadlines(escalate_at - SECOND) == []
    notices = await workflow.run_deadlines(escalate_at + SECOND)
    assert [(n.audience, n.kind) for n in notices] == [
        (Audience.SECRETARIAT, "escalated"),
        (Audience.OWNER, "escalated"),
        (Audience.AGENCY, "escalated"),
    ]
    assert notices[0].report is not None
    assert notices[0].report.status == "escalated"
    assert await workflow.run_deadlines(escalate_at + timedelta(days=30)) == []


async def test_a_long_outage_escalates_without_a_useless_reminder(
    app: RounaqApp, report: ReportDTO
) -> None:
    workflow = services_of(app).workflow
    notices = await workflow.run_deadlines(report.due_at + timedelta(days=30))
    assert [n.kind for n in notices] == ["escalated", "escalated", "escalated"]


async def test_the_clock_stops_while_the_owner_is_asked(
    app: RounaqApp, cast: Cast, clock: ManualClock, report: ReportDTO
) -> None:
    workflow = services_of(app).workflow
    officer, owner = await principal_of(app, cast.officer), await principal_of(app, cast.owner)
    clock.advance(timedelta(days=1))  # Sunday
    await workflow.act(officer, ReportAction.ASK, report.id, note="کدام تأمین‌کننده؟")
    # Waiting for the owner is not the agency's delay: nothing becomes overdue.
    assert await workflow.run_deadlines(report.due_at + timedelta(days=3)) == []
    clock.advance(timedelta(days=5))  # Friday: Mon, Tue, Wed, Thu were waited → 4 days back
    outcome = await workflow.act(owner, ReportAction.ANSWER, report.id, note="شرکت البرز")
    assert outcome.report.due_at == end_of(date(2026, 12, 10))  # Sun 6 Dec + 4 working days
    assert outcome.report.status == "in_progress"


async def test_reassignment_and_reopening_restart_the_clock(
    app: RounaqApp, cast: Cast, clock: ManualClock, report: ReportDTO
) -> None:
    services = services_of(app)
    workflow = services.workflow
    officer = await principal_of(app, cast.officer)
    clock.set(report.due_at + SECOND)
    await workflow.run_deadlines(clock.now())
    outcome = await workflow.act(officer, ReportAction.REASSIGN, report.id, agency_id=cast.banks_id)
    # The new agency gets the category's full deadline (7 working days) from now.
    assert outcome.report.due_at == services.calendar.add_working_days(clock.now(), 7)
    assert await workflow.run_deadlines(clock.now() + timedelta(hours=1)) == []
    tracking = await workflow.tracking(report.id)
    assert tracking.overdue_at is None
    assert tracking.reminded_at is None


def test_settings_weekend_and_holidays_feed_the_calendar() -> None:
    settings = Settings(
        _env_file=None,
        weekend_days="thu, fri",
        holidays="1405/09/10, 2026-12-02",
    )
    assert settings.weekend_days == frozenset({3, 4})
    assert settings.holidays == {date(2026, 12, 1), date(2026, 12, 2)}
    calendar = WorkCalendar(TEHRAN, weekend=settings.weekend_days, holidays=settings.holidays)
    start = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)  # Saturday
    # Sun 29, Mon 30, (Tue 1 and Wed 2 holidays), (Thu 3, Fri 4 weekend), Sat 5.
    assert calendar.add_working_days(start, 3) == end_of(date(2026, 12, 5))
