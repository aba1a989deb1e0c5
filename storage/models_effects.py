"""What an action already did, so a retried update repeats its messages, not its effects.

`action_effects`: one row per (province, update, action) written in the same transaction
as the action's events; when the same update is handled again (a send failed after the
commit and the error handler retried it) the service returns the recorded result and its
notices instead of checking the action anew. `notice_outbox`: notices the deadline job
owes; written with the deadline step, marked sent only after delivery.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class ActionEffect(Base):
    """The result of one person's action, keyed by the update that carried it."""

    __tablename__ = "action_effects"

    # Update ids are per bot; several provinces' bots may share one database.
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)  # JSON: the result and its notices
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeOutbox(Base):
    """A notice the clock produced (reminder, escalation) that is delivered until sent."""

    __tablename__ = "notice_outbox"
    __table_args__ = (Index("ix_notice_outbox_unsent", "province_id", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    payload: Mapped[str] = mapped_column(Text)  # JSON: one notice
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
