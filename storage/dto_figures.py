"""Immutable objects for the officials' figures: programs, loans, report statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.dto import ReportHeadDTO, in_language
from storage.new_rows import NewProgramUpdate


@dataclass(frozen=True, slots=True)
class ProgramDTO:
    id: int
    number: int
    code: str
    title_fa: str
    title_en: str
    agency_id: int
    theme: str
    category_id: int | None
    target_fa: str | None
    target_en: str | None
    starts_on: date | None
    due_on: date | None
    progress: int
    last_update_at: datetime | None

    def title(self, lang: str) -> str:
        return in_language(lang, self.title_fa, self.title_en)

    def target(self, lang: str) -> str | None:
        return in_language(lang, self.target_fa, self.target_en)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramUpdateDTO(NewProgramUpdate):
    id: int


@dataclass(frozen=True, slots=True)
class LinkedReportDTO(ReportHeadDTO):
    """A report linked to a program, with how: by its category or by the secretariat."""

    created_at: datetime
    explicit: bool


@dataclass(frozen=True, slots=True)
class Sourced:
    """A loan figure as an official source gave it: officials quote it by that source."""

    source_fa: str
    source_en: str

    def source(self, lang: str) -> str:
        return in_language(lang, self.source_fa, self.source_en)


@dataclass(frozen=True, slots=True)
class LoanQuotaDTO(Sourced):
    year: int
    amount_rials: int


@dataclass(frozen=True, slots=True)
class LoanReportedDTO(Sourced):
    source_code: str
    year: int
    projects: int | None
    amount_rials: int
    note_fa: str | None
    note_en: str | None
    reported_on: date | None


@dataclass(frozen=True, slots=True)
class LoanGroupRow:
    """One group of a /loans breakdown: facilities at `stage` with this `key`."""

    stage: str
    key: int | str | None  # a bank/sector/county id, a type or stage code, a yyyymm month
    count: int
    amount_rials: int


@dataclass(frozen=True, slots=True)
class LoanFacilityDTO:
    id: int
    unit_name: str
    bank_id: int
    sector_id: int | None
    county_id: int | None
    amount_rials: int
    loan_type: str
    stage: str
    year: int
    applied_on: date | None
    approved_wg_on: date | None
    approved_bank_on: date | None
    paid_on: date | None


@dataclass(frozen=True, slots=True)
class CountRow:
    key: object
    count: int


@dataclass(frozen=True, slots=True)
class AgencyTiming:
    """Medians per agency, in seconds; None where no report has got that far yet."""

    agency_id: int
    responded: int
    median_first_response_s: float | None
    resolved: int
    median_resolution_s: float | None


@dataclass(frozen=True, slots=True)
class ReportExportRow:
    id: int
    year: int
    seq: int
    unit_name: str
    county_id: int
    sector_id: int
    category_id: int
    agency_id: int
    status: str
    amount_rials: int | None
    description: str
    created_at: datetime
    due_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class LoanAdded:
    """What imports since a moment added to one year's facilities."""

    files: int
    year: int | None  # the latest year the added facilities count towards
    paid_count: int
    paid_rials: int
    all_count: int
    all_rials: int
