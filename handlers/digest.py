"""The daily digest in chat: /digest (preview), /subscribe, /unsubscribe, the settings
screen, /senddigest for admins, and the daily jobs that start the broadcast."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, Chat, ChatFullInfo, InlineKeyboardButton, Update
from telegram.error import TelegramError

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.digest import schedule
from bot.digest.content import Part, Recipient
from bot.digest.runner import DigestRunner
from bot.digest.service import DigestService
from bot.formatting import escape
from bot.settings import Settings
from bot.state import runtime_of
from handlers.common import deny
from handlers.declare import button, command, stale
from handlers.ui import keyboard, rows
from storage.dto_digest import SubscriptionDTO
from storage.models_digest import ChatKind

log = logging.getLogger(__name__)


TIMES_PER_ROW = 4


# The settings screen's buttons (`dg:`).
@dataclass(frozen=True, slots=True)
class TurnOn(CallbackData, prefix="dg:on"):
    pass


@dataclass(frozen=True, slots=True)
class TurnOff(CallbackData, prefix="dg:off"):
    pass


@dataclass(frozen=True, slots=True)
class PickTime(CallbackData, prefix="dg:t"):
    hhmm: str  # "0730": a colon cannot travel in a field

    def valid(self) -> bool:
        return len(self.hhmm) == 4 and self.hhmm.isascii() and self.hhmm.isdigit()


@dataclass(frozen=True, slots=True)
class ToggleSection(CallbackData, prefix="dg:s"):
    section: str


def runner_of(application: object) -> DigestRunner:
    runner = runtime_of(application).digest_runner
    if runner is None:
        raise RuntimeError("the digest runner starts with the application")
    return runner


def _kind(chat: Chat | ChatFullInfo) -> ChatKind:
    if chat.type == Chat.PRIVATE:
        return ChatKind.USER
    return ChatKind.CHANNEL if chat.type == Chat.CHANNEL else ChatKind.GROUP


def _may_manage(update: Update, context: RounaqContext, chat: Chat) -> bool:
    """A private chat is its user's own; a group's digest is managed by the bot's admins.
    A channel post has no sender to check: channels are signed up from an admin's chat."""
    if update.effective_user is None:
        return False
    return chat.type == Chat.PRIVATE or context.principal.can(Permission.MANAGE_CHAT_DIGESTS)


def _recipient(context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None) -> Recipient:
    service = context.services.digest
    muted = sub.muted_sections if sub else frozenset()
    if chat.type == Chat.PRIVATE:
        return service.recipient(chat.id, ChatKind.USER, context.principal, context.lang, muted)
    language = sub.language if sub else None
    return service.recipient(chat.id, _kind(chat), service.chat_principal(chat.id), language, muted)


async def send_parts(context: RounaqContext, chat_id: int, parts: list[Part]) -> None:
    for part in parts:
        markup = keyboard(
            *[[InlineKeyboardButton(b.label, callback_data=b.data)] for b in part.buttons]
        )
        await context.bot.send_message(chat_id, part.text, reply_markup=markup)


# ----------------------------------------------------------------------------- commands


async def digest_preview(update: Update, context: RounaqContext) -> None:
    """Today's digest for this chat, built now; nothing is broadcast or logged."""
    chat = update.effective_chat
    if chat is None or update.effective_user is None:
        return
    service = context.services.digest
    recipient = _recipient(context, chat, await service.subscription(chat.id))
    parts = await service.preview(recipient)
    if not parts:
        await context.bot.send_message(chat.id, context.tr.t("digest.nothing_today"))
        return
    await send_parts(context, chat.id, parts)


async def subscribe(update: Update, context: RounaqContext) -> None:
    await _set_subscription(update, context, on=True)


async def unsubscribe(update: Update, context: RounaqContext) -> None:
    await _set_subscription(update, context, on=False)


