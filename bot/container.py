"""Everything a handler needs, built once at start-up and handed in through the context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.services.calendar import WorkCalendar
from bot.services.directory import Directory
from bot.services.reports import ReportService
from bot.services.throttle import UpdateThrottle
from bot.services.units import UnitService
from bot.services.users import UserService
from bot.settings import Settings
from storage import migrate
from storage.db import Database
from storage.seed import load_dataset, seed_province


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
    throttle: UpdateThrottle

    async def close(self) -> None:
        await self.database.dispose()


async def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Migrate the database, load the province data set once, and wire the services."""
    database = Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    await migrate.upgrade(database)
    dataset = load_dataset(settings.province)
    await seed_province(database, dataset)
    directory = Directory(database, dataset.province.code)
    await directory.reload()
    clock = clock or SystemClock()
    calendar = WorkCalendar(tz=settings.tz)
    return Services(
        settings=settings,
        database=database,
        clock=clock,
        calendar=calendar,
        directory=directory,
        users=UserService(database, directory, settings.admin_ids),
        units=UnitService(database, directory),
        reports=ReportService(
            database, directory, clock, calendar, max_per_day=settings.max_reports_per_day
        ),
        throttle=UpdateThrottle(settings.max_updates_per_minute, clock),
    )
