"""SQLAlchemy 2 typed models. Times are stored in UTC; province-specific rows carry a province."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints make Alembic migrations (and SQLite batch mode) deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite hands back naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. from a bulk insert
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# The largest value of an Integer column on PostgreSQL (int4): a number typed or forged
# beyond it names no row, and asking the database would fail rather than find nothing.
INT4_MAX = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(StrEnum):
    OWNER = "owner"
    OFFICER = "officer"
    OFFICIAL = "official"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"
    # A ministry official: the roll-up across every province served by the database.
    MINISTRY = "ministry"


class PermitStatus(StrEnum):
    LICENSED = "licensed"  # پروانه بهره‌برداری
    ESTABLISHMENT = "establishment"  # جواز تأسیس only
    NONE = "none"  # فاقد مجوز


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    REFERRED = "referred"
    IN_PROGRESS = "in_progress"
    AWAITING_OWNER = "awaiting_owner"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    ON_AGENDA = "on_agenda"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"


# The workflow's terminal states: the agency owes nothing more and no deadline runs (the
# owner's "not removed" can still reopen a resolved report; until then it counts as closed).
# One definition for the digest, /stats and the national roll-up; bot.services.workflow
# checks that its open sets and this one cover every status exactly once.
CLOSED_REPORT_STATUSES: frozenset[str] = frozenset(
    {
        ReportStatus.RESOLVED.value,
        ReportStatus.REJECTED.value,
        ReportStatus.WITHDRAWN.value,
        ReportStatus.DECIDED.value,
    }
)


# --- the province and its reference data -------------------------------------------------


class Province(Base):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_fa: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    strategy_year: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Tehran")
    dataset_version: Mapped[str] = mapped_column(String(64), default="")


class _Coded:
    """A row of a province's reference data, known by a code unique in its province."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[UniqueConstraint]:  # noqa: N805 - called with the class
        # A new constraint per table: one constraint object cannot belong to two tables.
        return (UniqueConstraint("province_id", "code"),)

    # Sorted first, before the columns of the class, in the order the migrations made them.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), sort_order=-1)
    code: Mapped[str] = mapped_column(String(32), sort_order=-1)


class _ReferenceList(_Coded):
    """An entry of one of a province's short reference lists: coded, named, ordered."""

    name_fa: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)


class County(_ReferenceList, Base):
    __tablename__ = "counties"


class Sector(_ReferenceList, Base):
    __tablename__ = "sectors"


class Agency(_Coded, Base):
    __tablename__ = "agencies"

    name_fa: Mapped[str] = mapped_column(String(256))
    name_en: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(32))
    # What buttons and charts show when the full name does not fit (optional).
    short_name_fa: Mapped[str | None] = mapped_column(String(64), nullable=True)
    short_name_en: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The agency's officers' group, where reports are posted with action buttons.
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Category(_Coded, Base):
    __tablename__ = "categories"

    name_fa: Mapped[str] = mapped_column(String(256))
    name_en: Mapped[str] = mapped_column(String(256))
    financial: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_days: Mapped[int] = mapped_column(Integer, default=10)
    default_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class RoutingRule(Base):
    """Which agency gets a category's reports; a sector or county narrows a rule."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), nullable=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), nullable=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    updated_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- people ------------------------------------------------------------------------------


class User(Base):
    """A messenger account; the id is the platform's user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(256), default="")
    last_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "province_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    granted_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Unit(Base):
    """A production unit (واحد تولیدی) registered by its owner."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    permit_status: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The update that registered it: a redelivered contact must not register a second unit.
    source_update_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# --- reports -----------------------------------------------------------------------------


class TrackingCounter(Base):
    """The last tracking sequence handed out per province and Jalali year."""

    __tablename__ = "tracking_counters"

    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Report(Base):
    """An obstacle report (Open311's service request): routed to one responsible agency."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("province_id", "year", "seq"),
        Index("ix_reports_agency_status_created", "agency_id", "status", "created_at"),
        # An owner's reports, newest first, counted and paged from the index alone
        # (/myreports for an owner with thousands of reports; see docs/benchmarks.md).
        Index("ix_reports_owner_province_created", "owner_id", "province_id", "created_at", "id"),
        Index("ix_reports_province_created", "province_id", "created_at"),
        # An agency's inbox: counted (all, and past due) from the first index alone, and
        # paged newest first along the second, which also carries the filters' columns
        # (see docs/benchmarks.md, "Queries at scale").
        Index(
            "ix_reports_inbox_count",
            "province_id", "agency_id", "status", "due_at", "category_id",
        ),
        Index(
            "ix_reports_inbox_order",
            "province_id", "agency_id", "created_at", "status", "due_at", "category_id",
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    description: Mapped[str] = mapped_column(Text)
    amount_rials: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The update that created it: Telegram may deliver an update twice.
    source_update_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Where it came from: NULL is the messenger chat, else an Open311 channel's name.
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ReportAttachment(Base):
    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    mime_type: Mapped[str | None] = mapped_column(String(128), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportEvent(Base):
    """Append-only history of a report: who did what, when."""

    __tablename__ = "report_events"
    __table_args__ = (
        Index("ix_report_events_report_id_id", "report_id", "id"),
        # The digest's "resolved / escalated yesterday": a day's moves to one status.
        Index("ix_report_events_to_status_created", "to_status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    actor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    kind: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Internal notes of an agency are never shown to the owner.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The Open311 channel that made this step; NULL is the messenger chat.
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
