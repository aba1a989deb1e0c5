"""Tables of the Headquarters' sessions: the session, its invited agencies and attendance,
its agenda in order with each item's outcome, agencies' written positions, and the
follow-up of a decision per agency (reminder, overdue mark, upheld objection).

The decisions themselves stay in `decisions`/`decision_agencies` (models_workflow).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class SessionStatus:
    SCHEDULED = "scheduled"
    ISSUED = "issued"  # the minutes went out; the objection windows run


class ItemOutcome:
    DECIDED = "decided"
    POSTPONED = "postponed"
    REJECTED = "rejected"
    # An overdue decision put back on a later session, and followed up there.
    REVIEWED = "reviewed"
    ALL = (DECIDED, POSTPONED, REJECTED, REVIEWED)


class HQSession(Base):
    """One session of the provincial HQ (جلسهٔ ستاد), numbered within the province."""

    __tablename__ = "hq_sessions"
    __table_args__ = (UniqueConstraint("province_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(256))
    chair: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.SCHEDULED)
    agenda_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    minutes_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The secretariat's edited minutes (a Telegram file), issued instead of the generated.
    minutes_file_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    minutes_file_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionAgency(Base):
    """An invited agency; after the session, whether it attended and who came."""

    __tablename__ = "hq_session_agencies"
    __table_args__ = (UniqueConstraint("session_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("hq_sessions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    # "name، title" as the secretariat wrote it.
    attendee: Mapped[str | None] = mapped_column(String(256), nullable=True)


class SessionItem(Base):
    """An agenda item put on a session, in order, and what the session did with it."""

    __tablename__ = "hq_session_items"
    __table_args__ = (UniqueConstraint("session_id", "agenda_item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("hq_sessions.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), nullable=True)


class ItemPosition(Base):
    """An agency's written position on an agenda item, sent before the session."""

    __tablename__ = "hq_item_positions"
    __table_args__ = (UniqueConstraint("agenda_item_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionFollowUp(Base):
    """The secretariat's follow-up of one agency's share of a decision."""

    __tablename__ = "hq_decision_followups"
    __table_args__ = (UniqueConstraint("decision_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    upheld_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    requeued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
