"""Plain, immutable objects that repositories return; nothing outside storage sees ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from storage.new_rows import NewReport, NewReportEvent, NewUnit

T = TypeVar("T")


def in_language(lang: str, fa: T, en: T) -> T:
    """Of a text kept in both languages, the Persian one for "fa" and the English one for
    any other language (English is the fallback of every catalog but Persian)."""
    return fa if lang == "fa" else en


@dataclass(frozen=True, slots=True)
class Named:
    """Reference data with a Persian and an English name."""

    id: int
    code: str
    name_fa: str
    name_en: str

    def name(self, lang: str) -> str:
        return in_language(lang, self.name_fa, self.name_en)


@dataclass(frozen=True, slots=True)
class ProvinceDTO(Named):
    strategy_year: int
    timezone: str


@dataclass(frozen=True, slots=True)
class AgencyDTO(Named):
    kind: str
    group_chat_id: int | None
    short_name_fa: str | None = None
    short_name_en: str | None = None

    def short_name(self, lang: str) -> str:
        """The short name where the data set gives one (buttons, charts), else the name."""
        short = in_language(lang, self.short_name_fa, self.short_name_en)
        return short or self.name(lang)


@dataclass(frozen=True, slots=True)
class CategoryDTO(Named):
    financial: bool
    deadline_days: int
    default_agency_id: int


@dataclass(frozen=True, slots=True)
class RoutingRuleDTO:
    id: int
    category_id: int
    sector_id: int | None
    county_id: int | None
    agency_id: int


@dataclass(frozen=True, slots=True)
class UserDTO:
    id: int
    first_name: str
    username: str | None
    language: str | None
    phone: str | None
    blocked: bool


@dataclass(frozen=True, slots=True)
class RoleGrant:
    role: str
    agency_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitDTO(NewUnit):
    id: int
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportDTO(NewReport):
    id: int
    unit_name: str
    updated_at: datetime
    closed_at: datetime | None
    attachments: int = 0


@dataclass(frozen=True, slots=True)
class ReportHeadDTO:
    """A report's number and where it stands: what anyone may see of it (Open311 lists it,
    a program's page links it). Read with `reports.REPORT_HEAD` and what a caller adds."""

    id: int
    year: int
    seq: int
    status: str
    category_id: int
    agency_id: int


@dataclass(frozen=True, slots=True)
class OwnerContactDTO:
    """Who filed a report and how to reach them: for the agency and the HQ only."""

    name: str
    username: str | None
    phone: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportEventDTO(NewReportEvent):
    id: int


@dataclass(frozen=True, slots=True)
class AttachmentDTO:
    id: int
    kind: str
    file_id: str
    file_name: str | None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    pages: int
    total: int
