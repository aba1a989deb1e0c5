"""What a service hands a repository to insert: the fields it gives a new row.

Each DTO of such a row extends its class here with what the database adds (id, times), so
a field list is written once: not again in a repository signature, a model constructor
call (`Repository.inserted`) and the DTO.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewUnit:
    """A unit as its owner registers it; the row adds its id and time (UnitDTO)."""

    province_id: int
    owner_id: int
    name: str
    sector_id: int
    county_id: int
    permit_status: str
    phone: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReport:
    """A report as it is filed; the row adds its id, times and counts (ReportDTO)."""

    province_id: int
    year: int
    seq: int
    unit_id: int
    owner_id: int
    category_id: int
    agency_id: int
    description: str
    amount_rials: int | None
    status: str
    due_at: datetime
    created_at: datetime
    # Where it came from: None is the messenger chat, else an Open311 channel's name.
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A file attached to a report, as Telegram described it; the row adds its id, its
    report and its time. Positional: the report flow builds it from a message, keeps it in
    the draft and hands it over with the report (ReportService's `Attachment`)."""

    kind: str  # "photo" | "document"
    file_id: str
    file_unique_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Authored:
    """Who on the staff added a row, in which province and when (None: the system)."""

    province_id: int
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSession(Authored):
    """An HQ session as the secretariat schedules it (SessionDTO adds the rest)."""

    number: int
    starts_at: datetime
    place: str
    chair: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAgendaItem(Authored):
    """An item put on the HQ agenda; it starts scheduled (AgendaItemDTO adds the rest)."""

    title: str
    cause_kind: str
    session_date: date


@dataclass(frozen=True, slots=True, kw_only=True)
class NewDecision(Authored):
    """The HQ's decision on an agenda item; the agencies it binds are given beside it."""

    agenda_item_id: int
    text: str
    deadline_at: datetime
    objection_until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewInvite(Authored):
    """A one-time code that grants a role (InviteDTO adds who used it)."""

    code: str
    role: str
    agency_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewProgramUpdate:
    """A program's progress as an agency reports it (ProgramUpdateDTO adds the id)."""

    program_id: int
    percent: int
    note: str
    reported_on: date
    evidence_kind: str | None
    evidence_file_id: str | None
    evidence_file_name: str | None
    author_id: int
    agency_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewApiKey(Authored):
    """An Open311 channel's key as issued; its hash is given to the repository beside it,
    so the hash never travels up in an ApiKeyDTO."""

    channel: str
    key_prefix: str
    per_minute: int
    per_day: int


@dataclass(frozen=True, slots=True)
class NewReportEvent:
    """One step of a report's append-only history (ReportEventDTO adds the id)."""

    report_id: int
    kind: str
    _: KW_ONLY
    # The move (None, None when the status stays), when, by whom, about which agency.
    from_status: str | None = None
    to_status: str | None = None
    created_at: datetime
    actor_id: int | None = None
    agency_id: int | None = None
    note: str | None = None
    internal: bool = False
    # The Open311 channel that made this step; None for the messenger chat.
    channel: str | None = None
