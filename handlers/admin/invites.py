"""Invites: /admin makes a one-time link for a role (an officer's for one agency);
`/start inv_<code>` redeems it."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.services.admin import GRANTABLE, INVITE_PREFIX
from bot.text import normalize_text
from bot.views import admin as views_admin
from handlers.admin.common import GRANTABLE_VALUES, agency_rows, edit_or_send, refresh_menu_of
from handlers.ui import chat_link, keyboard, rows
from storage.models import Role


class Invite(CallbackData, prefix="adm:inv"): ...


class InviteRole(CallbackData, prefix="adm:ir"):
    role: str

    def valid(self) -> bool:
        return self.role in GRANTABLE_VALUES


class InviteOfficer(CallbackData, prefix="adm:ia"):
    agency_id: int


async def invite(update: Update, context: RounaqContext, query: CallbackQuery, _: Invite) -> None:
    await query.answer()
    tr = context.tr
    choices = [
        InlineKeyboardButton(tr.t(f"roles.{r.value}"), callback_data=InviteRole(r.value).pack())
        for r in GRANTABLE
    ]
    await edit_or_send(update, context, tr.t("admin.pick_role"), keyboard(*rows(choices, 2)))


async def invite_role(
    update: Update, context: RounaqContext, query: CallbackQuery, data: InviteRole
) -> None:
    await query.answer()
    role = Role(data.role)
    if role is Role.OFFICER:
        markup = keyboard(*agency_rows(context, InviteOfficer))
        await edit_or_send(update, context, context.tr.t("admin.pick_agency"), markup)
    else:
        await send_invite(update, context, role, None)


async def invite_officer(
    update: Update, context: RounaqContext, query: CallbackQuery, data: InviteOfficer
) -> None:
    # Made before answering: a refusal (an agency that does not exist) is the press's
    # answer, an alert.
    await send_invite(update, context, Role.OFFICER, data.agency_id)
    await query.answer()


async def send_invite(
    update: Update, context: RounaqContext, role: Role, agency_id: int | None
) -> None:
    code = await context.services.admin.create_invite(context.principal, role, agency_id)
    # The messenger's own address (ble.ir on Bale): a t.me link opens nothing there.
    link = chat_link(context, f"{INVITE_PREFIX}{code}") or ""
    text = views_admin.invite(
        context.tr,
        context.fmt,
        context.services.directory,
        role=role.value,
        agency_id=agency_id,
        code=f"{INVITE_PREFIX}{code}",
        link=link,
    )
    await edit_or_send(update, context, text, None)


async def redeem(update: Update, context: RounaqContext) -> None:
    """`/start inv_<code>`: the invite's role is the opener's, once."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.chat.type != message.chat.PRIVATE:
        return
    services = context.services
    await services.users.touch(
        user.id, first_name=user.first_name, last_name=user.last_name, username=user.username
    )
    # A code copied from the message may bring the marks around it.
    code = normalize_text((context.args or [""])[0]).removeprefix(INVITE_PREFIX)
    invite = await services.admin.redeem(user.id, code)
    if invite is None:
        await message.reply_text(context.tr.t("admin.invite_invalid"))
        return
    role_name = views_admin.role_name(
        context.tr, context.fmt, services.directory, invite.role, invite.agency_id
    )
    context.principal = (await services.users.profile(user.id)).principal
    await message.reply_text(context.tr.t("admin.invite_redeemed", role=role_name))
    await refresh_menu_of(context, user.id)
