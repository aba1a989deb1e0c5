"""DTOs for view and rule tests that need no database: one of each, changed per test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from storage.dto import ReportDTO
from storage.dto_workflow import AgendaItemDTO, DecisionDTO

WHEN = datetime(2026, 11, 28, tzinfo=UTC)

_REPORT = ReportDTO(
    id=1, province_id=1, year=1405, seq=1, unit_id=1, unit_name="u", owner_id=1,
    category_id=1, agency_id=1, description="d", amount_rials=None, status="submitted",
    created_at=WHEN, updated_at=WHEN, due_at=WHEN, closed_at=None,
)  # fmt: skip
_ITEM = AgendaItemDTO(
    id=1, province_id=1, title="t", cause_kind="law", session_date=WHEN.date(),
    status="decided", created_by=None, created_at=WHEN,
)  # fmt: skip
_DECISION = DecisionDTO(
    id=1, province_id=1, agenda_item_id=1, text="text", deadline_at=WHEN,
    objection_until=WHEN, created_by=None, created_at=WHEN,
)  # fmt: skip


def report_dto(**changes: Any) -> ReportDTO:
    """A submitted report (number 1405-1, filed and due at WHEN) with these fields changed."""
    return replace(_REPORT, **changes)


def agenda_item_dto(**changes: Any) -> AgendaItemDTO:
    """A decided law item of WHEN's day with these fields changed."""
    return replace(_ITEM, **changes)


def decision_dto(**changes: Any) -> DecisionDTO:
    """Decision 1 on item 1, due and past objection at WHEN, with these fields changed."""
    return replace(_DECISION, **changes)
