"""Subscriptions, recipients and the delivery log: the digest's plain service (no Telegram)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.access import Principal
from bot.clock import Clock
from bot.digest import schedule
from bot.digest.content import (
    DigestBuilder,
    DigestDay,
    Part,
    Recipient,
    SectionRegistry,
    encode_parts,
    render,
)
from bot.i18n import languages
from bot.services.base import CalendarService, ServiceDeps
from bot.settings import Settings
from storage.dto_digest import DeliveryDTO, DeliveryTotals, SubscriptionDTO
from storage.models import Role
from storage.models_digest import ChatKind, DeliveryState
from storage.repositories.digest import DeliveryRepository, SubscriptionRepository
from storage.repositories.users import UserRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A digest day whose delivery rows exist."""

    day: date
    digest_day: DigestDay


class DigestService(CalendarService):
    def __init__(self, deps: ServiceDeps, settings: Settings, registry: SectionRegistry) -> None:
        super().__init__(deps)
        self._settings = settings
        self.registry = registry

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def default_time(self) -> str:
        return self._settings.digest_time

    @property
    def time_slots(self) -> tuple[str, ...]:
        return schedule.time_slots(self._settings.digest_time)

    # ------------------------------------------------------------------ subscriptions

    async def subscription(self, chat_id: int) -> SubscriptionDTO | None:
        async with self._db.session() as session:
            return await SubscriptionRepository(session).get(chat_id)

    async def subscribe(
        self, chat_id: int, kind: ChatKind, *, by: int | None = None, language: str | None = None
    ) -> bool:
        """True when the chat was not subscribed before."""
        async with self._db.transaction() as session:
            return await SubscriptionRepository(session).subscribe(
                chat_id, kind, now=self._clock.now(), by=by, language=language
            )

    async def unsubscribe(self, chat_id: int, *, note: str | None = None) -> bool:
        async with self._db.transaction() as session:
            return await SubscriptionRepository(session).end(
                chat_id, now=self._clock.now(), note=note
            )

    async def set_time(self, chat_id: int, hhmm: str) -> None:
        if hhmm not in self.time_slots:
            raise ValueError(f"not a digest time: {hhmm!r}")
        value = None if hhmm == self.default_time else hhmm
        async with self._db.transaction() as session:
            await SubscriptionRepository(session).set_time(chat_id, value, now=self._clock.now())

    async def toggle_section(self, chat_id: int, key: str) -> SubscriptionDTO | None:
        if self.registry.get(key) is None:
            raise ValueError(f"no digest section {key!r}")
        async with self._db.transaction() as session:
            repo = SubscriptionRepository(session)
            current = await repo.get(chat_id)
            if current is None:
                return None
            muted = set(current.muted_sections)
            muted.symmetric_difference_update({key})
            await repo.set_muted(chat_id, muted, now=self._clock.now())
            return await repo.get(chat_id)

    def effective_time(self, subscription: SubscriptionDTO | None) -> str:
        if subscription is None or subscription.send_time not in self.time_slots:
            return self.default_time
        return subscription.send_time

    def next_digest_at(self, subscription: SubscriptionDTO | None) -> datetime:
        return schedule.next_run(
            self._clock.now(),
            self.effective_time(subscription),
            self._calendar,
            working_days_only=self._settings.digest_working_days_only,
        )

    # ---------------------------------------------------------------------- recipients

    def _lang(self, language: str | None) -> str:
        return language if language in languages() else self._settings.default_language

    def chat_principal(self, chat_id: int) -> Principal:
        """What a group or channel sees: the province's figures, and an agency's inbox when
        the chat is that agency's officers' group."""
        agencies = frozenset(a.id for a in self._directory.agencies if a.group_chat_id == chat_id)
        roles = {Role.OFFICIAL} | ({Role.OFFICER} if agencies else set())
        return Principal(user_id=chat_id, roles=frozenset(roles), agency_ids=agencies)

    def recipient(
        self,
        chat_id: int,
        kind: ChatKind,
        principal: Principal,
        language: str | None,
        muted: frozenset[str] = frozenset(),
    ) -> Recipient:
        return Recipient(
            chat_id=chat_id,
            kind=kind,
            lang=self._lang(language),
            principal=principal,
            tz=self._settings.tz,
            muted=muted,
        )

    async def recipients(self, chat_ids: Sequence[int]) -> dict[int, Recipient]:
        """Recipients for active subscriptions among `chat_ids`, in a few queries."""
        province_id = self._province
        async with self._db.session() as session:
            repo = SubscriptionRepository(session)
            subscriptions = {c: s for c, s in (await repo.by_chats(chat_ids)).items() if s.active}
            user_ids = [c for c, s in subscriptions.items() if s.kind == ChatKind.USER.value]
            languages_ = await repo.languages(user_ids) if user_ids else {}
            grants = await repo.grants(user_ids, province_id) if user_ids else {}
        found: dict[int, Recipient] = {}
        for chat_id, sub in subscriptions.items():
            kind = ChatKind(sub.kind)
            if kind is ChatKind.USER:
                principal = Principal.from_grants(
                    chat_id, grants.get(chat_id, []), admin=chat_id in self._settings.admin_ids
                )
                language = languages_.get(chat_id) or sub.language
            else:
                principal, language = self.chat_principal(chat_id), sub.language
            found[chat_id] = self.recipient(chat_id, kind, principal, language, sub.muted_sections)
        return found

    # -------------------------------------------------------------------------- content

    def digest_day(self, now: datetime | None = None) -> DigestDay:
        now = now or self._clock.now()
        tz = self._settings.tz
        day = schedule.local_day(now, tz)
        previous = schedule.previous_digest_day(
            day, self._calendar, self._settings.digest_working_days_only
        )
        return DigestDay(
            day=day, start=schedule.start_of(previous, tz), end=schedule.start_of(day, tz), now=now
        )

    def builder(self, digest_day: DigestDay) -> DigestBuilder:
        return DigestBuilder(self.registry, digest_day)

    async def render(self, builder: DigestBuilder, recipient: Recipient) -> list[Part]:
        sections = await builder.sections(recipient)
        fmt, day = recipient.fmt, builder.day.day
        header = recipient.tr.t("digest.header", weekday=fmt.weekday(day), date=fmt.date(day))
        return render(header, sections)

    async def preview(self, recipient: Recipient) -> list[Part]:
        """Today's digest for one chat, built now; nothing is logged or broadcast."""
        return await self.render(self.builder(self.digest_day()), recipient)

    # --------------------------------------------------------------------- the run

    async def prepare(self, *, force: bool = False) -> Prepared | None:
        """Create today's delivery rows for every subscriber whose time has come.

        Idempotent: a second call (another time slot, a restart, an admin's trigger) adds
        only subscribers without a row today. Not a digest day (and not forced): None.
        """
        now = self._clock.now()
        digest_day = self.digest_day(now)
        day = digest_day.day
        working_only = self._settings.digest_working_days_only
        if not force and not schedule.is_digest_day(day, self._calendar, working_only):
            return None
        until = None if force else schedule.local_hhmm(now, self._settings.tz)
        async with self._db.transaction() as session:
            expired = await DeliveryRepository(session).expire_before(day, now=now)
            chat_ids = await SubscriptionRepository(session).due(self.default_time, until)
            await DeliveryRepository(session).create(day, chat_ids, now=now)
        if expired:
            log.warning("digest: %d deliveries of earlier days expired unsent", expired)
        return Prepared(day, digest_day)

    async def pending(self, day: date, *, after_id: int, limit: int) -> list[DeliveryDTO]:
        async with self._db.session() as session:
            return await DeliveryRepository(session).pending(day, after_id=after_id, limit=limit)

    async def record_part(
        self,
        row: DeliveryDTO,
        *,
        part: int,
        parts: Sequence[Part],
        message_id: int,
        message_ids: Sequence[int],
        attempts: int,
    ) -> bool:
        async with self._db.transaction() as session:
            return await DeliveryRepository(session).record_part(
                row.id,
                part=part,
                parts=len(parts),
                message_id=message_id,
                message_ids=message_ids,
                payload=encode_parts(parts),
                attempts=attempts,
                now=self._clock.now(),
            )

    async def finish(
        self, row: DeliveryDTO, state: DeliveryState, *, error: str | None, attempts: int
    ) -> None:
        async with self._db.transaction() as session:
            await DeliveryRepository(session).finish(
                row.id, state, error=error, attempts=attempts, now=self._clock.now()
            )

    async def gone(self, row: DeliveryDTO, *, error: str, attempts: int) -> None:
        """The chat blocked the bot or no longer exists: log it, end the subscription with
        a note, and mark the user, in one transaction; never retried."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            await DeliveryRepository(session).finish(
                row.id, DeliveryState.BLOCKED, error=error, attempts=attempts, now=now
            )
            await SubscriptionRepository(session).end(
                row.chat_id, now=now, note=f"delivery of {row.day.isoformat()}: {error}"[:500]
            )
            if row.chat_id > 0:
                await UserRepository(session).mark_blocked(row.chat_id, now)

    async def totals(self, day: date) -> DeliveryTotals:
        async with self._db.session() as session:
            return await DeliveryRepository(session).totals(day)

    async def delivery(self, day: date, chat_id: int) -> DeliveryDTO | None:
        async with self._db.session() as session:
            return await DeliveryRepository(session).get(day, chat_id)

    async def admin_chats(self) -> list[tuple[int, str]]:
        """Who gets the end-of-run report: configured admins and admin role holders."""
        province_id = self._province
        async with self._db.session() as session:
            users = UserRepository(session)
            holders = await users.holders(Role.ADMIN.value, province_id)
            ids = sorted(self._settings.admin_ids | {u.id for u in holders})
            found = []
            for user_id in ids:
                user = await users.get(user_id)
                if user is not None and user.blocked:
                    continue
                found.append((user_id, self._lang(user.language if user else None)))
        return found
