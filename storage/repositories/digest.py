"""Digest subscriptions, the delivery log, and the report figures the digest sections show."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, distinct, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert
from storage.dto import ReportDTO, RoleGrant
from storage.dto_digest import CountBy, DeliveryDTO, DeliveryTotals, SubscriptionDTO
from storage.models import (
    CLOSED_REPORT_STATUSES,
    Report,
    ReportEvent,
    ReportStatus,
    User,
    UserRole,
)
from storage.models_digest import ChatKind, DeliveryState, DigestDelivery, DigestSubscription
from storage.repositories.reports import ReportRepository
from storage.repositories.rows import Repository, newest_first, to_dto

# A report in one of these states needs nothing more from its agency.
CLOSED_STATUSES: frozenset[str] = CLOSED_REPORT_STATUSES
# Rows per INSERT: well under SQLite's bound-parameter limit, few round trips on PostgreSQL.
_INSERT_BATCH = 500


def _muted(value: str) -> frozenset[str]:
    return frozenset(part for part in value.split(",") if part)


def _subscription_dto(row: DigestSubscription) -> SubscriptionDTO:
    return to_dto(SubscriptionDTO, row, muted_sections=_muted(row.muted_sections))


def _delivery_dto(row: DigestDelivery) -> DeliveryDTO:
    return to_dto(
        DeliveryDTO, row, message_ids=tuple(int(m) for m in row.message_ids.split(",") if m)
    )


class SubscriptionRepository(Repository):
    async def get(self, chat_id: int) -> SubscriptionDTO | None:
        row = await self.session.scalar(
            select(DigestSubscription).where(DigestSubscription.chat_id == chat_id)
        )
        return _subscription_dto(row) if row else None

    async def subscribe(
        self,
        chat_id: int,
        kind: ChatKind,
        *,
        now: datetime,
        by: int | None = None,
        language: str | None = None,
    ) -> bool:
        """Start (or restart) a subscription; False when it was already active."""
        row = await self.session.scalar(
            select(DigestSubscription).where(DigestSubscription.chat_id == chat_id)
        )
        if row is None:
            self.session.add(
                DigestSubscription(
                    chat_id=chat_id,
                    kind=kind.value,
                    active=True,
                    muted_sections="",
                    language=language,
                    subscribed_by=by,
                    created_at=now,
                    updated_at=now,
                )
            )
            await self.session.flush()
            return True
        was_active = row.active
        row.active = True
        row.kind = kind.value
        row.ended_at = None
        row.end_note = None
        row.updated_at = now
        if language is not None:
            row.language = language
        if by is not None:
            row.subscribed_by = by
        return not was_active

    async def subscribe_by_default(self, user_id: int, *, now: datetime) -> None:
        """Subscribe a user who never had a subscription; an earlier choice is left alone,
        so someone who unsubscribed is not signed up again by a new role."""
        insert = upsert_insert(self.session, DigestSubscription)
        await self.session.execute(
            insert.values(
                chat_id=user_id,
                kind=ChatKind.USER.value,
                active=True,
                muted_sections="",
                created_at=now,
                updated_at=now,
            ).on_conflict_do_nothing(index_elements=["chat_id"])
        )

    async def end(self, chat_id: int, *, now: datetime, note: str | None = None) -> bool:
        """Deactivate; False when there was no active subscription."""
        changed = await self.changed_rows(
            update(DigestSubscription)
            .where(DigestSubscription.chat_id == chat_id, DigestSubscription.active.is_(True))
            .values(active=False, ended_at=now, updated_at=now, end_note=note)
        )
        return changed > 0

    async def set_time(self, chat_id: int, send_time: str | None, *, now: datetime) -> None:
        await self.session.execute(
            update(DigestSubscription)
            .where(DigestSubscription.chat_id == chat_id)
            .values(send_time=send_time, updated_at=now)
        )

    async def set_muted(self, chat_id: int, muted: Iterable[str], *, now: datetime) -> None:
        await self.session.execute(
            update(DigestSubscription)
            .where(DigestSubscription.chat_id == chat_id)
            .values(muted_sections=",".join(sorted(set(muted))), updated_at=now)
        )

    async def due(self, default_time: str, until: str | None) -> list[int]:
        """Chats of active subscriptions whose time ("HH:MM", zero-padded so text order is
        time order) is at or before `until`; all active ones when `until` is None."""
        stmt = select(DigestSubscription.chat_id).where(DigestSubscription.active.is_(True))
        if until is not None:
            stmt = stmt.where(func.coalesce(DigestSubscription.send_time, default_time) <= until)
        return list(await self.session.scalars(stmt.order_by(DigestSubscription.id)))

    async def by_chats(self, chat_ids: Sequence[int]) -> dict[int, SubscriptionDTO]:
        rows = await self.session.scalars(
            select(DigestSubscription).where(DigestSubscription.chat_id.in_(chat_ids))
        )
        return {row.chat_id: _subscription_dto(row) for row in rows}

    async def languages(self, user_ids: Sequence[int]) -> dict[int, str | None]:
        rows = await self.session.execute(
            select(User.id, User.language).where(User.id.in_(user_ids))
        )
        return {int(user_id): language for user_id, language in rows}

    async def grants(self, user_ids: Sequence[int], province_id: int) -> dict[int, list[RoleGrant]]:
        rows = await self.session.execute(
            select(UserRole.user_id, UserRole.role, UserRole.agency_id).where(
                UserRole.user_id.in_(user_ids), UserRole.province_id == province_id
            )
        )
        found: dict[int, list[RoleGrant]] = {}
        for user_id, role, agency_id in rows:
            found.setdefault(user_id, []).append(RoleGrant(role, agency_id))
        return found


class DeliveryRepository(Repository):
    async def create(self, day: date, chat_ids: Sequence[int], *, now: datetime) -> None:
        """One pending row per chat for the day; rows that exist are left as they are, so
        calling this again (a second trigger, a restart) never re-queues anyone."""
        insert = upsert_insert(self.session, DigestDelivery)
        for start in range(0, len(chat_ids), _INSERT_BATCH):
            values = [
                {
                    "day": day,
                    "chat_id": chat_id,
                    "state": DeliveryState.PENDING.value,
                    "attempts": 0,
                    "parts_sent": 0,
                    "message_ids": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for chat_id in chat_ids[start : start + _INSERT_BATCH]
            ]
            await self.session.execute(
                insert.values(values).on_conflict_do_nothing(index_elements=["day", "chat_id"])
            )

    async def pending(self, day: date, *, after_id: int, limit: int) -> list[DeliveryDTO]:
        rows = await self.session.scalars(
            select(DigestDelivery)
            .where(
                DigestDelivery.day == day,
                DigestDelivery.state == DeliveryState.PENDING.value,
                DigestDelivery.id > after_id,
            )
            .order_by(DigestDelivery.id)
            .limit(limit)
        )
        return [_delivery_dto(r) for r in rows]

    async def get(self, day: date, chat_id: int) -> DeliveryDTO | None:
        row = await self.session.scalar(
            select(DigestDelivery).where(
                DigestDelivery.day == day, DigestDelivery.chat_id == chat_id
            )
        )
        return _delivery_dto(row) if row else None

    async def for_day(self, day: date) -> list[DeliveryDTO]:
        rows = await self.session.scalars(
            select(DigestDelivery).where(DigestDelivery.day == day).order_by(DigestDelivery.id)
        )
        return [_delivery_dto(r) for r in rows]

    async def record_part(
        self,
        row_id: int,
        *,
        part: int,
        parts: int,
        message_id: int,
        message_ids: Sequence[int],
        payload: str,
        attempts: int,
        now: datetime,
    ) -> bool:
        """Part `part` (0-based) of `parts` was accepted as `message_id`: advance the row.

        Guarded by parts_sent == part, so a stale writer can never move a row backwards or
        count a part twice; False when the guard did not match.
        """
        done = part + 1 >= parts
        changed = await self.changed_rows(
            update(DigestDelivery)
            .where(DigestDelivery.id == row_id, DigestDelivery.parts_sent == part)
            .values(
                parts_sent=part + 1,
                message_ids=",".join(str(m) for m in (*message_ids, message_id)),
                payload=payload,
                attempts=DigestDelivery.attempts + attempts,
                state=DeliveryState.SENT.value if done else DeliveryState.PENDING.value,
                sent_at=now if done else None,
                last_error=None,
                updated_at=now,
            )
        )
        return changed > 0

    async def finish(
        self,
        row_id: int,
        state: DeliveryState,
        *,
        error: str | None,
        attempts: int,
        now: datetime,
    ) -> None:
        """End a pending row without (or without more) sending: failed, blocked or skipped."""
        await self.session.execute(
            update(DigestDelivery)
            .where(
                DigestDelivery.id == row_id,
                DigestDelivery.state == DeliveryState.PENDING.value,
            )
            .values(
                state=state.value,
                last_error=error[:500] if error else None,
                attempts=DigestDelivery.attempts + attempts,
                updated_at=now,
            )
        )

    async def expire_before(self, day: date, *, now: datetime) -> int:
        """Pending rows of earlier days are stale news: close them instead of sending late."""
        return await self.changed_rows(
            update(DigestDelivery)
            .where(
                DigestDelivery.day < day,
                DigestDelivery.state == DeliveryState.PENDING.value,
            )
            .values(state=DeliveryState.FAILED.value, last_error="expired", updated_at=now)
        )

    async def totals(self, day: date) -> DeliveryTotals:
        rows = await self.session.execute(
            select(DigestDelivery.state, func.count())
            .where(DigestDelivery.day == day)
            .group_by(DigestDelivery.state)
        )
        counts = {state: int(n) for state, n in rows}
        return DeliveryTotals(
            pending=counts.get(DeliveryState.PENDING.value, 0),
            sent=counts.get(DeliveryState.SENT.value, 0),
            failed=counts.get(DeliveryState.FAILED.value, 0),
            blocked=counts.get(DeliveryState.BLOCKED.value, 0),
            skipped=counts.get(DeliveryState.SKIPPED.value, 0),
        )

    async def last_sent_at(self, chat_id: int, before: date) -> datetime | None:
        value = await self.session.scalar(
            select(func.max(DigestDelivery.sent_at)).where(
                DigestDelivery.chat_id == chat_id,
                DigestDelivery.day < before,
                DigestDelivery.state == DeliveryState.SENT.value,
            )
        )
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value


class DigestQueries(Repository):
    """Read-only figures over reports for the digest's sections."""

    def __init__(self, session: AsyncSession, province_id: int) -> None:
        super().__init__(session)
        self.province_id = province_id

    def _scope(self, agency_ids: Iterable[int] | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Report.province_id == self.province_id]
        if agency_ids is not None:
            conditions.append(Report.agency_id.in_(list(agency_ids)))
        return conditions

    def _open(self) -> ColumnElement[bool]:
        # IN over the open statuses, not NOT IN the closed ones: one index range each.
        return Report.status.in_(sorted({s.value for s in ReportStatus} - CLOSED_STATUSES))

    async def _count(self, stmt: Select[int]) -> int:
        return int(await self.session.scalar(stmt) or 0)

    async def new_by(self, column: str, start: datetime, end: datetime) -> list[CountBy]:
        """Reports created in [start, end) grouped by "category_id" or "agency_id"."""
        key = Report.category_id if column == "category_id" else Report.agency_id
        rows = await self.session.execute(
            select(key, func.count())
            .where(*self._scope(None), Report.created_at >= start, Report.created_at < end)
            .group_by(key)
            .order_by(func.count().desc(), key)
        )
        return [CountBy(int(i), int(n)) for i, n in rows]

    async def count_new(
        self, start: datetime, end: datetime, agency_ids: Iterable[int] | None = None
    ) -> int:
        return await self.count(
            Report, *self._scope(agency_ids), Report.created_at >= start, Report.created_at < end
        )

    async def count_moved_to(
        self,
        status: str,
        start: datetime,
        end: datetime,
        agency_ids: Iterable[int] | None = None,
    ) -> int:
        """Reports that entered `status` in [start, end), from their history."""
        return await self._count(
            select(func.count(distinct(ReportEvent.report_id)))
            .select_from(ReportEvent)
            .join(Report, Report.id == ReportEvent.report_id)
            .where(
                *self._scope(agency_ids),
                ReportEvent.to_status == status,
                ReportEvent.created_at >= start,
                ReportEvent.created_at < end,
            )
        )

    async def count_open(self, agency_ids: Iterable[int] | None = None) -> int:
        return await self.count(Report, *self._scope(agency_ids), self._open())

    async def count_overdue(self, now: datetime, agency_ids: Iterable[int] | None = None) -> int:
        return await self.count(Report, *self._scope(agency_ids), self._open(), Report.due_at < now)

    async def overdue_by_agency(self, now: datetime, limit: int) -> list[CountBy]:
        """The agencies with the most overdue open reports: the ones furthest behind."""
        rows = await self.session.execute(
            select(Report.agency_id, func.count())
            .where(*self._scope(None), self._open(), Report.due_at < now)
            .group_by(Report.agency_id)
            .order_by(func.count().desc(), func.min(Report.due_at), Report.agency_id)
            .limit(limit)
        )
        return [CountBy(int(i), int(n)) for i, n in rows]

    async def most_overdue(
        self, now: datetime, limit: int, agency_ids: Iterable[int] | None = None
    ) -> list[ReportDTO]:
        ids = await self.session.scalars(
            select(Report.id)
            .where(*self._scope(agency_ids), self._open(), Report.due_at < now)
            .order_by(Report.due_at, Report.id)
            .limit(limit)
        )
        return await self._reports(list(ids))

    async def newest_open(
        self, start: datetime, end: datetime, limit: int, agency_ids: Iterable[int] | None = None
    ) -> list[ReportDTO]:
        ids = await self.session.scalars(
            select(Report.id)
            .where(
                *self._scope(agency_ids),
                self._open(),
                Report.created_at >= start,
                Report.created_at < end,
            )
            .order_by(*newest_first(Report.created_at))
            .limit(limit)
        )
        return await self._reports(list(ids))

    async def changed_for_owner(
        self, owner_id: int, since: datetime, until: datetime, limit: int
    ) -> list[ReportDTO]:
        """The owner's reports with news since `since`: history the owner may see, written
        by someone else (their own submission is no news to them)."""
        latest = func.max(ReportEvent.created_at)
        ids = await self.session.scalars(
            select(Report.id)
            .join(ReportEvent, ReportEvent.report_id == Report.id)
            .where(
                *self._scope(None),
                Report.owner_id == owner_id,
                ReportEvent.internal.is_(False),
                ReportEvent.created_at > since,
                ReportEvent.created_at <= until,
                or_(ReportEvent.actor_id.is_(None), ReportEvent.actor_id != owner_id),
                # The automatic routing at submission is part of the owner's own act.
                or_(ReportEvent.kind != "routed", ReportEvent.created_at > Report.created_at),
            )
            .group_by(Report.id)
            .order_by(latest.desc(), Report.id.desc())
            .limit(limit)
        )
        return await self._reports(list(ids))

    async def _reports(self, ids: list[int]) -> list[ReportDTO]:
        repo = ReportRepository(self.session)
        found = [await repo.get(report_id) for report_id in ids]
        return [r for r in found if r is not None]
