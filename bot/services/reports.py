"""Submitting obstacle reports and reading them back, with the access rules applied."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import jdatetime
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Principal, can_view_report, sees_internal_notes, sees_owner_contact
from bot.services.base import CalendarService, RefusedError, ServiceDeps
from bot.services.routing import route
from bot.services.staffing import UNSTAFFED_EVENT, is_hq, unstaffed_ids
from bot.text import dialable_phone
from storage.dto import (
    AgencyDTO,
    AttachmentDTO,
    OwnerContactDTO,
    Page,
    ReportDTO,
    ReportEventDTO,
    UnitDTO,
    UserDTO,
)
from storage.dto_workflow import TrackingDTO
from storage.models import ReportStatus, Role
from storage.new_rows import NewAttachment, NewReport, NewReportEvent
from storage.repositories.reports import ReportRepository
from storage.repositories.units import UnitRepository
from storage.repositories.users import UserRepository
from storage.repositories.workflow import WorkflowRepository

# Counted in letters and digits (any script: Persian, Arabic, Latin): a row of emoji or
# punctuation describes nothing.
DESCRIPTION_MIN = 10
# Generous: a long paste arrives as several messages (Telegram splits at 4,096), joined in
# the draft. Cards show a trimmed start; the full text is kept and shown on demand.
DESCRIPTION_MAX = 20_000
MAX_ATTACHMENTS = 10
MAX_AMOUNT_RIALS = 10**16  # ten million billion rials: anything above is a typo
NOTIFIED_EVENT = "notified"  # internal: the agency's officers and group were sent the report
# Evidence an agency can open on an office PC: images, videos (the obstacle filmed, sent as
# a file), PDF, office documents, plain text. Anything else (executables, archives, audio)
# is refused before it is ever stored.
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain",
        "text/csv",
    }
)


def document_type_allowed(mime_type: str | None, file_name: str | None) -> bool:
    """Whether a document may be attached; the client's MIME type, else the file's name."""
    kind = (mime_type or "").split(";")[0].strip().lower()
    if not kind and file_name:
        kind = (mimetypes.guess_type(file_name)[0] or "").lower()
    return kind.startswith(("image/", "video/")) or kind in DOCUMENT_TYPES


# What the report flow collects, one per file: the row as it is stored (storage.new_rows).
Attachment = NewAttachment


@dataclass(frozen=True, slots=True)
class ReportDraft:
    unit_id: int
    category_id: int
    description: str
    amount_rials: int | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class AgencyAudience:
    """Who at the agency is sent a new report (its officers, in their languages) and the
    owner's contact they may call: read in the submission's own transaction."""

    officers: tuple[UserDTO, ...] = ()
    contact: OwnerContactDTO | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    report: ReportDTO
    agency: AgencyDTO
    # True when the same update was processed before: nothing new was stored.
    duplicate: bool
    # The agency had nobody in the bot (no officer, no group): the report went to the HQ.
    unstaffed: bool = False
    # The category is the HQ secretariat's own: the report is in the HQ's queue at once.
    to_hq: bool = False
    # Read with the report when it went to a staffed agency; None: `agency_audience` reads it.
    audience: AgencyAudience | None = None


@dataclass(frozen=True, slots=True)
class ReportView:
    report: ReportDTO
    events: tuple[ReportEventDTO, ...]
    attachments: tuple[AttachmentDTO, ...]
    # Who did what, by name: for the agency and HQ staff only, never for the owner.
    actors: Mapping[int, str] = field(default_factory=dict)
    # The owner's name and phone: for the responsible agency and the HQ (access.py).
    contact: OwnerContactDTO | None = None
    # Read with the rest, so the card's buttons (workflow.available) need no second read.
    tracking: TrackingDTO | None = None


def amount_allowed(amount: int) -> bool:
    """Whether a report may name this amount; the conversation asks again otherwise."""
    return 0 < amount <= MAX_AMOUNT_RIALS


class ReportError(RefusedError):
    """A draft the service refuses; `reason` is a catalog key suffix."""


class ReportService(CalendarService):
    def __init__(self, deps: ServiceDeps, *, max_per_day: int = 10) -> None:
        super().__init__(deps)
        self._max_per_day = max_per_day

    def routed_agency(self, category_id: int, sector_id: int, county_id: int) -> AgencyDTO:
        category = self._directory.category(category_id)
        agency_id = route(
            self._directory.rules,
            category_id=category_id,
            sector_id=sector_id,
            county_id=county_id,
            default_agency_id=category.default_agency_id,
        )
        return self._directory.agency(agency_id)

    async def submit(
        self,
        owner_id: int,
        draft: ReportDraft,
        *,
        update_id: int | None = None,
        channel: str | None = None,
    ) -> Submission:
        """File a report; `channel` names an Open311 channel that filed it for the owner."""
        category = self._directory.category(draft.category_id)
        _check_draft(draft)
        now = self._clock.now()
        async with self._db.transaction() as session:
            reports = ReportRepository(session)
            earlier = await self._earlier(reports, owner_id, update_id)
            if earlier is not None:
                return earlier
            unit = await self._owned_unit(UnitRepository(session), owner_id, draft.unit_id)
            await self._check_daily_limit(reports, owner_id, now)
            agency = self.routed_agency(category.id, unit.sector_id, unit.county_id)
            year, seq = await self._tracking_number(reports, now)
            # Routed to the HQ secretariat itself, or nobody at the agency would ever see it:
            # either way it goes to the HQ's queue at once.
            to_hq = is_hq(agency)
            unstaffed = not to_hq and agency.id in await unstaffed_ids(session, self._directory)
            new = NewReport(
                province_id=self._directory.province_id,
                year=year,
                seq=seq,
                unit_id=unit.id,
                owner_id=owner_id,
                category_id=category.id,
                agency_id=agency.id,
                description=draft.description,
                amount_rials=draft.amount_rials,
                status=(
                    ReportStatus.ESCALATED if unstaffed or to_hq else ReportStatus.REFERRED
                ).value,
                due_at=self._calendar.add_working_days(now, category.deadline_days),
                created_at=now,
                channel=channel,
            )
            report_id = await reports.add(new, source_update_id=update_id)
            await _record_filing(session, report_id, new, to_hq, unstaffed)
            await reports.add_attachments(report_id, draft.attachments)
            report = await reports.get(report_id)
            audience = await self._audience(session, report_id, agency)
        assert report is not None
        return Submission(report, agency, False, unstaffed, to_hq, audience)

    async def _check_daily_limit(
        self, reports: ReportRepository, owner_id: int, now: datetime
    ) -> None:
        since = now - timedelta(days=1)
        if await reports.count_created_since(owner_id, since) >= self._max_per_day:
            raise ReportError("daily_limit")

    async def _tracking_number(self, reports: ReportRepository, now: datetime) -> tuple[int, int]:
        """The Jalali year of `now` in the province's time and the next sequence in it."""
        local = now.astimezone(self._calendar.tz)
        year = jdatetime.date.fromgregorian(date=local.date()).year
        return year, await reports.next_sequence(self._directory.province_id, year)

    async def _earlier(
        self, reports: ReportRepository, owner_id: int, update_id: int | None
    ) -> Submission | None:
        """The submission this update already filed (handled again after a failure)."""
        if update_id is None:
            return None
        earlier = await reports.by_source_update(owner_id, update_id)
        if earlier is None:
            return None
        history = await reports.events(earlier.id, include_internal=False)
        agency = self._directory.agency(earlier.agency_id)
        return Submission(
            earlier,
            agency,
            True,
            unstaffed=any(e.kind == UNSTAFFED_EVENT for e in history),
            to_hq=is_hq(agency),
        )

    async def _owned_unit(self, units: UnitRepository, owner_id: int, unit_id: int) -> UnitDTO:
        """The owner's unit in this province: one database may hold several provinces."""
        unit = await units.get(unit_id)
        if (
            unit is None
            or unit.owner_id != owner_id
            or unit.province_id != self._directory.province_id
        ):
            raise ReportError("unit_not_yours")
        return unit

    async def agency_audience(self, submission: Submission) -> AgencyAudience:
        """Who at the agency is sent this new report: as read when it was filed, else now."""
        if submission.audience is not None:
            return submission.audience
        async with self._db.session() as session:
            return await self._audience(session, submission.report.id, submission.agency)

    async def _audience(
        self, session: AsyncSession, report_id: int, agency: AgencyDTO
    ) -> AgencyAudience:
        """Read in the submission's transaction (an unstaffed agency's is empty; an HQ
        report goes to the secretariat instead), so the notice needs no read of its own."""
        officers = await UserRepository(session).holders(
            Role.OFFICER.value, self._province, agency_id=agency.id
        )
        if not officers and agency.group_chat_id is None:
            return AgencyAudience()  # nobody to send it to, so nobody to call the owner
        contact = _dialable(await ReportRepository(session).owner_contact(report_id))
        return AgencyAudience(tuple(officers), contact)

    async def agency_notified(self, report_id: int) -> bool:
        """Whether the agency was told of this report (an internal "notified" event)."""
        async with self._db.session() as session:
            events = await ReportRepository(session).events(report_id, include_internal=True)
        return any(e.kind == NOTIFIED_EVENT for e in events)

    async def mark_agency_notified(self, report_id: int, agency_id: int) -> None:
        """Recorded after the notice went out: a crash in between means a second notice
        after the restart (at least once), never none."""
        async with self._db.transaction() as session:
            await ReportRepository(session).add_event(
                NewReportEvent(
                    report_id,
                    NOTIFIED_EVENT,
                    agency_id=agency_id,
                    internal=True,
                    created_at=self._clock.now(),
                )
            )

    async def owner_page(self, owner_id: int, page: int, page_size: int = 5) -> Page[ReportDTO]:
        async with self._db.session() as session:
            return await ReportRepository(session).of_owner(
                owner_id, self._directory.province_id, page=page, page_size=page_size
            )

    async def view(self, principal: Principal, report_id: int) -> ReportView | None:
        """The report with its history as this principal may see it; None if not allowed.

        "Not allowed" and "does not exist" look the same, so report numbers cannot be probed.
        """
        async with self._db.session() as session:
            return await read_view(session, self._province, principal, report_id)

    async def find_by_number(
        self, principal: Principal, number: tuple[int, int]
    ) -> ReportView | None:
        async with self._db.session() as session:
            report = await ReportRepository(session).by_number(self._directory.province_id, *number)
        if report is None:
            return None
        return await self.view(principal, report.id)

    async def agency_contact(self, report: ReportDTO) -> OwnerContactDTO | None:
        """The owner's contact for messages that only the responsible agency receives (its
        officers' notices, its group); anyone else goes through `view`'s check."""
        async with self._db.session() as session:
            return _dialable(await ReportRepository(session).owner_contact(report.id))

    async def get(self, report_id: int) -> ReportDTO | None:
        async with self._db.session() as session:
            return await ReportRepository(session).get(report_id)


