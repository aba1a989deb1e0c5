"""/admin (roles by id, @username or one-time invite) and /routing (agencies, deadlines).

Invites: `/start inv_<code>` (a deep link) redeems a one-time invite; the one who opens an
agency's link becomes its officer. `/admin group <agency code>` in a group makes it that
agency's group, where new reports are posted with buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import (
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import CommandHandler, filters

from bot.access import Permission, Principal
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.i18n import get_translator
from bot.menu import bot_commands, visible_commands
from bot.services.admin import GRANTABLE, INVITE_PREFIX
from bot.services.workflow import WorkflowError
from bot.text import normalize_text
from bot.views import workflow_error
from handlers import prompt
from handlers.declare import button, command, stale
from handlers.ui import keyboard, rows, send_chunks
from storage.dto import UserDTO
from storage.models import Role

DEADLINE_CHOICES = (3, 5, 7, 10, 15, 20, 30)
GRANTABLE_VALUES = frozenset(r.value for r in GRANTABLE)


# /admin's buttons (`adm:`): find a user, invite (pick a role, an officer's agency), and a
# user card's grant/revoke (role values; agency 0 for none).
@dataclass(frozen=True, slots=True)
class FindUser(CallbackData, prefix="adm:f"):
    pass


@dataclass(frozen=True, slots=True)
class Invite(CallbackData, prefix="adm:inv"):
    pass


@dataclass(frozen=True, slots=True)
class InviteRole(CallbackData, prefix="adm:ir"):
    role: str

    def valid(self) -> bool:
        return self.role in GRANTABLE_VALUES


@dataclass(frozen=True, slots=True)
class InviteOfficer(CallbackData, prefix="adm:ia"):
    agency_id: int


@dataclass(frozen=True, slots=True)
class PickOfficerAgency(CallbackData, prefix="adm:go"):
    user_id: int


@dataclass(frozen=True, slots=True)
class GrantOfficer(CallbackData, prefix="adm:ga"):
    user_id: int
    agency_id: int


@dataclass(frozen=True, slots=True)
class Grant(CallbackData, prefix="adm:g"):
    user_id: int
    role: str
    agency_id: int

    def valid(self) -> bool:
        return self.role in GRANTABLE_VALUES


@dataclass(frozen=True, slots=True)
class Revoke(CallbackData, prefix="adm:r"):
    user_id: int
    role: str
    agency_id: int

    def valid(self) -> bool:
        return self.role in GRANTABLE_VALUES


# /routing's buttons (`rt:`); sector 0 is "every sector".
@dataclass(frozen=True, slots=True)
class RoutingHome(CallbackData, prefix="rt:home"):
    pass


@dataclass(frozen=True, slots=True)
class RouteCategory(CallbackData, prefix="rt:c"):
    category_id: int


@dataclass(frozen=True, slots=True)
class PickSector(CallbackData, prefix="rt:sp"):
    category_id: int


@dataclass(frozen=True, slots=True)
class PickAgency(CallbackData, prefix="rt:a"):
    category_id: int
    sector_id: int


@dataclass(frozen=True, slots=True)
class SetRoute(CallbackData, prefix="rt:s"):
    category_id: int
    sector_id: int
    agency_id: int


@dataclass(frozen=True, slots=True)
class SetDeadline(CallbackData, prefix="rt:d"):
    category_id: int
    days: int


D = TypeVar("D", bound=CallbackData)
Press = Callable[[Update, RounaqContext, CallbackQuery, D], Coroutine[Any, Any, None]]


def _alerting(callback: Press[D], *, unknown_is_stale: bool = False) -> Press[D]:
    """A refusal from the admin service is the press's answer, an alert; so is an id the
    directory does not know (a stale button, on /routing's)."""

    async def run(update: Update, context: RounaqContext, query: CallbackQuery, data: D) -> None:
        try:
            await callback(update, context, query, data)
        except KeyError:
            if unknown_is_stale:
                await stale(query, context)
            else:
                await query.answer(
                    workflow_error(context.tr, WorkflowError("not_now")), show_alert=True
                )
        except (WorkflowError, ValueError) as error:
            known = error if isinstance(error, WorkflowError) else WorkflowError("not_now")
            await query.answer(workflow_error(context.tr, known), show_alert=True)

    return run


async def _edit_or_send(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest:
            return  # not modified
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, reply_markup=markup)


async def refresh_menu_of(context: RounaqContext, user_id: int) -> None:
    """After a role change, show the person the commands their roles now allow."""
    services = context.services
    profile = await services.users.profile(user_id)
    tr = get_translator(profile.language or services.settings.default_language)
    with suppress(TelegramError):  # a menu is a convenience; the role itself is granted
        await context.bot.set_my_commands(
            bot_commands(tr, visible_commands(context.runtime.menu, profile.principal)),
            scope=BotCommandScopeChat(user_id),
        )


def _roles_text(context: RounaqContext, principal: Principal) -> str:
    tr, fmt, directory, lang = context.tr, context.fmt, context.services.directory, context.lang
    parts = []
    for role in sorted(principal.roles, key=lambda r: GRANTABLE.index(r) if r in GRANTABLE else -1):
        name = tr.t(f"roles.{role.value}")
        if role is Role.OFFICER:
            agencies = sorted(principal.agency_ids)
            name += " (" + fmt.join(escape(directory.agency(a).name(lang)) for a in agencies) + ")"
        parts.append(name)
    return fmt.join(parts)


# --- /admin ---------------------------------------------------------------------------


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
        if len(args) == 2 and message.chat.type != message.chat.PRIVATE:
            await _bind_group(update, context, args[1])
        else:
            # Sent here from the /routing hint: it binds the chat it is sent in, so it
            # belongs in the agency's group, never a search for a user named "group".
            await message.reply_text(await _group_where(context))
        return
    if args:
        await _show_user(update, context, " ".join(args))
        return
    await message.reply_text(context.tr.t("admin.home"), reply_markup=_home_markup(context))


async def _group_where(context: RounaqContext) -> str:
    """Where /admin group goes, with the command ready for each agency that lacks anyone."""
    tr, directory = context.tr, context.services.directory
    empty = await context.services.staffing.unstaffed()
    lines = [
        tr.t("admin.group_where_line", agency=escape(a.name(context.lang)), code=escape(a.code))
        for a in directory.agencies
        if a.id in empty
    ]
    if lines:
        lines.insert(0, tr.t("admin.group_where_title"))
    return "\n".join([tr.t("admin.group_where"), *lines])


async def _bind_group(update: Update, context: RounaqContext, code: str) -> None:
    message = update.effective_message
    assert message is not None
    agency = context.services.directory.agency_by_code(code)
    if agency is None:
        await message.reply_text(context.tr.t("admin.no_agency", code=escape(code[:32])))
        return
    await context.services.admin.bind_agency_group(context.principal, agency.id, message.chat.id)
    await message.reply_text(
        context.tr.t("admin.group_bound", agency=escape(agency.name(context.lang)))
    )


async def _show_user(update: Update, context: RounaqContext, query_text: str) -> bool:
    tr = context.tr
    user = await context.services.users.find(query_text.strip())
    if user is None:
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(chat.id, tr.t("admin.user_not_found"))
        return False
    text, markup = await _user_card(context, user)
    await _edit_or_send(update, context, text, markup)
    return True


async def _user_card(
    context: RounaqContext, user: UserDTO
) -> tuple[str, InlineKeyboardMarkup | None]:
    tr, fmt = context.tr, context.fmt
    principal = (await context.services.users.profile(user.id)).principal
    text = tr.t(
        "admin.user_card",
        name=fmt.name(user.first_name),
        id=str(user.id),
        username=fmt.ltr(escape("@" + user.username)) if user.username else "—",
        roles=_roles_text(context, principal),
    )
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


def _agency_rows(
    context: RounaqContext, data: Callable[[int], CallbackData]
) -> list[list[InlineKeyboardButton]]:
    return rows(
        [
            InlineKeyboardButton(
                context.fmt.shorten(a.short_name(context.lang), 40),
                callback_data=data(a.id).pack(),
            )
            for a in context.services.directory.agencies
        ],
        2,
    )


async def find_user(
    update: Update, context: RounaqContext, query: CallbackQuery, _: FindUser
) -> None:
    await query.answer()
    await prompt.ask(context, query.from_user.id, context.tr.t("admin.ask_user"), "adm_find")


async def invite(update: Update, context: RounaqContext, query: CallbackQuery, _: Invite) -> None:
    await query.answer()
    tr = context.tr
    choices = [
        InlineKeyboardButton(tr.t(f"roles.{r.value}"), callback_data=InviteRole(r.value).pack())
        for r in GRANTABLE
    ]
    await _edit_or_send(update, context, tr.t("admin.pick_role"), keyboard(*rows(choices, 2)))


async def invite_role(
    update: Update, context: RounaqContext, query: CallbackQuery, data: InviteRole
) -> None:
    await query.answer()
    role = Role(data.role)
    if role is Role.OFFICER:
        markup = keyboard(*_agency_rows(context, InviteOfficer))
        await _edit_or_send(update, context, context.tr.t("admin.pick_agency"), markup)
    else:
        await _send_invite(update, context, role, None)


async def invite_officer(
    update: Update, context: RounaqContext, query: CallbackQuery, data: InviteOfficer
) -> None:
    # Made before answering: a refusal (an agency that does not exist) is the press's
    # answer, an alert.
    await _send_invite(update, context, Role.OFFICER, data.agency_id)
    await query.answer()


async def pick_officer_agency(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickOfficerAgency
) -> None:
    await query.answer()
    markup = keyboard(*_agency_rows(context, lambda a: GrantOfficer(data.user_id, a)))
    await _edit_or_send(update, context, context.tr.t("admin.pick_agency"), markup)


async def grant_officer(
    update: Update, context: RounaqContext, query: CallbackQuery, data: GrantOfficer
) -> None:
    await context.services.admin.grant(
        context.principal, data.user_id, Role.OFFICER, data.agency_id
    )
    await _role_changed(update, context, query, data.user_id)


async def grant(update: Update, context: RounaqContext, query: CallbackQuery, data: Grant) -> None:
    await context.services.admin.grant(
        context.principal, data.user_id, Role(data.role), data.agency_id or None
    )
    await _role_changed(update, context, query, data.user_id)


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
    update: Update, context: RounaqContext, query: CallbackQuery, user_id: int
) -> None:
    # The card is redrawn before the toast: whoever sees "saved" sees the new card.
    user = await context.services.users.get(user_id)
    if user is not None:
        text, markup = await _user_card(context, user)
        await _edit_or_send(update, context, text, markup)
    await query.answer(context.tr.t("admin.saved"))
    await refresh_menu_of(context, user_id)


