"""Everything a handler needs, built once at start-up and handed in through the context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.digest.sections import default_registry
from bot.digest.service import DigestService
from bot.exports.tables import Exporter
from bot.services.admin import AdminService
from bot.services.base import ServiceDeps
from bot.services.calendar import WorkCalendar
from bot.services.compliance import ComplianceService
from bot.services.directory import Directory
from bot.services.hq import HQService
from bot.services.loans import LoanService
from bot.services.national import NationalService
from bot.services.programs import ProgramService
from bot.services.reports import ReportService
from bot.services.sessions import FollowUpService, SessionService
from bot.services.staffing import StaffingService
from bot.services.stats import StatsService
from bot.services.throttle import UpdateThrottle
from bot.services.units import UnitService
from bot.services.users import UserService
from bot.services.workflow import WorkflowService
from bot.settings import Settings
from bot.text import jalali_to_date
from storage import migrate
from storage.db import Database
from storage.seed import load_dataset, seed_figures, seed_province


@dataclass
class Services:
    settings: Settings
    database: Database
    clock: Clock
    calendar: WorkCalendar
    directory: Directory
    users: UserService
    units: UnitService
    reports: ReportService
    workflow: WorkflowService
    hq: HQService
    admin: AdminService
    digest: DigestService
    national: NationalService
    programs: ProgramService
    loans: LoanService
    stats: StatsService
    exporter: Exporter
    throttle: UpdateThrottle
    staffing: StaffingService
    sessions: SessionService
    compliance: ComplianceService
    followups: FollowUpService

    async def close(self) -> None:
        await self.stats.close()
        await self.database.dispose()


async def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Migrate the database, load the province data set once, and wire the services."""
    database = Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    await migrate.upgrade(database)
    dataset = load_dataset(settings.province)
    province_id = await seed_province(database, dataset)
    await seed_figures(database, dataset, province_id, to_date=jalali_to_date)
    directory = Directory(database, dataset.province.code)
    await directory.reload()
    clock = clock or SystemClock()
    calendar = WorkCalendar(
        tz=settings.tz, weekend=settings.weekend_days, holidays=settings.holidays
    )
    users = UserService(database, directory, settings.admin_ids)
    programs = ProgramService(database, directory, clock)
    deps = ServiceDeps(database, directory, clock, calendar)
    hq = HQService(deps, objection_days=settings.objection_days)
    loans = LoanService(database, directory, clock)
    compliance = ComplianceService(database, directory, clock, settings.tz)
    staffing = StaffingService(database, directory)
    sections = default_registry(
        database,
        directory,
        hq=hq,
        programs=programs,
        loans=loans,
        staffing=staffing,
        compliance=compliance,
    )
    return Services(
        settings=settings,
        database=database,
        clock=clock,
        calendar=calendar,
        directory=directory,
        users=users,
        units=UnitService(database, directory),
        reports=ReportService(deps, max_per_day=settings.max_reports_per_day),
        workflow=WorkflowService(deps, grace_days=settings.escalation_grace_days),
        hq=hq,
        admin=AdminService(database, directory, users, clock),
        digest=DigestService(deps, settings, sections),
        national=NationalService(database, clock),
        programs=programs,
        loans=loans,
        stats=StatsService(database, directory, clock),
        exporter=Exporter(database, directory, programs),
        throttle=UpdateThrottle(settings.max_updates_per_minute, clock),
        staffing=staffing,
        sessions=SessionService(deps, hq),
        compliance=compliance,
        followups=FollowUpService(database, directory, clock),
    )
