"""Typed rows of the HQ sessions (storage/models_sessions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.new_rows import NewSession


@dataclass(frozen=True, slots=True)
class SessionAgencyDTO:
    agency_id: int
    attended: bool
    attendee: str | None


@dataclass(frozen=True, slots=True)
class SessionItemDTO:
    agenda_item_id: int
    position: int
    outcome: str | None
    decision_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionDTO(NewSession):
    id: int
    status: str
    agenda_sent_at: datetime | None
    minutes_issued_at: datetime | None
    agencies: tuple[SessionAgencyDTO, ...] = ()
    minutes_file_id: str | None = None
    minutes_file_name: str | None = None
    items: tuple[SessionItemDTO, ...] = ()


@dataclass(frozen=True, slots=True)
class PositionDTO:
    agenda_item_id: int
    agency_id: int
    text: str
    written_at: datetime


@dataclass(frozen=True, slots=True)
class FollowUpDTO:
    decision_id: int
    agency_id: int
    reminded_at: datetime | None
    overdue_at: datetime | None
    upheld_at: datetime | None
    requeued_at: datetime | None


@dataclass(frozen=True, slots=True)
class AgencySaid:
    """The latest thing an agency wrote on a report (not internal): the agenda shows it."""

    report_id: int
    agency_id: int | None
    kind: str
    note: str
