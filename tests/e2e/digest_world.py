"""Building a small province for digest tests: units, reports at chosen times, status moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.clock import ManualClock
from bot.container import Services
from bot.context import RounaqApp
from bot.digest.runner import DigestRunner
from bot.services.reports import ReportDraft
from handlers.digest import runner_of
from storage.dto import ReportDTO
from storage.models import Report, Role
from storage.models_digest import ChatKind
from storage.new_rows import NewReportEvent
from storage.repositories.reports import ReportRepository
from tests.e2e.owner_kit import staff_every_agency
from tests.people import Person
from tests.services_kit import register_unit

TEHRAN = ZoneInfo("Asia/Tehran")


def tehran(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


# The week of the conftest's START (Saturday 7 Azar 1405 = 28 Nov 2026).
THURSDAY = tehran(2026, 11, 26, 10)
FRIDAY = tehran(2026, 11, 27, 10)
SATURDAY_0930 = tehran(2026, 11, 28, 9, 30)


def runner(app: RounaqApp) -> DigestRunner:
    return runner_of(app)


async def run_digest(app: RounaqApp) -> None:
    """One digest run, as the daily job starts it, awaited to its end."""
    runner(app).trigger()
    await runner(app).wait()


async def ensure_user(services: Services, user_id: int, name: str, language: str = "fa") -> None:
    await services.users.touch(user_id, first_name=name, last_name=None, username=None)
    await services.users.set_language(user_id, language)


async def grant(
    services: Services, user_id: int, role: Role, agency_code: str | None = None
) -> None:
    agency_id = None
    if agency_code:
        agency = services.directory.agency_by_code(agency_code)
        assert agency is not None
        agency_id = agency.id
    await services.users.grant(user_id, role, agency_id=agency_id)


async def make_official(services: Services, user_id: int, name: str) -> None:
    """A Persian-speaking provincial official; the grant subscribes them to the digest."""
    await ensure_user(services, user_id, name)
    await grant(services, user_id, Role.OFFICIAL)


async def meet_the_readers(
    services: Services, people: dict[str, Person], *, english_role: Role | None = None
) -> None:
    """The digest's usual readers: the owner (رضا), the SMT officer (مریم) and the official
    (سارا) in Persian, `other_owner` (Sam) in English, holding `english_role` if given.
    Granting a staff role subscribes the reader; owners opt in."""
    await ensure_user(services, people["owner"].id, "رضا")
    await ensure_user(services, people["other_owner"].id, "Sam", "en")
    await ensure_user(services, people["officer"].id, "مریم")
    await ensure_user(services, people["official"].id, "سارا")
    await grant(services, people["officer"].id, Role.OFFICER, "smt")
    await grant(services, people["official"].id, Role.OFFICIAL)
    if english_role is not None:
        await grant(services, people["other_owner"].id, english_role)


async def unit_for(services: Services, owner_id: int, name: str) -> int:
    if await services.users.get(owner_id) is None:
        await ensure_user(services, owner_id, "Owner")
    return (await register_unit(services, owner_id, name, phone="09120000000")).id


async def file_report(
    services: Services,
    clock: ManualClock,
    owner_id: int,
    unit_id: int,
    category_code: str,
    when: datetime,
    text: str = "تأمین مواد اولیه با مشکل جدی روبه‌رو است.",
) -> ReportDTO:
    category = services.directory.category_by_code(category_code)
    assert category is not None
    await staff_every_agency(services)  # the reports stay with their agencies
    clock.set(when)
    submission = await services.reports.submit(owner_id, ReportDraft(unit_id, category.id, text))
    return submission.report


async def move(
    services: Services, report: ReportDTO, to_status: str, *, actor: int, when: datetime
) -> None:
    """What the agency workflow (another feature) will do: a status change in the history."""
    async with services.database.transaction() as session:
        await session.execute(
            update(Report)
            .where(Report.id == report.id)
            .values(status=to_status, updated_at=when.astimezone(TEHRAN))
        )
        await ReportRepository(session).add_event(
            NewReportEvent(
                report.id,
                "status",
                actor_id=actor,
                from_status=report.status,
                to_status=to_status,
                agency_id=report.agency_id,
                created_at=when,
            )
        )


async def thursdays_report(
    services: Services, clock: ManualClock, owner_id: int, category_code: str
) -> ReportDTO:
    """The owner registers a unit ("واحد") and files a report in the category on Thursday of
    the test week: the one piece of news a digest on Saturday has to tell."""
    unit = await unit_for(services, owner_id, "واحد")
    return await file_report(services, clock, owner_id, unit, category_code, THURSDAY)


async def subscribed_owners_report(
    services: Services, clock: ManualClock, owner_id: int, category_code: str
) -> ReportDTO:
    """`thursdays_report`, the owner having opted in to the digest (owners are not signed
    up by a grant)."""
    report = await thursdays_report(services, clock, owner_id, category_code)
    await services.digest.subscribe(owner_id, ChatKind.USER)
    return report


def days(n: float) -> timedelta:
    return timedelta(days=n)
