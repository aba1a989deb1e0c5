"""/digest_settings: the chat's digest on or off, its time, and its sections; each button
changes one thing and redraws the screen."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, Chat, InlineKeyboardButton, Update

from bot.callback_data import CallbackData
from bot.context import RounaqContext
from bot.digest.content import SectionProvider
from bot.views.digest import settings_text
from handlers.common import deny
from handlers.declare import stale
from handlers.digest import chats
from handlers.ui import keyboard, rows
from storage.dto_digest import SubscriptionDTO

TIMES_PER_ROW = 4


# The settings screen's buttons (`dg:`).
class TurnOn(CallbackData, prefix="dg:on"): ...


class TurnOff(CallbackData, prefix="dg:off"): ...


class PickTime(CallbackData, prefix="dg:t"):
    hhmm: str  # "0730": a colon cannot travel in a field

    def valid(self) -> bool:
        return len(self.hhmm) == 4 and self.hhmm.isascii() and self.hhmm.isdigit()


class ToggleSection(CallbackData, prefix="dg:s"):
    section: str


def _sections(context: RounaqContext, chat: Chat, sub: SubscriptionDTO) -> list[SectionProvider]:
    """The sections this chat's digest may carry (muted or not)."""
    recipient = chats.recipient(context, chat, sub)
    return list(context.services.digest.registry.for_principal(recipient.principal))


def _buttons(
    context: RounaqContext, chat: Chat, sub: SubscriptionDTO, sections: list[SectionProvider]
) -> list[list[InlineKeyboardButton]]:
    """An active subscription's times and sections."""
    service, tr, fmt = context.services.digest, context.tr, context.fmt
    current = service.effective_time(sub)
    times = [
        InlineKeyboardButton(
            tr.t(
                "digest.btn_time_current" if slot == current else "digest.btn_time",
                time=fmt.digits(slot),
            ),
            callback_data=PickTime(slot.replace(":", "")).pack(),
        )
        for slot in service.time_slots
    ]
    buttons = rows(times, TIMES_PER_ROW)
    for provider in sections:
        muted = provider.key in sub.muted_sections
        key = "digest.btn_section_off" if muted else "digest.btn_section_on"
        label = tr.t(key, name=tr.t(provider.title_key))
        buttons.append(
            [InlineKeyboardButton(label, callback_data=ToggleSection(provider.key).pack())]
        )
    return buttons


async def _screen(
    context: RounaqContext, chat: Chat
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    service, tr = context.services.digest, context.tr
    sub = await service.subscription(chat.id)
    active = sub is not None and sub.active
    time = service.effective_time(sub) if active else None
    buttons: list[list[InlineKeyboardButton]] = []
    all_muted = False
    if active and sub is not None:
        sections = _sections(context, chat, sub)
        buttons = _buttons(context, chat, sub, sections)
        all_muted = bool(sections) and all(p.key in sub.muted_sections for p in sections)
    text = settings_text(tr, context.fmt, time, service.next_digest_at(sub), all_muted=all_muted)
    toggle = ("digest.btn_off", TurnOff()) if active else ("digest.btn_on", TurnOn())
    buttons.append([InlineKeyboardButton(tr.t(toggle[0]), callback_data=toggle[1].pack())])
    return text, buttons


async def settings_screen(update: Update, context: RounaqContext) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if not chats.may_manage(update, context, chat):
        await message.reply_text(context.tr.t("digest.admins_only"))
        return
    text, buttons = await _screen(context, chat)
    await context.bot.send_message(chat.id, text, reply_markup=keyboard(*buttons))


D = TypeVar("D", bound=CallbackData)
Setting = Callable[[RounaqContext, Chat, SubscriptionDTO | None, D], Coroutine[Any, Any, None]]


def setting(change: Setting[D]) -> Any:
    """A settings button: whoever may manage this chat's digest changes one thing, and the
    screen is redrawn. Forged or stale data (a time or section that does not exist, a
    subscription no longer active) is refused and changes nothing."""

    async def run(update: Update, context: RounaqContext, query: CallbackQuery, data: D) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if not chats.may_manage(update, context, chat):
            await deny(update, context)
            return
        try:
            await change(context, chat, await context.services.digest.subscription(chat.id), data)
        except ValueError:
            await stale(query, context)
            return
        await query.answer(context.tr.t("digest.saved"))
        text, buttons = await _screen(context, chat)
        await query.edit_message_text(text, reply_markup=keyboard(*buttons))

    return run


async def turn_on(
    context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None, _: TurnOn
) -> None:
    await chats.subscribe(context, chat)


async def turn_off(
    context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None, _: TurnOff
) -> None:
    await chats.unsubscribe(context, chat.id)


async def pick_time(
    context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None, data: PickTime
) -> None:
    if sub is None or not sub.active:
        raise ValueError("no subscription")
    await context.services.digest.set_time(chat.id, f"{data.hhmm[:2]}:{data.hhmm[2:]}")


async def toggle_section(
    context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None, data: ToggleSection
) -> None:
    if sub is None or not sub.active:
        raise ValueError("no subscription")
    if await context.services.digest.toggle_section(chat.id, data.section) is None:
        raise ValueError("no subscription")
