"""Immutable objects the workflow repositories return (tracking, agenda, decisions, invites)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.new_rows import NewAgendaItem, NewDecision, NewInvite


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


@dataclass(frozen=True, slots=True, kw_only=True)
class AgendaItemDTO(NewAgendaItem):
    id: int
    status: str
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


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionDTO(NewDecision):
    id: int
    agencies: tuple[DecisionAgencyDTO, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InviteDTO(NewInvite):
    used_by: int | None
