"""Immutable objects the digest repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class SubscriptionDTO:
    id: int
    chat_id: int
    kind: str
    active: bool
    send_time: str | None
    muted_sections: frozenset[str]
    language: str | None
    end_note: str | None


@dataclass(frozen=True, slots=True)
class DeliveryDTO:
    id: int
    day: date
    chat_id: int
    state: str
    attempts: int
    parts_sent: int
    message_ids: tuple[int, ...]
    payload: str | None
    last_error: str | None
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryTotals:
    """A day's delivery log at a glance, for the admins' report."""

    pending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.failed + self.blocked + self.skipped


@dataclass(frozen=True, slots=True)
class CountBy:
    """A count grouped by one id (a category, an agency)."""

    id: int
    count: int