async def _set_subscription(update: Update, context: RounaqContext, *, on: bool) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or update.effective_user is None:
        return
    if context.args and chat.type == Chat.PRIVATE:
        # "/subscribe -100123": an admin signs up a channel (or group) from their own chat.
        await _set_other_chat(update, context, context.args[0], on=on)
        return
    if not _may_manage(update, context, chat):
        await message.reply_text(context.tr.t("digest.admins_only"))
        return
    await _apply(context, chat, on=on, by=context.principal.user_id)
    if chat.type == Chat.PRIVATE:
        await settings_screen(update, context)


async def _apply(context: RounaqContext, chat: Chat, *, on: bool, by: int) -> None:
    service, tr = context.services.digest, context.tr
    time_text = context.fmt.digits(service.default_time)
    if on:
        language = None if chat.type == Chat.PRIVATE else context.settings.default_language
        created = await service.subscribe(chat.id, _kind(chat), by=by, language=language)
        sub = await service.subscription(chat.id)
        time_text = context.fmt.digits(service.effective_time(sub))
        if chat.type == Chat.PRIVATE:
            key = "digest.subscribed" if created else "digest.already_subscribed"
            text = tr.t(key, time=time_text)
        else:
            text = tr.t("digest.chat_subscribed", title=escape(chat.title or ""), time=time_text)
    else:
        await service.unsubscribe(chat.id, note=f"unsubscribed by {by}")
        if chat.type == Chat.PRIVATE:
            text = tr.t("digest.unsubscribed")
        else:
            text = tr.t("digest.chat_unsubscribed", title=escape(chat.title or ""))
    await context.bot.send_message(chat.id, text)


async def _set_other_chat(update: Update, context: RounaqContext, target: str, *, on: bool) -> None:
    message = update.effective_message
    assert message is not None
    if not context.principal.can(Permission.MANAGE_CHAT_DIGESTS):
        await message.reply_text(context.tr.t("digest.admins_only"))
        return
    if not target.lstrip("-").isdigit():
        await message.reply_text(context.tr.t("digest.chat_not_found"))
        return
    try:
        other = await context.bot.get_chat(int(target))
    except TelegramError:
        await message.reply_text(context.tr.t("digest.chat_not_found"))
        return
    if other.type == Chat.PRIVATE:
        await message.reply_text(context.tr.t("digest.chat_not_found"))
        return
    service, tr = context.services.digest, context.tr
    title = escape(other.title or str(other.id))
    if on:
        await service.subscribe(
            other.id,
            _kind(other),
            by=context.principal.user_id,
            language=context.settings.default_language,
        )
        sub = await service.subscription(other.id)
        text = tr.t(
            "digest.chat_subscribed",
            title=title,
            time=context.fmt.digits(service.effective_time(sub)),
        )
    else:
        await service.unsubscribe(other.id, note=f"unsubscribed by {context.principal.user_id}")
        text = tr.t("digest.chat_unsubscribed", title=title)
    await message.reply_text(text)


