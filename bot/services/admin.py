"""Administration: roles (directly or by one-time invite), the routing table, deadlines."""

from __future__ import annotations

import secrets

from bot.access import Permission, Principal
from bot.clock import Clock
from bot.services.base import ProvinceService
from bot.services.directory import Directory
from bot.services.users import UserService
from bot.services.workflow import WorkflowError
from storage.db import Database
from storage.dto_workflow import InviteDTO
from storage.models import Role
from storage.new_rows import NewInvite
from storage.repositories.reference import ReferenceRepository
from storage.repositories.workflow import WorkflowRepository

INVITE_PREFIX = "inv_"
# Roles an admin hands out; "owner" is everyone's already.
GRANTABLE: tuple[Role, ...] = (Role.OFFICER, Role.OFFICIAL, Role.SECRETARIAT, Role.ADMIN)
DEADLINE_MIN, DEADLINE_MAX = 1, 60


class AdminService(ProvinceService):
    refused = WorkflowError

    def __init__(
        self, database: Database, directory: Directory, users: UserService, clock: Clock
    ) -> None:
        super().__init__(database, directory, clock)
        self._users = users

    def _check_role(self, role: Role, agency_id: int | None) -> None:
        if role not in GRANTABLE:
            raise WorkflowError("not_now")
        if role is Role.OFFICER:
            if agency_id is None or agency_id not in {a.id for a in self._directory.agencies}:
                raise WorkflowError("bad_agency")
        elif agency_id is not None:
            raise WorkflowError("bad_agency")

    # --- roles ------------------------------------------------------------------------

    async def grant(
        self, principal: Principal, user_id: int, role: Role, agency_id: int | None = None
    ) -> bool:
        self._require(principal, Permission.MANAGE_ROLES)
        self._check_role(role, agency_id)
        if await self._users.get(user_id) is None:
            raise WorkflowError("not_found")
        return await self._users.grant(user_id, role, agency_id=agency_id, by=principal.user_id)

    async def revoke(
        self, principal: Principal, user_id: int, role: Role, agency_id: int | None = None
    ) -> bool:
        self._require(principal, Permission.MANAGE_ROLES)
        self._check_role(role, agency_id)
        return await self._users.revoke(user_id, role, agency_id=agency_id)

    async def create_invite(
        self, principal: Principal, role: Role, agency_id: int | None = None
    ) -> str:
        """A one-time code; `/start inv_<code>` (a deep link) redeems it."""
        self._require(principal, Permission.MANAGE_ROLES)
        self._check_role(role, agency_id)
        # 96 random bits: unguessable, and short enough for a deep link (64 chars max).
        code = secrets.token_urlsafe(12)
        async with self._db.transaction() as session:
            await WorkflowRepository(session).add_invite(
                NewInvite(
                    code=code,
                    province_id=self._directory.province_id,
                    role=role.value,
                    agency_id=agency_id,
                    created_by=principal.user_id,
                    created_at=self._clock.now(),
                )
            )
        return code

    async def redeem(self, user_id: int, code: str) -> InviteDTO | None:
        """Use an invite once; None when it is unknown or already used."""
        async with self._db.transaction() as session:
            invite = await WorkflowRepository(session).redeem_invite(
                code, self._directory.province_id, user_id, self._clock.now()
            )
        if invite is None:
            return None
        await self._users.grant(
            user_id, Role(invite.role), agency_id=invite.agency_id, by=invite.created_by
        )
        return invite

    async def bind_agency_group(self, principal: Principal, agency_id: int, chat_id: int) -> None:
        """Post the agency's new reports, with their buttons, in this group chat."""
        self._require(principal, Permission.MANAGE_ROLES)
        self._directory.agency(agency_id)  # KeyError for a forged id
        async with self._db.transaction() as session:
            await ReferenceRepository(session).set_agency_group(agency_id, chat_id)
        await self._directory.reload()

    # --- routing and deadlines --------------------------------------------------------

    async def set_route(
        self,
        principal: Principal,
        category_id: int,
        agency_id: int,
        *,
        sector_id: int | None = None,
    ) -> None:
        """Send a category's new reports (optionally of one sector) to another agency."""
        self._require(principal, Permission.EDIT_ROUTING)
        self._directory.category(category_id)  # KeyError for a forged id
        self._directory.agency(agency_id)
        if sector_id is not None:
            self._directory.sector(sector_id)
        async with self._db.transaction() as session:
            await ReferenceRepository(session).set_route(
                self._directory.province_id,
                category_id,
                agency_id,
                sector_id=sector_id,
                updated_by=principal.user_id,
            )
        await self._directory.reload()

    async def set_deadline(self, principal: Principal, category_id: int, days: int) -> None:
        self._require(principal, Permission.EDIT_ROUTING)
        self._directory.category(category_id)
        if not DEADLINE_MIN <= days <= DEADLINE_MAX:
            raise WorkflowError("not_now")
        async with self._db.transaction() as session:
            await ReferenceRepository(session).set_deadline(category_id, days)
        await self._directory.reload()
