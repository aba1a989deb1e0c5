"""Who may do what: the one place where roles are checked.

Handlers ask `Principal.can(permission)` for commands, `may(principal, action, report)`
for an action on a particular report and `can_respond_to_decision` for an HQ decision;
nothing else inspects roles. Services check the same functions again before they write.
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
    VIEW_DECISIONS = "view_decisions"  # /decisions: officers see their agency's, staff all
    VIEW_NATIONAL = "view_national"  # the ministry's roll-up across provinces: /national
    VIEW_PROGRAMS = "view_programs"  # /status of the key programs
    UPDATE_PROGRAMS = "update_programs"  # progress updates, for the agency's own programs
    EDIT_PROGRAMS = "edit_programs"  # titles, agencies, schedule; loading a program set
    LINK_REPORTS = "link_reports"  # linking obstacle reports to a program
    IMPORT_LOANS = "import_loans"  # loading banks' facility spreadsheets
    MANAGE_API_KEYS = "manage_api_keys"  # /apikeys: Open311 channels' keys
    MANAGE_CHAT_DIGESTS = "manage_chat_digests"  # a group's or a channel's digest
    VIEW_LAWS = "view_laws"  # /laws: the obstructive laws (province staff and the HQ)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(
        {Permission.REGISTER_UNIT, Permission.SUBMIT_REPORT, Permission.VIEW_OWN_REPORTS}
    ),
    Role.OFFICER: frozenset(
        {
            Permission.WORK_INBOX,
            Permission.VIEW_DECISIONS,
            Permission.VIEW_PROGRAMS,
            Permission.UPDATE_PROGRAMS,
        }
    ),
    Role.OFFICIAL: frozenset(
        {
            Permission.VIEW_PROVINCE,
            Permission.VIEW_LAWS,
            Permission.VIEW_DECISIONS,
            Permission.VIEW_PROGRAMS,
        }
    ),
    Role.SECRETARIAT: frozenset(
        {
            Permission.VIEW_PROVINCE,
            Permission.VIEW_LAWS,
            Permission.MANAGE_AGENDA,
            Permission.VIEW_DECISIONS,
            Permission.VIEW_PROGRAMS,
            Permission.LINK_REPORTS,
        }
    ),
    Role.MINISTRY: frozenset(
        {
            Permission.VIEW_PROVINCE,
            Permission.VIEW_LAWS,
            Permission.VIEW_NATIONAL,
            Permission.VIEW_PROGRAMS,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.VIEW_PROVINCE,
            Permission.VIEW_LAWS,
            Permission.VIEW_DECISIONS,
            Permission.MANAGE_ROLES,
            Permission.EDIT_ROUTING,
            Permission.BROADCAST,
            Permission.VIEW_PROGRAMS,
            Permission.EDIT_PROGRAMS,
            Permission.LINK_REPORTS,
            Permission.IMPORT_LOANS,
            Permission.MANAGE_API_KEYS,
            Permission.MANAGE_CHAT_DIGESTS,
        }
    ),
}


# Granting one of these roles subscribes the user to the daily digest (an earlier
# unsubscription stands). Officers too: their digest is their agency's inbox. Owners opt in.
DIGEST_BY_DEFAULT: frozenset[Role] = frozenset({Role.OFFICIAL, Role.SECRETARIAT, Role.OFFICER})


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
        for role in (Role.ADMIN, Role.MINISTRY, Role.SECRETARIAT, Role.OFFICIAL, Role.OFFICER):
            if role in self.roles:
                return role
        return Role.OWNER


class ReportAction(StrEnum):
    """What can be done to one report. The value is also the callback code (short)."""

    # The responsible agency's officers.
    ACCEPT = "acc"
    ASK = "ask"
    NOTE = "note"
    RESOLVE = "res"
    REJECT = "rej"
    REASSIGN = "rsg"
    ESCALATE = "esc"
    # The report's owner.
    ANSWER = "ans"
    ADD_INFO = "inf"
    WITHDRAW = "wd"
    CONFIRM = "ok"
    NOT_REMOVED = "nr"


AGENCY_ACTIONS: frozenset[ReportAction] = frozenset(
    {
        ReportAction.ACCEPT,
        ReportAction.ASK,
        ReportAction.NOTE,
        ReportAction.RESOLVE,
        ReportAction.REJECT,
        ReportAction.REASSIGN,
        ReportAction.ESCALATE,
    }
)
OWNER_ACTIONS: frozenset[ReportAction] = frozenset(set(ReportAction) - AGENCY_ACTIONS)


def may(principal: Principal, action: ReportAction, report: ReportDTO) -> bool:
    """Whether this person may take `action` on `report` at all (whatever its status)."""
    if action in AGENCY_ACTIONS:
        return can_act_on_report(principal, report)
    return report.owner_id == principal.user_id and principal.can(Permission.VIEW_OWN_REPORTS)


def can_respond_to_decision(principal: Principal, agency_id: int) -> bool:
    """Objecting to or implementing an HQ decision: the named agency's officers only."""
    return principal.can(Permission.WORK_INBOX) and agency_id in principal.agency_ids


def can_view_report(principal: Principal, report: ReportDTO) -> bool:
    if report.owner_id == principal.user_id:
        return True
    if report.agency_id in principal.agency_ids:
        return True
    return report_scope(principal) is ReportScope.PROVINCE


class ReportScope(StrEnum):
    """Whose reports a person may open (can_view_report), widest first."""

    PROVINCE = "province"
    AGENCY = "agency"
    OWN = "own"


def report_scope(principal: Principal) -> ReportScope:
    if principal.can(Permission.VIEW_PROVINCE) or principal.can(Permission.MANAGE_AGENDA):
        return ReportScope.PROVINCE
    return ReportScope.AGENCY if principal.agency_ids else ReportScope.OWN


def can_act_on_report(principal: Principal, report: ReportDTO) -> bool:
    """Agency actions (accept, answer, resolve...) belong to the responsible agency only."""
    return principal.can(Permission.WORK_INBOX) and report.agency_id in principal.agency_ids


def sees_internal_notes(principal: Principal, report: ReportDTO) -> bool:
    """Internal agency notes: never to the owner; to the agency and HQ staff."""
    if report.agency_id in principal.agency_ids:
        return True
    return principal.can(Permission.MANAGE_AGENDA) or principal.has(Role.ADMIN)


def sees_owner_contact(principal: Principal, report: ReportDTO) -> bool:
    """The owner's name and phone (given "so the experts can call"): the responsible
    agency's officers and the HQ staff (secretariat, admins), as for internal notes.

    Never other owners, other agencies or officials: officials read the figures, they do
    not call owners.
    """
    if report.agency_id in principal.agency_ids:
        return principal.can(Permission.WORK_INBOX)
    return principal.can(Permission.MANAGE_AGENDA) or principal.has(Role.ADMIN)


def can_update_program(principal: Principal, program_agency_id: int) -> bool:
    """Progress is posted by the officers of the program's responsible agency, no one else."""
    return principal.can(Permission.UPDATE_PROGRAMS) and program_agency_id in principal.agency_ids


def can_manage_digest(principal: Principal, *, private_chat: bool) -> bool:
    """A private chat's digest is its user's own; a group's or a channel's is the bot's
    admins' to turn on, off or change."""
    return private_chat or principal.can(Permission.MANAGE_CHAT_DIGESTS)
