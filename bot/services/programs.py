"""The strategy's key programs: progress updates, the traffic light, edits and links."""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.access import Permission, Principal, can_update_program
from bot.services.base import ProvinceService, RefusedError
from bot.text import jalali_to_date
from storage.dto import ProvinceDTO
from storage.dto_figures import LinkedReportDTO, ProgramDTO, ProgramUpdateDTO
from storage.new_rows import NewProgramUpdate
from storage.repositories.programs import ProgramRepository
from storage.repositories.reports import ReportRepository
from storage.seed import FiguresSpec

STALE_AFTER: Final = timedelta(days=30)
# How far behind the straight line from start to due date a program may be and stay green.
BEHIND_TOLERANCE: Final = 10
NOTE_MAX: Final = 500
NOTE_MIN: Final = 3
HISTORY: Final = 10
LINKED: Final = 10


class Light(StrEnum):
    GREEN = "green"  # on track and recently updated
    YELLOW = "yellow"  # no update for a month
    RED = "red"  # behind its schedule
    GREY = "grey"  # never updated
    DONE = "done"  # 100%


class ProgramError(RefusedError):
    """A refused action; `reason` is a catalog key suffix."""


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: str  # "photo" | "document"
    file_id: str
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class ProgramPage:
    program: ProgramDTO
    light: Light
    updates: tuple[ProgramUpdateDTO, ...]
    linked_total: int
    linked: tuple[LinkedReportDTO, ...]


@dataclass(frozen=True, slots=True)
class LoadResult:
    added: int
    updated: int


def expected_progress(program: ProgramDTO, today: date) -> int | None:
    """Where the program should be by today on a straight line; None without a schedule."""
    if program.due_on is None:
        return None
    if program.starts_on is None or program.starts_on >= program.due_on:
        return 100 if today >= program.due_on else None
    span = (program.due_on - program.starts_on).days
    done = (today - program.starts_on).days
    return max(0, min(100, round(100 * done / span)))


def traffic_light(program: ProgramDTO, now: datetime, today: date) -> Light:
    if program.progress >= 100:
        return Light.DONE
    if program.due_on is not None and today > program.due_on:
        return Light.RED  # past its due date and not done: no tolerance left
    expected = expected_progress(program, today)
    if expected is not None and program.progress + BEHIND_TOLERANCE < expected:
        return Light.RED
    if program.last_update_at is None:
        return Light.GREY
    if now - program.last_update_at > STALE_AFTER:
        return Light.YELLOW
    return Light.GREEN


@dataclass(frozen=True, slots=True)
class Posted:
    """A program and the updates posted for it in a period (the digest's section)."""

    program: ProgramDTO
    updates: tuple[ProgramUpdateDTO, ...]


@dataclass(frozen=True, slots=True)
class ProgramRollup:
    """One province's programs in brief: the ministry's /status across provinces."""

    programs: int
    mean_progress: Decimal | None  # 0..1; None without programs
    lights: Mapping[Light, int]