async def send_digest_now(update: Update, context: RounaqContext) -> None:
    """An admin sends today's digest to every subscriber now (those who have it, not again)."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    runner_of(context.application).trigger(force=True)
    await message.reply_text(context.tr.t("digest.send_started"))


# ------------------------------------------------------------------------ settings


async def _screen(
    context: RounaqContext, chat: Chat
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    service, tr, fmt = context.services.digest, context.tr, context.fmt
    sub = await service.subscription(chat.id)
    active = sub is not None and sub.active
    lines = [tr.t("digest.settings_title")]
    if active:
        current = service.effective_time(sub)
        lines.append(
            tr.t(
                "digest.settings_on",
                time=fmt.digits(current),
                next=f"{fmt.weekday(service.next_digest_at(sub))} "
                f"{fmt.datetime(service.next_digest_at(sub))}",
            )
        )
        lines.append(tr.t("digest.settings_hint"))
    else:
        lines.append(tr.t("digest.settings_off"))
    buttons: list[list[InlineKeyboardButton]] = []
    if active and sub is not None:
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
        buttons += rows(times, TIMES_PER_ROW)
        recipient = _recipient(context, chat, sub)
        for provider in service.registry.for_principal(recipient.principal):
            key = (
                "digest.btn_section_off"
                if provider.key in sub.muted_sections
                else ("digest.btn_section_on")
            )
            buttons.append(
                [
                    InlineKeyboardButton(
                        tr.t(key, name=tr.t(provider.title_key)),
                        callback_data=ToggleSection(provider.key).pack(),
                    )
                ]
            )
    toggle = ("digest.btn_off", TurnOff()) if active else ("digest.btn_on", TurnOn())
    buttons.append([InlineKeyboardButton(tr.t(toggle[0]), callback_data=toggle[1].pack())])
    return "\n".join(lines), buttons


async def settings_screen(update: Update, context: RounaqContext) -> None:
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if not _may_manage(update, context, chat):
        await message.reply_text(context.tr.t("digest.admins_only"))
        return
    text, buttons = await _screen(context, chat)
    await context.bot.send_message(chat.id, text, reply_markup=keyboard(*buttons))


D = TypeVar("D", bound=CallbackData)
Setting = Callable[[RounaqContext, Chat, SubscriptionDTO | None, D], Coroutine[Any, Any, None]]


def _setting(change: Setting[D]) -> Any:
    """A settings button: whoever may manage this chat's digest changes one thing, and the
    screen is redrawn. Forged or stale data (a time or section that does not exist, a
    subscription no longer active) is refused and changes nothing."""

    async def run(update: Update, context: RounaqContext, query: CallbackQuery, data: D) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if not _may_manage(update, context, chat):
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
    language = None if chat.type == Chat.PRIVATE else context.settings.default_language
    await context.services.digest.subscribe(
        chat.id, _kind(chat), by=context.principal.user_id, language=language
    )


async def turn_off(
    context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None, _: TurnOff
) -> None:
    note = f"unsubscribed by {context.principal.user_id}"
    await context.services.digest.unsubscribe(chat.id, note=note)


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


# ---------------------------------------------------------------------- schedule


async def _scheduled_run(context: RounaqContext) -> None:
    runner_of(context.application).trigger()


async def _on_start(application: RounaqApp) -> None:
    """Create the runner, then catch up: if today's digest time passed while the bot was
    down, the due rows are created now and sent; rows already sent are not sent again."""
    runtime = runtime_of(application)
    service: DigestService = runtime.services.digest
    runner = DigestRunner(application.bot, service, runtime.settings)
    runtime.digest_runner = runner
    # Awaited here, before updates flow, so the catch-up's recipients are fixed at start.
    if await service.prepare() is not None:
        runner.trigger()


async def _on_stop(application: RounaqApp) -> None:
    runner = runtime_of(application).digest_runner
    if runner is not None:
        await runner.stop()


def schedule_jobs(application: RounaqApp, settings: Settings) -> None:
    """One daily job per time a subscriber may choose, in the province's zone; each run
    sends to those whose time has come and who have no delivery row today."""
    job_queue = application.job_queue
    if job_queue is None:
        log.warning("no JobQueue (python-telegram-bot[job-queue]): the digest is manual only")
        return
    for slot in schedule.time_slots(settings.digest_time):
        at = schedule.parse_hhmm(slot).replace(tzinfo=settings.tz)
        job_queue.run_daily(_scheduled_run, time=at, name=f"digest {slot}")


COMMANDS = [
    command("digest", digest_preview),
    command("subscribe", subscribe),
    command("unsubscribe", unsubscribe),
    command("digest_settings", settings_screen),
    command("senddigest", send_digest_now, needs=Permission.BROADCAST),
]
SETTINGS_BUTTONS: list[tuple[type[Any], Setting[Any]]] = [
    (TurnOn, turn_on),
    (TurnOff, turn_off),
    (PickTime, pick_time),
    (ToggleSection, toggle_section),
]


def register(application: RounaqApp) -> None:
    runtime = runtime_of(application)
    for item in COMMANDS:
        application.add_handler(item.handler())
    # Who may change a chat's digest depends on the chat (_may_manage), checked in _setting.
    for kind, change in SETTINGS_BUTTONS:
        application.add_handler(button(kind, _setting(change)))
    runtime.start_hooks.append(_on_start)
    runtime.stop_hooks.append(_on_stop)
    schedule_jobs(application, runtime.settings)
