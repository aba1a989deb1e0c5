"""The session's agenda: items put on it in order, the agenda sent to the invited
agencies, and an agency's written position on an item."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, Update

from bot.access import can_respond_to_decision
from bot.context import RounaqContext
from bot.minutes import MinutesContext
from bot.services.sessions import SessionService
from bot.views.sessions import head, item_text
from handlers import asking
from handlers.sessions.buttons import AddItems, PutItem, SendAgenda, WritePosition
from handlers.sessions.common import agency_chats, agency_text, in_language, send_to
from handlers.sessions.views import session_view
from handlers.ui import answer_quietly, keyboard, rows, say


async def add_items(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: AddItems
) -> None:
    tr, fmt = context.tr, context.fmt
    free = await context.services.sessions.free_items(context.principal)
    await query.answer()
    if not free:
        await say(update, context, tr.t("sessions.no_free_items"))
        return
    buttons = [
        [
            InlineKeyboardButton(
                tr.t("sessions.btn_put", id=fmt.plain_int(i.id), title=fmt.shorten(i.title, 40)),
                callback_data=PutItem(pressed.session, i.id).pack(),
            )
        ]
        for i in free[:30]
    ]
    await say(update, context, tr.t("sessions.pick_items"), keyboard(*buttons))


async def put_item(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: PutItem
) -> None:
    await context.services.sessions.put_item(context.principal, pressed.session, pressed.item)
    await answer_quietly(query, context.tr.t("sessions.put_done"))
    text, markup = await session_view(context, pressed.session)
    await say(update, context, text, markup)


async def send_agenda(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: SendAgenda
) -> None:
    session = await context.services.sessions.mark_agenda_sent(context.principal, pressed.session)
    await answer_quietly(query)
    sent = await _send_agenda(context, session.id)
    text = context.tr.t("sessions.agenda_sent", count=context.fmt.number(sent))
    await say(update, context, text)


async def _send_agenda(context: RounaqContext, session_id: int) -> int:
    """The agenda to each invited agency's officers and group; returns the messages sent."""
    pack = await context.services.sessions.pack(context.principal, session_id)
    sent = 0
    for invited in pack.session.agencies:
        for chat_id, lang in await agency_chats(context, invited.agency_id):
            tr, fmt = in_language(context, lang)
            local = MinutesContext(tr, fmt, context.services.directory, "")
            text = "\n\n".join(
                [tr.t("sessions.agenda_to_agency"), head(local, pack.session)]
                + [item_text(local, b, for_agency=invited.agency_id) for b in pack.items]
            )
            buttons = [
                InlineKeyboardButton(
                    tr.t("sessions.btn_position", n=fmt.plain_int(b.position)),
                    callback_data=WritePosition(b.item.id, invited.agency_id).pack(),
                )
                for b in pack.items
            ]
            if await send_to(context, chat_id, text, keyboard(*rows(buttons, 2))):
                sent += 1
    return sent


async def write_position(
    update: Update, context: RounaqContext, query: CallbackQuery, pressed: WritePosition
) -> None:
    tr = context.tr
    if not can_respond_to_decision(context.principal, pressed.agency):
        await query.answer(tr.t("sessions.error_not_found"), show_alert=True)
        return
    await asking.ask_presser(
        context, query, tr.t("sessions.ask_position"), "ss_position",
        item=pressed.item, agency=pressed.agency,
    )  # fmt: skip


# An officer's position on an item, for their agency (checked again by the service).
got_position = agency_text(SessionService.write_position, "item", "sessions.position_saved")
