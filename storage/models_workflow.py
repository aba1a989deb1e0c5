"""Tables of the agency workflow and the Headquarters: tracking, agenda, decisions, invites.

The report itself (status, agency, due date) stays in `reports`; what only the workflow
needs lives here, one row per report, so the core table is not widened by every feature.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class AgendaItemStatus:
    SCHEDULED = "scheduled"
    DECIDED = "decided"


class CauseKind:
    """What a systemic obstacle is rooted in; "law" items form the obstructive-laws list."""

    LAW = "law"
    BANK = "bank"
    INPUT = "input"
    OTHER = "other"
    ALL = (LAW, BANK, INPUT, OTHER)


class AgencyResponse:
    PENDING = "pending"
    OBJECTED = "objected"
    IMPLEMENTED = "implemented"


class ReportTracking(Base):
    """Workflow facts about one report: who took it, deadline clock, overdue and verdict."""

    __tablename__ = "report_tracking"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    # The officer who accepted it.
    assignee_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # While a question waits for the owner the agency's clock stops.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    # The owner's word after resolution: "removed" or "not_removed".
    verdict: Mapped[str | None] = mapped_column(String(16), nullable=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id"), nullable=True, index=True
    )


class AgendaItem(Base):
    """A systemic obstacle: escalated reports sharing one cause, put before an HQ session."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    cause_kind: Mapped[str] = mapped_column(String(16))
    session_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=AgendaItemStatus.SCHEDULED)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """An HQ decision (مصوبه) on an agenda item; binding on the agencies named in it."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    objection_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionAgency(Base):
    """One responsible agency of a decision and its answer: objection or implementation."""

    __tablename__ = "decision_agencies"
    __table_args__ = (UniqueConstraint("decision_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    state: Mapped[str] = mapped_column(String(16), default=AgencyResponse.PENDING)
    objection: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    responded_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RoleInvite(Base):
    """A one-time code (also a /start deep link) that grants a role to whoever redeems it."""

    __tablename__ = "role_invites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    role: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