class ProgramService(ProvinceService):
    refused = ProgramError

    def _today(self, now: datetime) -> date:
        """The calendar day in the province: dates officers type are local days."""
        return now.astimezone(ZoneInfo(self._directory.province.timezone)).date()

    def light(self, program: ProgramDTO) -> Light:
        now = self._clock.now()
        return traffic_light(program, now, self._today(now))

    async def all(self) -> list[ProgramDTO]:
        async with self._db.session() as session:
            return await ProgramRepository(session).all(self._directory.province_id)

    async def by_number(self, number: int) -> ProgramDTO | None:
        async with self._db.session() as session:
            return await ProgramRepository(session).by_number(self._directory.province_id, number)

    async def get(self, program_id: int) -> ProgramDTO | None:
        async with self._db.session() as session:
            return await ProgramRepository(session).get(program_id)

    async def page(self, number: int) -> ProgramPage | None:
        """The program with its latest updates and linked obstacle reports."""
        province_id = self._directory.province_id
        async with self._db.session() as session:
            repo = ProgramRepository(session)
            program = await repo.by_number(province_id, number)
            if program is None:
                return None
            updates = await repo.updates(program.id, HISTORY)
            total, linked = await repo.linked_reports(program, province_id, LINKED)
        return ProgramPage(program, self.light(program), tuple(updates), total, tuple(linked))

    async def evidence(self, update_id: int) -> tuple[str, str] | None:
        """(kind, file_id) of an update's evidence, for resending it."""
        async with self._db.session() as session:
            return await ProgramRepository(session).evidence(update_id)

    def updatable(self, principal: Principal, programs: list[ProgramDTO]) -> list[ProgramDTO]:
        return [p for p in programs if can_update_program(principal, p.agency_id)]

    def check_update(self, percent: int | None, note: str, reported_on: date | None) -> None:
        """Validate one step of the guided flow; raises ProgramError."""
        if percent is not None and not 0 <= percent <= 100:
            raise ProgramError("percent_range")
        if note and not NOTE_MIN <= len(note) <= NOTE_MAX:
            raise ProgramError("note_length")
        if reported_on is not None:
            today = self._today(self._clock.now())
            if reported_on > today:
                raise ProgramError("date_future")

    async def post_update(
        self,
        principal: Principal,
        program_id: int,
        *,
        percent: int,
        note: str,
        reported_on: date,
        evidence: Evidence | None = None,
    ) -> ProgramUpdateDTO:
        if not note:
            raise ProgramError("note_length")
        self.check_update(percent, note, reported_on)
        async with self._db.transaction() as session:
            repo = ProgramRepository(session)
            program = await repo.get(program_id)
            if program is None:
                raise ProgramError("not_found")
            # Checked inside the transaction: the program's agency is what it is now.
            if not can_update_program(principal, program.agency_id):
                raise ProgramError("not_your_agency")
            new = NewProgramUpdate(
                program_id=program_id,
                percent=percent,
                note=note,
                reported_on=reported_on,
                evidence_kind=evidence.kind if evidence else None,
                evidence_file_id=evidence.file_id if evidence else None,
                evidence_file_name=evidence.file_name if evidence else None,
                author_id=principal.user_id,
                agency_id=program.agency_id,
                created_at=self._clock.now(),
            )
            return await repo.add_update(new)

    async def edit(self, principal: Principal, program_id: int, field: str, value: Any) -> None:
        self._require(principal, Permission.EDIT_PROGRAMS)
        if field == "agency_id" and value not in {a.id for a in self._directory.agencies}:
            raise ProgramError("unknown_agency")
        async with self._db.transaction() as session:
            found = await ProgramRepository(session).edit(
                program_id, field, value, by=principal.user_id, now=self._clock.now()
            )
        if not found:
            raise ProgramError("not_found")

    async def load_set(self, principal: Principal, data: bytes) -> LoadResult:
        """A program-set file (TOML, [[programs]] as in the data set): adds new programs and
        updates those with the same code; progress and history are kept."""
        self._require(principal, Permission.EDIT_PROGRAMS)
        try:
            spec = FiguresSpec.model_validate(tomllib.loads(data.decode("utf-8-sig")))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ProgramError("file_unreadable", str(exc)[:200]) from exc
        except ValidationError as exc:
            raise ProgramError("file_invalid", _first_error(exc)) from exc
        if not spec.programs:
            raise ProgramError("file_empty")
        province_id = self._directory.province_id
        added = updated = 0
        async with self._db.transaction() as session:
            repo = ProgramRepository(session)
            taken = await repo.numbers_by_code(province_id)
            for item in spec.programs:
                agency = self._directory.agency_by_code(item.agency)
                if agency is None:
                    raise ProgramError("file_invalid", f"{item.number}: {item.agency}")
                category = self._directory.category_by_code(item.category or "")
                if item.category and category is None:
                    raise ProgramError("file_invalid", f"{item.number}: {item.category}")
                clash = [c for c, n in taken.items() if n == item.number and c != item.code]
                if clash:
                    raise ProgramError("file_invalid", f"{item.number}: {clash[0]}")
                try:
                    starts, due = jalali_to_date(item.starts), jalali_to_date(item.due)
                except ValueError as exc:
                    raise ProgramError("file_invalid", f"{item.number}: {exc}") from exc
                fields = {
                    "number": item.number,
                    "code": item.code,
                    "title_fa": item.title_fa,
                    "title_en": item.title_en,
                    "agency_id": agency.id,
                    "theme": item.theme,
                    "category_id": category.id if category else None,
                    "target_fa": item.target_fa,
                    "target_en": item.target_en,
                    "starts_on": starts,
                    "due_on": due,
                }
                if await repo.upsert(province_id, fields, by=principal.user_id):
                    added += 1
                else:
                    updated += 1
                taken[item.code] = item.number
        return LoadResult(added, updated)

    async def link_report(
        self, principal: Principal, number: int, tracking: tuple[int, int], *, link: bool = True
    ) -> bool:
        """Link (or unlink) a report to a program; False when nothing changed."""
        self._require(principal, Permission.LINK_REPORTS)
        province_id = self._directory.province_id
        async with self._db.transaction() as session:
            program = await ProgramRepository(session).by_number(province_id, number)
            if program is None:
                raise ProgramError("not_found")
            report = await ReportRepository(session).by_number(province_id, *tracking)
            if report is None:
                raise ProgramError("report_not_found")
            repo = ProgramRepository(session)
            if link:
                return await repo.link(
                    program.id, report.id, by=principal.user_id, now=self._clock.now()
                )
            return await repo.unlink(program.id, report.id)

    async def posted(self, start: datetime, end: datetime) -> list[Posted]:
        """Programs with updates posted in [start, end), by number."""
        province_id = self._directory.province_id
        async with self._db.session() as session:
            repo = ProgramRepository(session)
            updates = await repo.updates_between(province_id, start, end)
            programs = {p.id: p for p in await repo.all(province_id)}
        grouped: dict[int, list[ProgramUpdateDTO]] = {}
        for update in updates:
            grouped.setdefault(update.program_id, []).append(update)
        return [Posted(programs[pid], tuple(ups)) for pid, ups in grouped.items()]

    async def rollup(self, province: ProvinceDTO) -> ProgramRollup:
        """Any province's programs in brief (for VIEW_NATIONAL; this bot's own province
        is one of them), with the traffic light in that province's own calendar day."""
        async with self._db.session() as session:
            programs = await ProgramRepository(session).all(province.id)
        now = self._clock.now()
        today = now.astimezone(ZoneInfo(province.timezone)).date()
        lights = Counter(traffic_light(p, now, today) for p in programs)
        mean = (
            Decimal(sum(p.progress for p in programs)) / len(programs) / 100 if programs else None
        )
        return ProgramRollup(len(programs), mean, dict(lights))

    async def history(self) -> tuple[list[ProgramDTO], list[ProgramUpdateDTO]]:
        """Every program and every update, for exports."""
        province_id = self._directory.province_id
        async with self._db.session() as session:
            repo = ProgramRepository(session)
            return await repo.all(province_id), await repo.all_updates(province_id)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ()))
    return f"{where}: {error.get('msg', '')}"[:200]
