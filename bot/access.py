"""Who may do what: the one place where roles are checked.

Handlers ask `Principal.can(permission)` for commands and `can_view_report` /
`can_act_on_report` for a particular report; nothing else inspects roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from storage.dto import ReportDTO, RoleGrant
from storage.models import Role


class Permission(StrEnum):
    REGISTER_UNIT = "register_unit"
    SUBMIT_REPORT = "submit_report"
    VIEW_OWN_REPORTS = "view_own_reports"
    WORK_INBOX = "work_inbox"  # an agency officer's inbox and report actions
    VIEW_PROVINCE = "view_province"  # read-only province-wide figures: /status, /loans, /stats
    MANAGE_AGENDA = "manage_agenda"  # the HQ secretariat
    MANAGE_ROLES = "manage_roles"
    EDIT_ROUTING = "edit_routing"
    BROADCAST = "broadcast"
    VIEW_PROGRAMS = "view_programs"  # /status of the key programs
    UPDATE_PROGRAMS = "update_programs"  # progress updates, for the agency's own programs
    EDIT_PROGRAMS = "edit_programs"  # titles, agencies, schedule; loading a program set
    LINK_REPORTS = "link_reports"  # linking obstacle reports to a program
    IMPORT_LOANS = "import_loans"  # loading banks' facility spreadsheets


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(
        {Permission.REGISTER_UNIT, Permission.SUBMIT_REPORT, Permission.VIEW_OWN_REPORTS}
    ),
    Role.OFFICER: frozenset(
        {Permission.WORK_INBOX, Permission.VIEW_PROGRAMS, Permission.UPDATE_PROGRAMS}
    ),
    Role.OFFICIAL: frozenset({Permission.VIEW_PROVINCE, Permission.VIEW_PROGRAMS}),
    Role.SECRETARIAT: frozenset(
        {
            Permission.VIEW_PROVINCE,
            Permission.MANAGE_AGENDA,
            Permission.VIEW_PROGRAMS,
            Permission.LINK_REPORTS,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.VIEW_PROVINCE,
            Permission.MANAGE_ROLES,
            Permission.EDIT_ROUTING,
            Permission.BROADCAST,
            Permission.VIEW_PROGRAMS,
            Permission.EDIT_PROGRAMS,
            Permission.LINK_REPORTS,
            Permission.IMPORT_LOANS,
        }
    ),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The acting user as the access rules see them. Everyone is at least an owner."""

    user_id: int
    roles: frozenset[Role]
    agency_ids: frozenset[int]

    @classmethod
    def from_grants(cls, user_id: int, grants: Iterable[RoleGrant], *, admin: bool) -> Principal:
        roles = {Role.OWNER}
        agencies: set[int] = set()
        for grant in grants:
            try:
                role = Role(grant.role)
            except ValueError:
                continue  # a role this version does not know grants nothing
            roles.add(role)
            if role is Role.OFFICER and grant.agency_id is not None:
                agencies.add(grant.agency_id)
        if admin:
            roles.add(Role.ADMIN)
        if not agencies:
            roles.discard(Role.OFFICER)
        return cls(user_id=user_id, roles=frozenset(roles), agency_ids=frozenset(agencies))

    @property
    def permissions(self) -> frozenset[Permission]:
        granted: set[Permission] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return frozenset(granted)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def primary_role(self) -> Role:
        """The role the greeting and menu lead with."""
        for role in (Role.ADMIN, Role.SECRETARIAT, Role.OFFICIAL, Role.OFFICER):
            if role in self.roles:
                return role
        return Role.OWNER


def can_view_report(principal: Principal, report: ReportDTO) -> bool:
    if report.owner_id == principal.user_id:
        return True
    if report.agency_id in principal.agency_ids:
        return True
    return principal.can(Permission.VIEW_PROVINCE) or principal.can(Permission.MANAGE_AGENDA)


def can_act_on_report(principal: Principal, report: ReportDTO) -> bool:
    """Agency actions (accept, answer, resolve...) belong to the responsible agency only."""
    return principal.can(Permission.WORK_INBOX) and report.agency_id in principal.agency_ids


def sees_internal_notes(principal: Principal, report: ReportDTO) -> bool:
    """Internal agency notes: never to the owner; to the agency and HQ staff."""
    if report.agency_id in principal.agency_ids:
        return True
    return principal.can(Permission.MANAGE_AGENDA) or principal.has(Role.ADMIN)


def can_update_program(principal: Principal, program_agency_id: int) -> bool:
    """Progress is posted by the officers of the program's responsible agency, no one else."""
    return principal.can(Permission.UPDATE_PROGRAMS) and program_agency_id in principal.agency_ids
