"""Which kind of chat a digest command is about, who may change its digest, and turning
a chat's digest on or off."""

from __future__ import annotations

from telegram import Chat, ChatFullInfo, Update

from bot.access import can_manage_digest
from bot.context import RounaqContext
from bot.digest.content import Recipient
from bot.views.digest import switched
from storage.dto_digest import SubscriptionDTO
from storage.models_digest import ChatKind


def kind_of(chat: Chat | ChatFullInfo) -> ChatKind:
    if chat.type == Chat.PRIVATE:
        return ChatKind.USER
    return ChatKind.CHANNEL if chat.type == Chat.CHANNEL else ChatKind.GROUP


def may_manage(update: Update, context: RounaqContext, chat: Chat | ChatFullInfo) -> bool:
    """A private chat is its user's own; a group's digest is managed by the bot's admins.
    A channel post has no sender to check: channels are signed up from an admin's chat."""
    if update.effective_user is None:
        return False
    return can_manage_digest(context.principal, private_chat=chat.type == Chat.PRIVATE)


def recipient(context: RounaqContext, chat: Chat, sub: SubscriptionDTO | None) -> Recipient:
    service = context.services.digest
    muted = sub.muted_sections if sub else frozenset()
    if chat.type == Chat.PRIVATE:
        return service.recipient(chat.id, ChatKind.USER, context.principal, context.lang, muted)
    language = sub.language if sub else None
    chat_principal = service.chat_principal(chat.id)
    return service.recipient(chat.id, kind_of(chat), chat_principal, language, muted)


async def subscribe(context: RounaqContext, chat: Chat | ChatFullInfo) -> bool:
    """Turn the chat's digest on; a group or channel gets the bot's default language (a
    user's follows their own). True when the subscription is new."""
    language = None if chat.type == Chat.PRIVATE else context.settings.default_language
    return await context.services.digest.subscribe(
        chat.id, kind_of(chat), by=context.principal.user_id, language=language
    )


async def unsubscribe(context: RounaqContext, chat_id: int) -> bool:
    """Turn the chat's digest off; True when it was on."""
    note = f"unsubscribed by {context.principal.user_id}"
    return await context.services.digest.unsubscribe(chat_id, note=note)


async def switch(
    context: RounaqContext, chat: Chat | ChatFullInfo, *, on: bool, title: str | None
) -> str:
    """Turn the digest on or off; what to tell (`title` None: the user's own chat)."""
    service = context.services.digest
    # `created`: the switch changed something (on from off, or off from on).
    created = await subscribe(context, chat) if on else await unsubscribe(context, chat.id)
    time = service.effective_time(await service.subscription(chat.id)) if on else ""
    return switched(context.tr, context.fmt, on=on, title=title, time=time, created=created)