async def read_view(
    session: AsyncSession,
    province_id: int,
    principal: Principal,
    report_id: int,
    *,
    report: ReportDTO | None = None,
) -> ReportView | None:
    """ReportService.view in the caller's session: an action reads the card it redraws in
    its own transaction (WorkflowService.act), passing the report row it has just read
    (its attachment count is taken from the attachments read here)."""
    repo = ReportRepository(session)
    if report is None:
        report = await repo.get(report_id)
    if (
        report is None
        or report.province_id != province_id
        or not can_view_report(principal, report)
    ):
        return None
    staff = sees_internal_notes(principal, report)
    events = await repo.events(report_id, include_internal=staff)
    attachments = await repo.attachments(report_id)
    report = replace(report, attachments=len(attachments))
    contact = (
        _dialable(await repo.owner_contact(report_id))
        if sees_owner_contact(principal, report)
        else None
    )
    actors: dict[int, str] = {}
    if staff:
        ids = {e.actor_id for e in events if e.actor_id is not None}
        actors = await UserRepository(session).first_names(ids)
    tracking = await WorkflowRepository(session).tracking(report_id)
    return ReportView(report, tuple(events), tuple(attachments), actors, contact, tracking)


def letters_and_digits(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _dialable(contact: OwnerContactDTO | None) -> OwnerContactDTO | None:
    """The officer calls this number: in a form a phone dials (bot.text.dialable_phone)."""
    if contact is None or not contact.phone:
        return contact
    return replace(contact, phone=dialable_phone(contact.phone))


def _check_draft(draft: ReportDraft) -> None:
    """Refuse a draft whose description, amount or attachments are out of bounds."""
    text = draft.description
    if letters_and_digits(text) < DESCRIPTION_MIN or len(text) > DESCRIPTION_MAX:
        raise ReportError("description_length")
    if draft.amount_rials is not None and not amount_allowed(draft.amount_rials):
        raise ReportError("amount_range")
    if len(draft.attachments) > MAX_ATTACHMENTS:
        raise ReportError("too_many_attachments")


async def _record_filing(
    session: AsyncSession, report_id: int, new: NewReport, to_hq: bool, unstaffed: bool
) -> None:
    """The first steps of a new report: submitted, then routed. Routed to the HQ itself,
    that one step puts it in the HQ's queue; routed to an agency where nobody would see it,
    a second step does."""
    reports = ReportRepository(session)
    now, agency_id = new.created_at, new.agency_id
    await reports.add_event(
        NewReportEvent(
            report_id,
            "submitted",
            to_status=ReportStatus.SUBMITTED.value,
            created_at=now,
            actor_id=new.owner_id,
            channel=new.channel,
        )
    )
    await reports.add_event(
        NewReportEvent(
            report_id,
            "routed",
            from_status=ReportStatus.SUBMITTED.value,
            to_status=(ReportStatus.ESCALATED if to_hq else ReportStatus.REFERRED).value,
            agency_id=agency_id,
            created_at=now,
        )
    )
    if unstaffed:
        await reports.add_event(
            NewReportEvent(
                report_id,
                UNSTAFFED_EVENT,
                from_status=ReportStatus.REFERRED.value,
                to_status=ReportStatus.ESCALATED.value,
                agency_id=agency_id,
                created_at=now,
            )
        )
    if unstaffed or to_hq:
        await WorkflowRepository(session).save_tracking(report_id, escalated_at=now)
