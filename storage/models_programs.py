"""The strategy's key programs, their progress updates and the reports linked to them."""

from __future__ import annotations

from datetime import date, datetime

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

from storage.models import Base, Report, UTCDateTime, utcnow


class Program(Base):
    """One of the strategy's key programs (برنامه‌های کلیدی), owned by one agency.

    `progress` and `last_update_at` repeat the latest update so that /status reads one
    row per program instead of aggregating the history on every request.
    """

    __tablename__ = "programs"
    __table_args__ = (
        UniqueConstraint("province_id", "number"),
        UniqueConstraint("province_id", "code", name="uq_programs_province_id_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    title_fa: Mapped[str] = mapped_column(String(512))
    title_en: Mapped[str] = mapped_column(String(512))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    theme: Mapped[str] = mapped_column(String(32), default="")
    # Reports of this category are linked to the program without anyone linking them.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), nullable=True)
    target_fa: Mapped[str | None] = mapped_column(Text, nullable=True)
    target_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The schedule, when one is set: progress is expected to grow linearly between them.
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgramUpdate(Base):
    """A progress update posted by an officer of the responsible agency (append-only)."""

    __tablename__ = "program_updates"
    __table_args__ = (Index("ix_program_updates_program_id_id", "program_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    # The day the progress was measured, as the officer gave it (a calendar day).
    reported_on: Mapped[date] = mapped_column(Date)
    evidence_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    evidence_file_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    evidence_file_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgramReportLink(Base):
    """A report linked to a program by the HQ secretariat (beyond the category link)."""

    __tablename__ = "program_report_links"
    __table_args__ = (Index("ix_program_report_links_report_id", "report_id"),)

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    linked_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Figures for officials group and filter reports by category and by status; these indexes
# on the core table belong to this feature, so they are declared (and migrated) here.
Index(
    "ix_reports_province_category_created",
    Report.province_id,
    Report.category_id,
    Report.created_at,
)
# Covering for the overdue count per agency: read from the index alone.
Index(
    "ix_reports_province_status_due",
    Report.province_id,
    Report.status,
    Report.due_at,
    Report.agency_id,
)
