"""The daily digest: who subscribes, and the delivery log that makes the broadcast resumable."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class ChatKind(StrEnum):
    USER = "user"  # a private chat: the chat id is the user id
    GROUP = "group"
    CHANNEL = "channel"


class DeliveryState(StrEnum):
    PENDING = "pending"  # still to send (or to resume: parts_sent says how far it got)
    SENT = "sent"
    FAILED = "failed"  # gave up after retries, or a permanent error other than "gone"
    BLOCKED = "blocked"  # 403 or the chat is gone: the subscription was ended
    SKIPPED = "skipped"  # nothing for this recipient today, or they unsubscribed meanwhile


class DigestSubscription(Base):
    """One chat that gets the digest. A row is never deleted: ending it keeps the note why."""

    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "HH:MM" Tehran time; None means the configured DIGEST_TIME.
    send_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # Comma-separated section keys the subscriber turned off.
    muted_sections: Mapped[str] = mapped_column(String(512), default="")
    # Groups and channels have no user profile; private chats use the user's language.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    subscribed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_note: Mapped[str | None] = mapped_column(String(512), nullable=True)


class DigestDelivery(Base):
    """One row per (digest day, recipient chat): the broadcast sends pending rows only.

    A digest may be several messages; `parts_sent` and `message_ids` advance in the same
    commit after each part Telegram accepted, and `payload` freezes the rendered parts at
    the first one, so a resumed row continues with exactly the text it started with.
    """

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("day", "chat_id"),
        Index("ix_digest_deliveries_day_state", "day", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # the digest's Tehran calendar day
    chat_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    message_ids: Mapped[str] = mapped_column(String(256), default="")
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(512), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
