"""/routing: where each category's reports go (by sector too) and its deadline."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.views import admin as views_admin
from handlers.admin.common import edit_or_send, routing_picker
from handlers.declare import as_button
from handlers.ui import keyboard, rows, send_chunks

DEADLINE_CHOICES = (3, 5, 7, 10, 15, 20, 30)


class OnCategory(CallbackData):
    """A category's route (the shape of two kinds, not a kind itself)."""

    category_id: int


class RoutingHome(CallbackData, prefix="rt:home"): ...


class BackToRouting(CallbackData, prefix="rt:b"):
    """Back from a category's card to the table, in the same message."""


class RouteCategory(OnCategory, prefix="rt:c"): ...


class PickSector(OnCategory, prefix="rt:sp"): ...


class PickAgency(CallbackData, prefix="rt:a"):
    category_id: int
    sector_id: int


class SetRoute(CallbackData, prefix="rt:s"):
    category_id: int
    sector_id: int
    agency_id: int


class SetDeadline(CallbackData, prefix="rt:d"):
    category_id: int
    days: int


async def routing_text(context: RounaqContext) -> str:
    unstaffed = await context.services.staffing.unstaffed()
    return views_admin.routing_overview(
        context.tr, context.fmt, context.services.directory, unstaffed
    )


def routing_markup(context: RounaqContext) -> InlineKeyboardMarkup | None:
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
    await send_chunks(context, chat.id, await routing_text(context), routing_markup(context))


routing_home = as_button(routing)


async def back_to_routing(
    update: Update, context: RounaqContext, query: CallbackQuery, _: BackToRouting
) -> None:
    await query.answer()
    await edit_or_send(update, context, await routing_text(context), routing_markup(context))


def _back(context: RounaqContext, target: CallbackData, key: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(context.tr.t(key), callback_data=target.pack())]


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
        _back(context, BackToRouting(), "admin.btn_back_routing"),
    ]
    text = views_admin.category_card(tr, fmt, category)
    await edit_or_send(update, context, text, keyboard(*buttons))


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
    back = _back(context, RouteCategory(data.category_id), "admin.btn_back")
    markup = keyboard(*rows(sectors, 2), back)
    await edit_or_send(update, context, context.tr.t("admin.pick_sector"), markup)


async def pick_agency(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickAgency
) -> None:
    directory = context.services.directory
    directory.category(data.category_id)
    if data.sector_id:
        directory.sector(data.sector_id)
    await query.answer()
    target = PickSector(data.category_id) if data.sector_id else RouteCategory(data.category_id)
    question, agencies = await routing_picker(
        context,
        context.tr.t("admin.pick_agency"),
        lambda a: SetRoute(data.category_id, data.sector_id, a),
    )
    markup = keyboard(*agencies, _back(context, target, "admin.btn_back"))
    await edit_or_send(update, context, question, markup)


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
    await edit_or_send(update, context, await routing_text(context), routing_markup(context))
