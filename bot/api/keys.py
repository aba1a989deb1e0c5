"""Channels' API keys: made and revoked by admins in the chat, stored as hashes only."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from bot.clock import Clock
from bot.services.base import ProvinceService, RefusedError
from bot.services.directory import Directory
from storage.db import Database
from storage.dto_open311 import ApiKeyDTO
from storage.new_rows import NewApiKey
from storage.repositories.open311 import Open311Repository

KEY_PREFIX = "rq_"
# A channel's name is what the agency and the history show: short, no markup.
CHANNEL_RE = re.compile(r"^[\w\-. ]{2,64}$", re.UNICODE)
MAX_LIMIT = 100_000


def hash_key(secret: str) -> str:
    # A key is 192 random bits: a plain hash is enough (nothing to brute-force).
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewKey:
    key: ApiKeyDTO
    secret: str  # shown once to the admin who made it, never stored


class ApiKeyError(RefusedError):
    """A key request refused; `reason` is an apikeys.error_* catalog key suffix."""


class ApiKeyService(ProvinceService):
    def __init__(
        self,
        database: Database,
        directory: Directory,
        clock: Clock,
        *,
        per_minute: int,
        per_day: int,
    ) -> None:
        super().__init__(database, directory, clock)
        self.per_minute = per_minute
        self.per_day = per_day

    async def create(
        self,
        channel: str,
        *,
        created_by: int | None,
        per_minute: int | None = None,
        per_day: int | None = None,
    ) -> NewKey:
        channel = " ".join(channel.split())
        if not CHANNEL_RE.match(channel):
            raise ApiKeyError("channel")
        minute = self.per_minute if per_minute is None else per_minute
        day = self.per_day if per_day is None else per_day
        if not (1 <= minute <= MAX_LIMIT and 1 <= day <= MAX_LIMIT):
            raise ApiKeyError("limits")
        secret = KEY_PREFIX + secrets.token_urlsafe(24)
        async with self._db.transaction() as session:
            new = NewApiKey(
                province_id=self._directory.province_id,
                channel=channel,
                key_prefix=secret[:8],
                per_minute=minute,
                per_day=day,
                created_by=created_by,
                created_at=self._clock.now(),
            )
            key = await Open311Repository(session).add_key(new, key_hash=hash_key(secret))
        return NewKey(key, secret)

    async def list(self) -> list[ApiKeyDTO]:
        async with self._db.session() as session:
            return await Open311Repository(session).keys(self._directory.province_id)

    async def revoke(self, key_id: int) -> bool:
        async with self._db.transaction() as session:
            return await Open311Repository(session).revoke_key(
                self._directory.province_id, key_id, self._clock.now()
            )

    async def authenticate(self, secret: str) -> ApiKeyDTO | None:
        """The live key with this secret; None for an unknown or revoked one."""
        if not secret.startswith(KEY_PREFIX) or len(secret) > 128:
            return None
        async with self._db.session() as session:
            key = await Open311Repository(session).key_by_hash(
                self._directory.province_id, hash_key(secret)
            )
        return key if key is not None and key.revoked_at is None else None
