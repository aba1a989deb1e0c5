"""What the Open311 API reads: public fields of reports, and channels' keys and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.dto import ReportHeadDTO
from storage.new_rows import NewApiKey


@dataclass(frozen=True, slots=True)
class PublicRequestDTO(ReportHeadDTO):
    """A report as anyone may see it: no owner, unit name, description, note or actor."""

    county_id: int
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    channel: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKeyDTO(NewApiKey):
    id: int
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClientTokenDTO:
    id: int
    token: str
    channel: str
    report_id: int | None
