"""What a service hands a repository to insert: the fields it gives a new row.

Each DTO of such a row extends its class here with what the database adds (id, times), so
a field list is written once: not again in a repository signature, a model constructor
call (`Repository.inserted`) and the DTO.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
