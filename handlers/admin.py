"""/admin (roles by id, @username or one-time invite) and /routing (agencies, deadlines).

Invites: `/start inv_<code>` (a deep link) redeems a one-time invite; the one who opens an
agency's link becomes its officer. `/admin group <agency code>` in a group makes it that
agency's group, where new reports are posted with buttons.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.access import Permission, Principal
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.i18n import get_translator
from bot.menu import MenuCommand, bot_commands, visible_commands
from bot.services.admin import GRANTABLE, INVITE_PREFIX
from bot.services.workflow import WorkflowError
from bot.text import normalize_text
from bot.views import workflow_error
from handlers import prompt
from handlers.common import deny
from handlers.ui import callback, int_arg, keyboard, rows, send_chunks
from storage.dto import UserDTO
from storage.models import Role

COMMANDS = [
    MenuCommand("admin", Permission.MANAGE_ROLES),
    MenuCommand("routing", Permission.EDIT_ROUTING),
]
DEADLINE_CHOICES = (3, 5, 7, 10, 15, 20, 30)


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
    registry: list[MenuCommand] = context.bot_data.get("menu_commands", [])
    tr = get_translator(profile.language or services.settings.default_language)
    with suppress(TelegramError):  # a menu is a convenience; the role itself is granted
        await context.bot.set_my_commands(
            bot_commands(tr, visible_commands(registry, profile.principal)),
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
        [InlineKeyboardButton(tr.t("admin.btn_find"), callback_data="adm:f")],
        [InlineKeyboardButton(tr.t("admin.btn_invite"), callback_data="adm:inv")],
        [InlineKeyboardButton(tr.t("admin.btn_routing"), callback_data="rt:home")],
    )


async def admin(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.principal.can(Permission.MANAGE_ROLES):
        await deny(update, context)
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
                    callback_data=callback("adm", "go", user.id),
                )
            )
            for agency_id in sorted(principal.agency_ids):
                agency = context.services.directory.agency(agency_id)
                name = context.fmt.shorten(agency.short_name(context.lang), 24)
                buttons.append(
                    InlineKeyboardButton(
                        tr.t("admin.btn_revoke", role=f"{tr.t('roles.officer')} {name}"),
                        callback_data=callback("adm", "r", user.id, role.value, agency_id),
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
                callback_data=callback("adm", "r" if held else "g", user.id, role.value, 0),
            )
        )
    return text, keyboard(*rows(buttons, 2))


def _agency_rows(context: RounaqContext, *prefix: object) -> list[list[InlineKeyboardButton]]:
    return rows(
        [
            InlineKeyboardButton(
                context.fmt.shorten(a.short_name(context.lang), 40),
                callback_data=callback(*prefix, a.id),
            )
            for a in context.services.directory.agencies
        ],
        2,
    )


async def admin_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    tr = context.tr
    if not context.principal.can(Permission.MANAGE_ROLES):
        await deny(update, context)
        return
    parts = (query.data or "").split(":")[1:]
    verb = parts[0] if parts else ""
    try:
        if verb == "f" and len(parts) == 1:
            await query.answer()
            await prompt.ask(context, query.from_user.id, tr.t("admin.ask_user"), "adm_find")
        elif verb == "inv" and len(parts) == 1:
            await query.answer()
            choices = [
                InlineKeyboardButton(
                    tr.t(f"roles.{r.value}"), callback_data=callback("adm", "ir", r.value)
                )
                for r in GRANTABLE
            ]
            await _edit_or_send(
                update, context, tr.t("admin.pick_role"), keyboard(*rows(choices, 2))
            )
        elif verb == "ir" and len(parts) == 2 and parts[1] in {r.value for r in GRANTABLE}:
            await query.answer()
            role = Role(parts[1])
            if role is Role.OFFICER:
                await _edit_or_send(
                    update,
                    context,
                    tr.t("admin.pick_agency"),
                    keyboard(*_agency_rows(context, "adm", "ia")),
                )
            else:
                await _send_invite(update, context, role, None)
        elif verb == "ia" and len(parts) == 2 and int_arg(parts[1]) is not None:
            # Made before answering: a refusal (an agency that does not exist) is the
            # press's answer, an alert.
            await _send_invite(update, context, Role.OFFICER, int(parts[1]))
            await query.answer()
        elif verb == "go" and len(parts) == 2 and int_arg(parts[1]) is not None:
            await query.answer()
            await _edit_or_send(
                update,
                context,
                tr.t("admin.pick_agency"),
                keyboard(*_agency_rows(context, "adm", "ga", int(parts[1]))),
            )
        elif verb in ("g", "r", "ga") and len(parts) in (3, 4):
            await _change_role(update, context, verb, parts[1:])
        else:
            await query.answer(tr.t("common.stale_button"), show_alert=True)
    except (WorkflowError, KeyError, ValueError) as error:
        known = error if isinstance(error, WorkflowError) else WorkflowError("not_now")
        await query.answer(workflow_error(tr, known), show_alert=True)


async def _change_role(update: Update, context: RounaqContext, verb: str, args: list[str]) -> None:
    query = update.callback_query
    assert query is not None
    admin_service, tr = context.services.admin, context.tr
    user_id = int_arg(args[0])
    if user_id is None:
        raise WorkflowError("not_found")
    if verb == "ga":
        agency_id = int_arg(args[1])
        if agency_id is None or len(args) != 2:
            raise WorkflowError("bad_agency")
        await admin_service.grant(context.principal, user_id, Role.OFFICER, agency_id)
    else:
        if len(args) != 3:
            raise WorkflowError("not_now")
        role = Role(args[1])
        agency_arg = int_arg(args[2])
        agency_id = agency_arg or None
        if verb == "g":
            await admin_service.grant(context.principal, user_id, role, agency_id)
        else:
            await admin_service.revoke(context.principal, user_id, role, agency_id)
            # An admin named in ADMIN_IDS stays one whatever the database says: never
            # answer "saved" for a role the person still holds.
            if (await context.services.users.profile(user_id)).principal.has(role):
                await query.answer(tr.t("admin.revoke_in_settings"), show_alert=True)
                return
    await query.answer(tr.t("admin.saved"))
    await refresh_menu_of(context, user_id)
    user = await context.services.users.get(user_id)
    if user is not None:
        text, markup = await _user_card(context, user)
        await _edit_or_send(update, context, text, markup)


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
                    callback_data=callback("rt", "c", c.id),
                )
                for c in context.services.directory.categories
            ],
            2,
        )
    )


async def routing(update: Update, context: RounaqContext) -> None:
    if not context.principal.can(Permission.EDIT_ROUTING):
        await deny(update, context)
        return
    chat = update.effective_chat
    assert chat is not None
    await send_chunks(context, chat.id, await _routing_text(context), _routing_markup(context))


async def routing_button(update: Update, context: RounaqContext) -> None:
    query = update.callback_query
    assert query is not None
    tr, directory, lang = context.tr, context.services.directory, context.lang
    if not context.principal.can(Permission.EDIT_ROUTING):
        await deny(update, context)
        return
    parts = (query.data or "").split(":")[1:]
    verb = parts[0] if parts else ""
    nums = [int_arg(p) for p in parts[1:]]
    if any(n is None for n in nums):
        await query.answer(tr.t("common.stale_button"), show_alert=True)
        return
    ids = [int(n or 0) for n in nums]
    try:
        if verb == "home" and not ids:
            await query.answer()
            await routing(update, context)
        elif verb == "c" and len(ids) == 1:
            category = directory.category(ids[0])
            await query.answer()
            days = [
                InlineKeyboardButton(
                    ("• " if d == category.deadline_days else "")
                    + tr.t("admin.btn_days", days=context.fmt.number(d)),
                    callback_data=callback("rt", "d", category.id, d),
                )
                for d in DEADLINE_CHOICES
            ]
            buttons = [
                [
                    InlineKeyboardButton(
                        tr.t("admin.btn_route_all"),
                        callback_data=callback("rt", "a", category.id, 0),
                    )
                ],
                [
                    InlineKeyboardButton(
                        tr.t("admin.btn_route_sector"),
                        callback_data=callback("rt", "sp", category.id),
                    )
                ],
                *rows(days, 4),
            ]
            await _edit_or_send(
                update,
                context,
                tr.t(
                    "admin.category_card",
                    category=escape(category.name(lang)),
                    days=context.fmt.number(category.deadline_days),
                ),
                keyboard(*buttons),
            )
        elif verb == "sp" and len(ids) == 1:
            directory.category(ids[0])
            await query.answer()
            sectors = [
                InlineKeyboardButton(
                    context.fmt.shorten(s.name(lang), 40),
                    callback_data=callback("rt", "a", ids[0], s.id),
                )
                for s in directory.sectors
            ]
            await _edit_or_send(
                update, context, tr.t("admin.pick_sector"), keyboard(*rows(sectors, 2))
            )
        elif verb == "a" and len(ids) == 2:
            directory.category(ids[0])
            if ids[1]:
                directory.sector(ids[1])
            await query.answer()
            await _edit_or_send(
                update,
                context,
                tr.t("admin.pick_agency"),
                keyboard(*_agency_rows(context, "rt", "s", ids[0], ids[1])),
            )
        elif verb == "s" and len(ids) == 3:
            await context.services.admin.set_route(
                context.principal, ids[0], ids[2], sector_id=ids[1] or None
            )
            await query.answer(tr.t("admin.saved"))
            await _edit_or_send(
                update, context, await _routing_text(context), _routing_markup(context)
            )
        elif verb == "d" and len(ids) == 2:
            await context.services.admin.set_deadline(context.principal, ids[0], ids[1])
            await query.answer(tr.t("admin.saved"))
            await _edit_or_send(
                update, context, await _routing_text(context), _routing_markup(context)
            )
        else:
            await query.answer(tr.t("common.stale_button"), show_alert=True)
    except KeyError:
        await query.answer(tr.t("common.stale_button"), show_alert=True)
    except WorkflowError as error:
        await query.answer(workflow_error(tr, error), show_alert=True)


def register(application: RounaqApp) -> None:
    # Order matters: registered before /start so an invite deep link is redeemed here.
    application.add_handler(
        CommandHandler("start", redeem, filters=filters.Regex(rf"^/start {INVITE_PREFIX}"))
    )
    application.add_handler(CommandHandler("admin", admin))
    application.add_handler(CommandHandler("routing", routing))
    application.add_handler(CallbackQueryHandler(admin_button, pattern=r"^adm:"))
    application.add_handler(CallbackQueryHandler(routing_button, pattern=r"^rt:"))
    prompt.on(application, "adm_find", got_user)
