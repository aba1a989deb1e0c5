"""Figures maintained on write: the counters behind /stats and /loans.

Each row is a count (and, for loans, a sum) that the write paths change in the same
transaction as the rows they describe (storage/figures.py is the one place that does it),
so /stats and /loans read a few hundred small rows instead of aggregating a million.
Rows are never deleted by the write paths: a count that falls to 0 stays, and readers skip
it. Integer buckets (seconds since the epoch, divided) keep them portable.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ReportCount(Base):
    """Reports now in each status, category, agency, county and sector (one dimension a row)."""

    __tablename__ = "report_counts"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportCreatedSlot(Base):
    """Reports created in each 15-minute slot (epoch seconds // 900): the weekly trend.

    Every time zone's midnight falls on a 15-minute boundary, so local weeks sum exactly."""

    __tablename__ = "report_created_slots"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportOpenDue(Base):
    """Open reports by agency and due bucket (epoch seconds // 2**21, about 24 days).

    Overdue now = the buckets wholly in the past, plus the current bucket's reports due
    before now, counted from the reports' inbox index (a few days of reports at most)."""

    __tablename__ = "report_open_due"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDurationCount(Base):
    """Reports of an agency by their time to first response or to resolution, in minutes
    at the precision /stats shows (whole minutes under an hour, whole hours above)."""

    __tablename__ = "report_duration_counts"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # response | resolution
    agency_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    minutes: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class LoanFigure(Base):
    """One year's facilities by stage and one breakdown's key, counted and summed.

    `key` is the bank/sector/county id, the type or stage code, or the yyyymm month, as
    text; "" stands for "not given"."""

    __tablename__ = "loan_figures"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    dimension: Mapped[str] = mapped_column(String(8), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_rials: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportDurationMedian(Base):
    """Where each agency's median time lies in its histogram, kept as the histogram changes.

    `minutes` is the bucket holding the lower middle rank, (total + 1) // 2, and `below`
    counts the reports in the buckets under it. A change of one report moves it by at most
    one non-empty bucket (a seek on the histogram's key), so /stats reads the medians from
    these rows instead of ranking the histogram."""

    __tablename__ = "report_duration_medians"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    agency_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    below: Mapped[int] = mapped_column(BigInteger, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
