"""What /admin and /routing share: a refusal as the press's alert, redrawing the pressed
message, the agency picker, and the menu of someone whose roles changed."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Set
from contextlib import suppress
from typing import Any, TypeVar

from telegram import (
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, TelegramError

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.menu import bot_commands, visible_commands
from bot.services.admin import GRANTABLE
from bot.services.workflow import WorkflowError
from bot.views import admin as views_admin
from bot.views.common import workflow_error
from handlers.declare import stale
from handlers.notify import outgoing, post
from handlers.ui import reply_chat, rows
from storage.models import Role

GRANTABLE_VALUES = frozenset(r.value for r in GRANTABLE)


D = TypeVar("D", bound=CallbackData)
Press = Callable[[Update, RounaqContext, CallbackQuery, D], Coroutine[Any, Any, None]]


def alerting(callback: Press[D], *, unknown_is_stale: bool = False) -> Press[D]:
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


async def edit_or_send(
    update: Update, context: RounaqContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest:
            return  # not modified
    await context.bot.send_message(reply_chat(update, context), text, reply_markup=markup)


async def refresh_menu_of(context: RounaqContext, user_id: int) -> None:
    """After a role change, show the person the commands their roles now allow."""
    services = context.services
    profile = await services.users.profile(user_id)
    tr = get_translator(context.language_of(user_id, profile.language))
    with suppress(TelegramError):  # a menu is a convenience; the role itself is granted
        await context.bot.set_my_commands(
            bot_commands(tr, visible_commands(context.runtime.menu, profile.principal)),
            scope=BotCommandScopeChat(user_id),
        )


async def tell_granted(
    context: RounaqContext, user_id: int, role: Role, agency_id: int | None
) -> None:
    """Whoever is given a role from /admin is told, in their language, as one who redeems
    an invite is; else nothing but a changed command menu says they have new work."""
    services = context.services
    profile = await services.users.profile(user_id)
    lang = context.language_of(user_id, profile.language)
    tr, fmt = get_translator(lang), Presenter(lang=lang, tz=services.settings.tz)
    name = views_admin.role_name(tr, fmt, services.directory, role.value, agency_id)
    await post(context, [outgoing(user_id, tr.t("admin.invite_redeemed", role=name))])


def agency_rows(
    context: RounaqContext,
    data: Callable[[int], CallbackData],
    *,
    marked: Set[int] = frozenset(),
    leave_out: int | None = None,
) -> list[list[InlineKeyboardButton]]:
    """The agencies as buttons, two a row; those in `marked` (nobody on the bot) carry the
    unstaffed mark."""
    mark = context.tr.t("admin.routing_unstaffed_mark")
    return rows(
        [
            InlineKeyboardButton(
                (f"{mark} " if a.id in marked else "")
                + context.fmt.shorten(a.short_name(context.lang), 40),
                callback_data=data(a.id).pack(),
            )
            for a in context.services.directory.agencies
            if a.id != leave_out
        ],
        2,
    )


async def routing_picker(
    context: RounaqContext,
    question: str,
    data: Callable[[int], CallbackData],
    *,
    leave_out: int | None = None,
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """A picker of where reports go (a route, a reassignment): agencies with nobody on the
    bot are marked, and the question says what the mark means, since a report sent there
    goes to the HQ instead."""
    empty = await context.services.staffing.unstaffed()
    buttons = agency_rows(context, data, marked=empty, leave_out=leave_out)
    if any(a.id in empty and a.id != leave_out for a in context.services.directory.agencies):
        mark = context.tr.t("admin.routing_unstaffed_mark")
        question += "\n" + context.tr.t("workflow.pick_agency_unstaffed", mark=mark)
    return question, buttons
