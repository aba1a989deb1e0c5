"""/admin (roles by id, @username or one-time invite) and /routing (agencies, deadlines).

Invites: `/start inv_<code>` (a deep link) redeems a one-time invite; the one who opens an
agency's link becomes its officer. `/admin group <agency code>` in a group makes it that
agency's group, where new reports are posted with buttons.

One feature per module: roles (the home screen, groups, a user's card), invites, routing;
common holds what they share.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CommandHandler, ConversationHandler, filters

from bot.access import Permission
from bot.context import RounaqApp, RounaqContext
from bot.services.admin import INVITE_PREFIX
from handlers import flow
from handlers.admin import invites, roles, routing
from handlers.admin.common import Press, alerting
from handlers.admin.invites import Invite, InviteOfficer, InviteRole
from handlers.admin.roles import FindUser, Grant, GrantOfficer, PickOfficerAgency, Revoke
from handlers.admin.routing import (
    BackToRouting,
    PickAgency,
    PickSector,
    RouteCategory,
    RoutingHome,
    SetDeadline,
    SetRoute,
)
from handlers.declare import button, command

__all__ = ["COMMANDS", "Grant", "InviteRole", "Revoke", "register"]

COMMANDS = [
    command("admin", roles.admin, needs=Permission.MANAGE_ROLES),
    command("routing", routing.routing, needs=Permission.EDIT_ROUTING),
]
ROLE_BUTTONS: list[tuple[type[Any], Press[Any]]] = [
    (Invite, invites.invite),
    (InviteRole, invites.invite_role),
    (InviteOfficer, invites.invite_officer),
    (PickOfficerAgency, roles.pick_officer_agency),
    (GrantOfficer, roles.grant_officer),
    (Grant, roles.grant),
    (Revoke, roles.revoke),
]
ROUTING_BUTTONS: list[tuple[type[Any], Press[Any]]] = [
    (RoutingHome, routing.routing_home),
    (BackToRouting, routing.back_to_routing),
    (RouteCategory, routing.route_category),
    (PickSector, routing.pick_sector),
    (PickAgency, routing.pick_agency),
    (SetRoute, routing.set_route),
    (SetDeadline, routing.set_deadline),
]


def prompts(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    """The user /roles looks for."""
    find = button(FindUser, alerting(roles.find_user), needs=Permission.MANAGE_ROLES)
    return flow.prompt(application, "prompt_admin", [find], {"adm_find": roles.got_user})


def register(application: RounaqApp) -> None:
    # Order matters: registered before /start so an invite deep link is redeemed here.
    application.add_handler(
        CommandHandler("start", invites.redeem, filters=filters.Regex(rf"^/start {INVITE_PREFIX}"))
    )
    for item in COMMANDS:
        application.add_handler(item.handler())
    for kind, callback in ROLE_BUTTONS:
        application.add_handler(button(kind, alerting(callback), needs=Permission.MANAGE_ROLES))
    for kind, callback in ROUTING_BUTTONS:
        guarded = alerting(callback, unknown_is_stale=True)
        application.add_handler(button(kind, guarded, needs=Permission.EDIT_ROUTING))
