"""Durable bot state: python-telegram-bot's persistence, the inbox of received updates and
the outbox of rendered messages to send.

All three are keyed by the bot's id (the number before the colon in its token), so one database
can serve several provinces' bots without their conversations or update ids colliding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
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


class InboxUpdate(Base):
    """One update as the Bot API sent it, stored before it is confirmed (the durable inbox).

    The row is written when the update arrives (one transaction per getUpdates batch, or per
    webhook post) and marked done in the same transaction as the state its handling left;
    rows not done are handled again, in order, after a restart. A second arrival of the same
    id is ignored, which is the one "handled exactly once" guard of the update path.
    """

    __tablename__ = "update_inbox"
    __table_args__ = (Index("ix_update_inbox_done", "bot_id", "done_at"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)  # the update's JSON
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxMessage(Base):
    """One rendered message waiting to be sent after the commit that decided it (bot.outbox).

    `source` and `position` name where it came from: an update (`u:<update id>`) or a job's
    key (a deadline notice, a report filed over the API), and its place among that source's
    messages. They are unique, so a source handled again after a failure or a crash cannot
    queue the same message twice. `state` is pending, sent or dropped (Telegram refused it
    for good); done rows are forgotten after a while, as the inbox's are.
    """

    __tablename__ = "message_outbox"
    __table_args__ = (
        UniqueConstraint("bot_id", "source", "position"),
        Index("ix_message_outbox_due", "bot_id", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bot_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    # The inline keyboard as the Bot API's JSON; NULL when there is none (never an empty one).
    reply_markup: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
