"""Immutable objects the workflow repositories return (tracking, agenda, decisions, invites)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class TrackingDTO:
    report_id: int
    assignee_id: int | None = None
    paused_at: datetime | None = None
    overdue_at: datetime | None = None
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    reopen_count: int = 0
    verdict: str | None = None
    agenda_item_id: int | None = None


@dataclass(frozen=True, slots=True)
class AgendaItemDTO:
    id: int
    title: str
    cause_kind: str
    session_date: date
    status: str
    created_at: datetime
    report_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionAgencyDTO:
    decision_id: int
    agency_id: int
    state: str
    objection: str | None
    evidence: str | None
    responded_by: int | None
    responded_at: datetime | None


@dataclass(frozen=True, slots=True)
class DecisionDTO:
    id: int
    agenda_item_id: int
    text: str
    deadline_at: datetime
    objection_until: datetime
    created_at: datetime
    agencies: tuple[DecisionAgencyDTO, ...] = ()


@dataclass(frozen=True, slots=True)
class InviteDTO:
    code: str
    role: str
    agency_id: int | None
    created_by: int | None
    used_by: int | None
