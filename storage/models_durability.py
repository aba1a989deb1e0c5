"""Durable bot state: python-telegram-bot's persistence and the updates already handled.

Both are keyed by the bot's id (the number before the colon in its token), so one database
can serve several provinces' bots without their conversations or update ids colliding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class BotState(Base):
    """One persisted piece of PTB state, as JSON (never pickle).

    kind: "user" / "chat" (key = the id), "bot" (key = ""), "conversation" (scope = the
    ConversationHandler's name, key = the conversation key as a JSON list).
    """

    __tablename__ = "bot_state"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcessedUpdate(Base):
    """An update whose handling (and the state it left) is committed: never handle it again."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_handled_at", "handled_at"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