async def _send_invite(
    update: Update, context: RounaqContext, role: Role, agency_id: int | None
) -> None:
    tr, fmt = context.tr, context.fmt
    code = await context.services.admin.create_invite(context.principal, role, agency_id)
    role_name = tr.t(f"roles.{role.value}")
    if agency_id is not None:
        agency = escape(context.services.directory.agency(agency_id).name(context.lang))
        role_name = fmt.fields(role_name, agency)
    link = f"https://t.me/{context.bot.username}?start={INVITE_PREFIX}{code}"
    await _edit_or_send(
        update,
        context,
        tr.t(
            "admin.invite",
            role=role_name,
            # On a line of its own a link keeps its order; an isolate character beside
            # it could be taken into the link by a client's URL detection.
            link=escape(link),
            code=f"{INVITE_PREFIX}{code}",  # inside <code>, copied as it is
        ),
        None,
    )


async def got_user(update: Update, context: RounaqContext, data: dict[str, Any], text: str) -> bool:
    return await _show_user(update, context, text)


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
    role_name = context.tr.t(f"roles.{invite.role}")
    if invite.agency_id is not None:
        agency = escape(services.directory.agency(invite.agency_id).name(context.lang))
        role_name = context.fmt.fields(role_name, agency)
    context.principal = (await services.users.profile(user.id)).principal
    await message.reply_text(context.tr.t("admin.invite_redeemed", role=role_name))
    await refresh_menu_of(context, user.id)


