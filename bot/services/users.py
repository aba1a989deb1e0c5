"""Users, their language and their roles (the Principal the access rules work on)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from bot.access import DIGEST_BY_DEFAULT, Principal
from bot.services.directory import Directory
from bot.text import to_latin_digits
from storage.db import Database
from storage.dto import UserDTO
from storage.models import Role, utcnow
from storage.repositories.digest import SubscriptionRepository
from storage.repositories.users import UserRepository

_USER_ID_RE: Final = re.compile(r"-?[0-9]{1,20}", re.ASCII)
# Telegram's usernames: 5-32 letters, digits and underscores (Bale's are alike).
_USERNAME_RE: Final = re.compile(r"@?[A-Za-z0-9_]{1,64}", re.ASCII)


@dataclass(frozen=True, slots=True)
class UserProfile:
    language: str | None
    principal: Principal
    # False until the person has a users row: the gate creates it on their first update.
    known: bool = True


class UserService:
    def __init__(self, database: Database, directory: Directory, admin_ids: frozenset[int]) -> None:
        self._db = database
        self._directory = directory
        self._admin_ids = admin_ids
        # Roles and language are read on every update; they change only through this service
        # (one process per bot), so a cache invalidated on change is exact, not approximate.
        self._profiles: dict[int, UserProfile] = {}

    async def touch(
        self, user_id: int, *, first_name: str, last_name: str | None, username: str | None
    ) -> UserDTO:
        """Record who the user is (their first update, /start and invites, not every message)."""
        async with self._db.transaction() as session:
            user = await UserRepository(session).upsert(
                user_id, first_name=first_name, last_name=last_name, username=username
            )
        cached = self._profiles.get(user_id)
        if cached is not None and not cached.known:
            # The row is new: no roles can refer to it yet, nor a language, so the profile
            # read before is exact once it says "known" (no second read of the same rows).
            self._profiles[user_id] = replace(cached, known=True, language=user.language)
        return user

    async def profile(self, user_id: int) -> UserProfile:
        cached = self._profiles.get(user_id)
        if cached is not None:
            return cached
        async with self._db.session() as session:
            repo = UserRepository(session)
            user = await repo.get(user_id)
            grants = await repo.roles(user_id, self._directory.province_id)
        profile = UserProfile(
            language=user.language if user else None,
            principal=Principal.from_grants(user_id, grants, admin=user_id in self._admin_ids),
            known=user is not None,
        )
        self._profiles[user_id] = profile
        return profile

    async def get(self, user_id: int) -> UserDTO | None:
        async with self._db.session() as session:
            return await UserRepository(session).get(user_id)

    async def find(self, query: str) -> UserDTO | None:
        """By numeric id (any digit script) or @username; anything else finds nobody."""
        text = to_latin_digits(query.strip())
        if _USER_ID_RE.fullmatch(text):
            user_id = int(text)
            if not -(2**63) <= user_id < 2**63:  # a BIGINT: beyond it no one exists
                return None
            async with self._db.session() as session:
                return await UserRepository(session).get(user_id)
        if not _USERNAME_RE.fullmatch(text):
            return None
        async with self._db.session() as session:
            return await UserRepository(session).by_username(text)

    async def set_language(self, user_id: int, language: str) -> None:
        async with self._db.transaction() as session:
            await UserRepository(session).set_language(user_id, language)
        cached = self._profiles.pop(user_id, None)
        if cached is not None and cached.known:  # the row exists, so the language was set
            self._profiles[user_id] = replace(cached, language=language)

    async def set_phone(self, user_id: int, phone: str) -> None:
        async with self._db.transaction() as session:
            await UserRepository(session).set_phone(user_id, phone)

    async def mark_blocked(self, user_id: int) -> None:
        async with self._db.transaction() as session:
            await UserRepository(session).mark_blocked(user_id)

    async def grant(
        self, user_id: int, role: Role, *, agency_id: int | None = None, by: int | None = None
    ) -> bool:
        if role is Role.OFFICER and agency_id is None:
            raise ValueError("an officer belongs to an agency")
        async with self._db.transaction() as session:
            granted = await UserRepository(session).grant(
                user_id,
                role.value,
                self._directory.province_id,
                agency_id=agency_id,
                granted_by=by,
            )
            if granted and role in DIGEST_BY_DEFAULT:
                # Same transaction: the role and its default subscription exist together.
                await SubscriptionRepository(session).subscribe_by_default(user_id, now=utcnow())
        self._profiles.pop(user_id, None)
        return granted

    async def revoke(self, user_id: int, role: Role, *, agency_id: int | None = None) -> bool:
        async with self._db.transaction() as session:
            removed = await UserRepository(session).revoke(
                user_id, role.value, self._directory.province_id, agency_id=agency_id
            )
        self._profiles.pop(user_id, None)
        return removed > 0

    async def officers(self, agency_id: int) -> list[UserDTO]:
        async with self._db.session() as session:
            return await UserRepository(session).holders(
                Role.OFFICER.value, self._directory.province_id, agency_id=agency_id
            )

    async def holders(self, role: Role) -> list[UserDTO]:
        async with self._db.session() as session:
            return await UserRepository(session).holders(role.value, self._directory.province_id)
