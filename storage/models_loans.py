"""Production-boom facilities (تسهیلات رونق تولید): per-facility rows, quotas, reported totals.

Reported totals from official sources are kept as reported, one row per source, and are
never added to the per-facility rows or to each other: officials quote them by source.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class LoanType(StrEnum):
    WORKING_CAPITAL = "working"  # سرمایه در گردش
    FIXED_INVESTMENT = "fixed"  # سرمایه ثابت


class LoanStage(StrEnum):
    APPLIED = "applied"  # ثبت درخواست
    APPROVED_WG = "approved_wg"  # تأیید کارگروه
    APPROVED_BANK = "approved_bank"  # تأیید بانک
    PAID = "paid"  # پرداخت‌شده


class LoanImport(Base):
    """One imported file; the same rows (hash of their content) are never imported twice."""

    __tablename__ = "loan_imports"
    __table_args__ = (UniqueConstraint("province_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    file_name: Mapped[str] = mapped_column(String(256))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    total_rials: Mapped[int] = mapped_column(BigInteger)
    imported_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoanFacility(Base):
    """One facility for one unit or project, at the stage the bank last reported."""

    __tablename__ = "loan_facilities"
    __table_args__ = (
        # Every figure of /loans is one GROUP BY over a year's rows (see LoanRepository).
        Index("ix_loan_facilities_year_stage", "province_id", "year", "stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("loan_imports.id"), nullable=True)
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_name: Mapped[str] = mapped_column(String(256))
    bank_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), nullable=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), nullable=True)
    amount_rials: Mapped[int] = mapped_column(BigInteger)
    loan_type: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    # The Jalali year the facility counts towards (the quota's year).
    year: Mapped[int] = mapped_column(Integer)
    # Jalali year*100 + month of the stage date (e.g. 139807), for the monthly breakdown.
    month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    applied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_wg_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_bank_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoanQuota(Base):
    """The province's quota of production-boom facilities for a Jalali year."""

    __tablename__ = "loan_quotas"
    __table_args__ = (UniqueConstraint("province_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    year: Mapped[int] = mapped_column(Integer)
    amount_rials: Mapped[int] = mapped_column(BigInteger)
    source_fa: Mapped[str] = mapped_column(Text, default="")
    source_en: Mapped[str] = mapped_column(Text, default="")


class LoanReportedTotal(Base):
    """A total as one official source announced it (never merged with another source)."""

    __tablename__ = "loan_reported_totals"
    __table_args__ = (UniqueConstraint("province_id", "source_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    source_code: Mapped[str] = mapped_column(String(32))
    source_fa: Mapped[str] = mapped_column(Text)
    source_en: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    projects: Mapped[int | None] = mapped_column(Integer, nullable=True)
    amount_rials: Mapped[int] = mapped_column(BigInteger)
    note_fa: Mapped[str | None] = mapped_column(Text, nullable=True)
    note_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