# --- /routing -------------------------------------------------------------------------


async def _routing_text(context: RounaqContext) -> str:
    tr, directory, lang, fmt = context.tr, context.services.directory, context.lang, context.fmt
    # Agencies with no officer and no group: their reports go straight to the HQ.
    unstaffed = await context.services.staffing.unstaffed()
    mark = tr.t("admin.routing_unstaffed_mark")

    def agency_name(agency_id: int) -> str:
        name = escape(directory.agency(agency_id).name(lang))
        return f"{name} {mark}" if agency_id in unstaffed else name

    lines = [tr.t("admin.routing_title")]
    used: set[int] = set()
    for category in directory.categories:
        general = [
            r
            for r in directory.rules
            if r.category_id == category.id and r.sector_id is None and r.county_id is None
        ]
        agency_id = general[-1].agency_id if general else category.default_agency_id
        lines.append(
            tr.t(
                "admin.routing_line",
                category=escape(category.name(lang)),
                agency=agency_name(agency_id),
                days=fmt.number(category.deadline_days),
            )
        )
        used.add(agency_id)
        for rule in directory.rules:
            if rule.category_id == category.id and rule.sector_id is not None:
                lines.append(
                    tr.t(
                        "admin.routing_sector",
                        sector=escape(directory.sector(rule.sector_id).name(lang)),
                        agency=agency_name(rule.agency_id),
                    )
                )
                used.add(rule.agency_id)
    empty = [a for a in directory.agencies if a.id in unstaffed and a.id in used]
    if empty:
        lines += [
            "",
            tr.t(
                "admin.routing_unstaffed",
                mark=mark,
                agencies=tr.t("admin.list_separator").join(escape(a.name(lang)) for a in empty),
            ),
        ]
    return "\n".join(lines)


def _routing_markup(context: RounaqContext) -> InlineKeyboardMarkup | None:
    return keyboard(
        *rows(
            [
                InlineKeyboardButton(
                    context.fmt.shorten(c.name(context.lang), 40),
                    callback_data=RouteCategory(c.id).pack(),
                )
                for c in context.services.directory.categories
            ],
            2,
        )
    )


