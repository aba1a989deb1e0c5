"""What the province's services share: the dependencies they stand on and how they refuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.access import Permission, Principal
from bot.clock import Clock
from bot.services.calendar import WorkCalendar
from bot.services.directory import Directory
from storage.db import Database


class RefusedError(Exception):
    """A request a service turns down; `reason` is a catalog key suffix, `detail` its specifics."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class ProvinceService:
    """A service over one province's data: its database, its directory and the clock."""

    # What a missing permission raises; a service with its own error class names it here.
    refused: ClassVar[type[RefusedError]] = RefusedError

    def __init__(self, database: Database, directory: Directory, clock: Clock) -> None:
        self._db = database
        self._directory = directory
        self._clock = clock

    def _require(self, principal: Principal, permission: Permission) -> None:
        """The service's own check: it is also called from jobs and the CLI, past any handler."""
        if not principal.can(permission):
            raise self.refused("not_allowed")

    @property
    def _province(self) -> int:
        return self._directory.province_id


@dataclass(frozen=True, slots=True)
class ServiceDeps:
    """What a calendar service stands on, built once by the container: a dependency they
    all gain is added here, not to each constructor."""

    database: Database
    directory: Directory
    clock: Clock
    calendar: WorkCalendar


class CalendarService(ProvinceService):
    """A province service that counts deadlines in working days."""

    def __init__(self, deps: ServiceDeps) -> None:
        super().__init__(deps.database, deps.directory, deps.clock)
        self._calendar = deps.calendar
