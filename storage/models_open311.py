"""Open311 channels: their API keys (hashed) and the client tokens that make a POST idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class ApiKey(Base):
    """A channel's key; only its SHA-256 is kept, so a stolen database files nothing."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    channel: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so an admin can tell keys apart in /apikeys without the key.
    key_prefix: Mapped[str] = mapped_column(String(16))
    per_minute: Mapped[int] = mapped_column(Integer)
    per_day: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiClientToken(Base):
    """A channel's token for one POST: the same token again returns the same report."""

    __tablename__ = "api_client_tokens"
    __table_args__ = (
        UniqueConstraint("province_id", "channel", "token"),
        Index("ix_api_client_tokens_key_created", "api_key_id", "created_at"),
        Index("ix_api_client_tokens_token", "token"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    channel: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(String(64))
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    # NULL while the report is being filed (or if filing it failed).
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