async def routing(update: Update, context: RounaqContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send_chunks(context, chat.id, await _routing_text(context), _routing_markup(context))


async def routing_home(
    update: Update, context: RounaqContext, query: CallbackQuery, _: RoutingHome
) -> None:
    await query.answer()
    await routing(update, context)


async def route_category(
    update: Update, context: RounaqContext, query: CallbackQuery, data: RouteCategory
) -> None:
    tr, fmt = context.tr, context.fmt
    category = context.services.directory.category(data.category_id)
    await query.answer()
    days = [
        InlineKeyboardButton(
            ("• " if d == category.deadline_days else "")
            + tr.t("admin.btn_days", days=fmt.number(d)),
            callback_data=SetDeadline(category.id, d).pack(),
        )
        for d in DEADLINE_CHOICES
    ]
    buttons = [
        [
            InlineKeyboardButton(
                tr.t("admin.btn_route_all"), callback_data=PickAgency(category.id, 0).pack()
            )
        ],
        [
            InlineKeyboardButton(
                tr.t("admin.btn_route_sector"), callback_data=PickSector(category.id).pack()
            )
        ],
        *rows(days, 4),
    ]
    text = tr.t(
        "admin.category_card",
        category=escape(category.name(context.lang)),
        days=fmt.number(category.deadline_days),
    )
    await _edit_or_send(update, context, text, keyboard(*buttons))


async def pick_sector(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickSector
) -> None:
    directory = context.services.directory
    directory.category(data.category_id)
    await query.answer()
    sectors = [
        InlineKeyboardButton(
            context.fmt.shorten(s.name(context.lang), 40),
            callback_data=PickAgency(data.category_id, s.id).pack(),
        )
        for s in directory.sectors
    ]
    markup = keyboard(*rows(sectors, 2))
    await _edit_or_send(update, context, context.tr.t("admin.pick_sector"), markup)


async def pick_agency(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickAgency
) -> None:
    directory = context.services.directory
    directory.category(data.category_id)
    if data.sector_id:
        directory.sector(data.sector_id)
    await query.answer()
    markup = keyboard(
        *_agency_rows(context, lambda a: SetRoute(data.category_id, data.sector_id, a))
    )
    await _edit_or_send(update, context, context.tr.t("admin.pick_agency"), markup)


async def set_route(
    update: Update, context: RounaqContext, query: CallbackQuery, data: SetRoute
) -> None:
    await context.services.admin.set_route(
        context.principal, data.category_id, data.agency_id, sector_id=data.sector_id or None
    )
    await _routing_saved(update, context, query)


async def set_deadline(
    update: Update, context: RounaqContext, query: CallbackQuery, data: SetDeadline
) -> None:
    await context.services.admin.set_deadline(context.principal, data.category_id, data.days)
    await _routing_saved(update, context, query)


async def _routing_saved(update: Update, context: RounaqContext, query: CallbackQuery) -> None:
    await query.answer(context.tr.t("admin.saved"))
    await _edit_or_send(update, context, await _routing_text(context), _routing_markup(context))


COMMANDS = [
    command("admin", admin, needs=Permission.MANAGE_ROLES),
    command("routing", routing, needs=Permission.EDIT_ROUTING),
]
ROLE_BUTTONS: list[tuple[type[Any], Press[Any]]] = [
    (FindUser, find_user),
    (Invite, invite),
    (InviteRole, invite_role),
    (InviteOfficer, invite_officer),
    (PickOfficerAgency, pick_officer_agency),
    (GrantOfficer, grant_officer),
    (Grant, grant),
    (Revoke, revoke),
]
ROUTING_BUTTONS: list[tuple[type[Any], Press[Any]]] = [
    (RoutingHome, routing_home),
    (RouteCategory, route_category),
    (PickSector, pick_sector),
    (PickAgency, pick_agency),
    (SetRoute, set_route),
    (SetDeadline, set_deadline),
]


def register(application: RounaqApp) -> None:
    # Order matters: registered before /start so an invite deep link is redeemed here.
    application.add_handler(
        CommandHandler("start", redeem, filters=filters.Regex(rf"^/start {INVITE_PREFIX}"))
    )
    for item in COMMANDS:
        application.add_handler(item.handler())
    for kind, callback in ROLE_BUTTONS:
        application.add_handler(button(kind, _alerting(callback), needs=Permission.MANAGE_ROLES))
    for kind, callback in ROUTING_BUTTONS:
        guarded = _alerting(callback, unknown_is_stale=True)
        application.add_handler(button(kind, guarded, needs=Permission.EDIT_ROUTING))
    prompt.on(application, "adm_find", got_user)
