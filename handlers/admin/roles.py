"""/admin: the home screen, binding an agency's group, and a user's card with its grant and
revoke buttons."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.formatting import escape
from bot.services.admin import GRANTABLE
from bot.views import admin as views_admin
from handlers import asking
from handlers.admin.common import (
    GRANTABLE_VALUES,
    agency_rows,
    edit_or_send,
    refresh_menu_of,
    tell_granted,
)
from handlers.admin.invites import Invite
from handlers.admin.routing import RoutingHome
from handlers.declare import privately
from handlers.ui import keyboard, message_of, reply_chat, rows
from storage.dto import UserDTO
from storage.models import Role


# /admin's buttons (`adm:`): find a user, and a user card's grant/revoke (role values;
# agency 0 for none). Invites have their own (invites.py).
class FindUser(CallbackData, prefix="adm:f"): ...


class PickOfficerAgency(CallbackData, prefix="adm:go"):
    user_id: int


class GrantOfficer(CallbackData, prefix="adm:ga"):
    user_id: int
    agency_id: int


class RoleChange(CallbackData):
    """A grantable role (agency 0: none) given to or taken from a user; not a kind itself."""

    user_id: int
    role: str
    agency_id: int

    def valid(self) -> bool:
        return self.role in GRANTABLE_VALUES


class Grant(RoleChange, prefix="adm:g"): ...


class Revoke(RoleChange, prefix="adm:r"): ...


def _home_markup(context: RounaqContext) -> InlineKeyboardMarkup | None:
    tr = context.tr
    return keyboard(
        [InlineKeyboardButton(tr.t("admin.btn_find"), callback_data=FindUser().pack())],
        [InlineKeyboardButton(tr.t("admin.btn_invite"), callback_data=Invite().pack())],
        [InlineKeyboardButton(tr.t("admin.btn_routing"), callback_data=RoutingHome().pack())],
    )


async def admin(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if args and args[0] == "group":
        if message.chat.type == message.chat.PRIVATE:
            # Sent here from the /routing hint: it binds the chat it is sent in, so it
            # belongs in the agency's group, never a search for a user named "group".
            await message.reply_text(await _group_where(context))
        elif len(args) == 2:
            await _bind_group(update, context, args[1])
        else:  # in a group, the code left out: not "not in a private chat", but which code
            codes = views_admin.group_codes(context.tr, context.services.directory)
            await message.reply_text(codes)
        return
    await _people(update, context)


async def _home_or_user(update: Update, context: RounaqContext) -> None:
    args = context.args or []
    if args:
        await show_user(update, context, " ".join(args))
        return
    home = context.tr.t("admin.home")
    await context.bot.send_message(
        reply_chat(update, context), home, reply_markup=_home_markup(context)
    )


# A person's card (name, id, username, roles) and the roles' screen are the admin's own:
# typed in a group (where /admin group binds it), they go to the admin's private chat.
_people = privately(_home_or_user)


async def _group_where(context: RounaqContext) -> str:
    unstaffed = await context.services.staffing.unstaffed()
    return views_admin.group_where(context.tr, context.services.directory, unstaffed)


async def _bind_group(update: Update, context: RounaqContext, code: str) -> None:
    message = message_of(update)
    agency = context.services.directory.agency_by_code(code)
    if agency is None:
        refused = context.tr.t("admin.no_agency", code=escape(code[:32]))
        codes = views_admin.group_codes(context.tr, context.services.directory)
        await message.reply_text(refused + "\n" + codes)
        return
    await context.services.admin.bind_agency_group(context.principal, agency.id, message.chat.id)
    await message.reply_text(
        context.tr.t("admin.group_bound", agency=escape(agency.name(context.lang)))
    )


async def show_user(
    update: Update, context: RounaqContext, query_text: str, *, waiting: bool = False
) -> bool:
    """The user's card; False when there is no such user. `waiting`: the find prompt
    still waits, so the answer says that the next text is searched too, and how to stop."""
    tr = context.tr
    user = await context.services.users.find(query_text.strip())
    if user is None:
        text = tr.t("admin.user_not_found")
        if waiting:
            text += "\n" + tr.t("admin.ask_user_again")
        await context.bot.send_message(reply_chat(update, context), text)
        return False
    text, markup = await user_card(context, user)
    await edit_or_send(update, context, text, markup)
    return True


async def user_card(
    context: RounaqContext, user: UserDTO
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt = context.tr, context.fmt
    principal = (await context.services.users.profile(user.id)).principal
    text = views_admin.user_card(tr, fmt, context.services.directory, user, principal)
    buttons: list[InlineKeyboardButton] = []
    for role in GRANTABLE:
        if role is Role.OFFICER:
            buttons.append(
                InlineKeyboardButton(
                    tr.t("admin.btn_grant", role=tr.t("roles.officer")),
                    callback_data=PickOfficerAgency(user.id).pack(),
                )
            )
            for agency_id in sorted(principal.agency_ids):
                agency = context.services.directory.agency(agency_id)
                name = context.fmt.shorten(agency.short_name(context.lang), 24)
                buttons.append(
                    InlineKeyboardButton(
                        tr.t("admin.btn_revoke", role=f"{tr.t('roles.officer')} {name}"),
                        callback_data=Revoke(user.id, role.value, agency_id).pack(),
                    )
                )
            continue
        held = principal.has(role)
        buttons.append(
            InlineKeyboardButton(
                tr.t(
                    "admin.btn_revoke" if held else "admin.btn_grant",
                    role=tr.t(f"roles.{role.value}"),
                ),
                callback_data=(Revoke if held else Grant)(user.id, role.value, 0).pack(),
            )
        )
    return text, keyboard(*rows(buttons, 2))


async def find_user(
    update: Update, context: RounaqContext, query: CallbackQuery, _: FindUser
) -> None:
    await query.answer()
    await asking.ask(context, query.from_user.id, context.tr.t("admin.ask_user"), "adm_find")


async def pick_officer_agency(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickOfficerAgency
) -> None:
    await query.answer()
    markup = keyboard(*agency_rows(context, lambda a: GrantOfficer(data.user_id, a)))
    await edit_or_send(update, context, context.tr.t("admin.pick_agency"), markup)


async def grant_officer(
    update: Update, context: RounaqContext, query: CallbackQuery, data: GrantOfficer
) -> None:
    granted = await context.services.admin.grant(
        context.principal, data.user_id, Role.OFFICER, data.agency_id
    )
    told = (Role.OFFICER, data.agency_id) if granted else None
    await _role_changed(update, context, query, data.user_id, told=told)


async def grant(update: Update, context: RounaqContext, query: CallbackQuery, data: Grant) -> None:
    role, agency_id = Role(data.role), data.agency_id or None
    granted = await context.services.admin.grant(context.principal, data.user_id, role, agency_id)
    await _role_changed(
        update, context, query, data.user_id, told=(role, agency_id) if granted else None
    )


async def revoke(
    update: Update, context: RounaqContext, query: CallbackQuery, data: Revoke
) -> None:
    role = Role(data.role)
    await context.services.admin.revoke(
        context.principal, data.user_id, role, data.agency_id or None
    )
    # An admin named in ADMIN_IDS stays one whatever the database says: never answer
    # "saved" for a role the person still holds.
    if (await context.services.users.profile(data.user_id)).principal.has(role):
        await query.answer(context.tr.t("admin.revoke_in_settings"), show_alert=True)
        return
    await _role_changed(update, context, query, data.user_id)


async def _role_changed(
    update: Update,
    context: RounaqContext,
    query: CallbackQuery,
    user_id: int,
    *,
    told: tuple[Role, int | None] | None = None,
) -> None:
    """The card redrawn, the grantee told of a new role (`told`), then the toast: whoever
    sees "saved" sees the new card, and the person has their message."""
    user = await context.services.users.get(user_id)
    if user is not None:
        text, markup = await user_card(context, user)
        await edit_or_send(update, context, text, markup)
    if told is not None:
        await tell_granted(context, user_id, *told)
    await query.answer(context.tr.t("admin.saved"))
    await refresh_menu_of(context, user_id)


async def got_user(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    return await show_user(update, context, text, waiting=True)
