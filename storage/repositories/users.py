"""Users and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update

from storage.dto import RoleGrant, UserDTO
from storage.models import User, UserRole, utcnow
from storage.repositories.rows import Repository, to_dto


def _dto(row: User) -> UserDTO:
    return to_dto(UserDTO, row, blocked=row.blocked_at is not None)


class UserRepository(Repository):
    async def get(self, user_id: int) -> UserDTO | None:
        row = await self.session.get(User, user_id)
        return _dto(row) if row else None

    async def first_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """The first names of these users, by id, in one query (a missing user is left out)."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        rows = await self.session.execute(select(User.id, User.first_name).where(User.id.in_(ids)))
        return dict(rows.all())  # dict(rows) would take the result for a mapping

    async def by_username(self, username: str) -> UserDTO | None:
        row = await self.session.scalar(select(User).where(User.username == username.lstrip("@")))
        return _dto(row) if row else None

    async def upsert(
        self,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
    ) -> UserDTO:
        row = await self.session.get(User, user_id)
        if row is None:
            row = User(id=user_id)
            self.session.add(row)
        row.first_name, row.last_name, row.username = first_name, last_name, username
        row.blocked_at = None  # they talk to us again, so they unblocked the bot
        await self.session.flush()
        return _dto(row)

    async def set_language(self, user_id: int, language: str) -> None:
        # One UPDATE, as set_phone: the row need not be read first.
        await self.session.execute(update(User).where(User.id == user_id).values(language=language))

    async def set_phone(self, user_id: int, phone: str) -> None:
        # One UPDATE: the row need not be read first (a missing user changes nothing).
        await self.session.execute(update(User).where(User.id == user_id).values(phone=phone))

    async def mark_blocked(self, user_id: int, when: datetime | None = None) -> None:
        await self.change(User, user_id, blocked_at=when or utcnow())

    async def roles(self, user_id: int, province_id: int) -> list[RoleGrant]:
        rows = await self.session.execute(
            select(UserRole.role, UserRole.agency_id).where(
                UserRole.user_id == user_id, UserRole.province_id == province_id
            )
        )
        return [RoleGrant(role, agency_id) for role, agency_id in rows]

    async def grant(
        self,
        user_id: int,
        role: str,
        province_id: int,
        *,
        agency_id: int | None = None,
        granted_by: int | None = None,
    ) -> bool:
        """Grant a role; False when the user already had it."""
        # A None agency matches only NULL (filter_by compares `== None`: IS NULL).
        grant = {
            "user_id": user_id,
            "role": role,
            "province_id": province_id,
            "agency_id": agency_id,
        }
        if await self.session.scalar(select(UserRole.id).filter_by(**grant)) is not None:
            return False
        self.session.add(UserRole(**grant, granted_by=granted_by))
        await self.session.flush()
        return True

    async def revoke(
        self, user_id: int, role: str, province_id: int, *, agency_id: int | None = None
    ) -> int:
        stmt = delete(UserRole).where(
            UserRole.user_id == user_id,
            UserRole.role == role,
            UserRole.province_id == province_id,
        )
        if agency_id is not None:
            stmt = stmt.where(UserRole.agency_id == agency_id)
        return await self.changed_rows(stmt)

    async def staffed_agencies(self, province_id: int, officer_role: str) -> set[int]:
        """The agencies with at least one officer who has not blocked the bot."""
        rows = await self.session.scalars(
            select(UserRole.agency_id)
            .join(User, User.id == UserRole.user_id)
            .where(
                UserRole.role == officer_role,
                UserRole.province_id == province_id,
                UserRole.agency_id.is_not(None),
                User.blocked_at.is_(None),
            )
            .distinct()
        )
        return {int(a) for a in rows if a is not None}

    async def holders(
        self, role: str, province_id: int, *, agency_id: int | None = None
    ) -> list[UserDTO]:
        """Users holding a role (for an agency), skipping those who blocked the bot."""
        stmt = (
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == role,
                UserRole.province_id == province_id,
                User.blocked_at.is_(None),
            )
            .order_by(User.id)
        )
        if agency_id is not None:
            stmt = stmt.where(UserRole.agency_id == agency_id)
        rows = await self.session.scalars(stmt)
        return [_dto(r) for r in rows.unique()]
