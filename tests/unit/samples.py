"""DTOs for view and rule tests that need no database: one report, changed per test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from storage.dto import ReportDTO

WHEN = datetime(2026, 11, 28, tzinfo=UTC)

_REPORT = ReportDTO(
    id=1, province_id=1, year=1405, seq=1, unit_id=1, unit_name="u", owner_id=1,
    category_id=1, agency_id=1, description="d", amount_rials=None, status="submitted",
    created_at=WHEN, updated_at=WHEN, due_at=WHEN, closed_at=None,
)  # fmt: skip


def report_dto(**changes: Any) -> ReportDTO:
    """A submitted report (number 1405-1, filed and due at WHEN) with these fields changed."""
    return replace(_REPORT, **changes)
