"""Everything the fake Telegram server remembers, shared by the Bot API and test sides."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .faults import FaultPlan
from .files import FileStore
from .models import (
    JSON,
    CallbackAnswer,
    CallbackQuery,
    Chat,
    ChatEvent,
    SentMessage,
    Stats,
    User,
)
from .pulse import Pulse
from .ratelimit import RateLimiter, RateLimits

# Telegram's default when allowed_updates is empty: everything but these three.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
FIRST_UPDATE_ID = 100_000_001


class EmulatorState:
    def __init__(
        self,
        token: str,
        bot: User,
        rate_limits: RateLimits | None,
        clock: Callable[[], float],
    ) -> None:
        self.token = token
        self.bot = bot
        self.clock = clock
        self.limiter = RateLimiter(rate_limits, clock) if rate_limits else None
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.stats = Stats()
        self.faults = FaultPlan(clock)
        self.updates: list[JSON] = []
        # Every update ever queued, by id, and copies queued again by the test side
        # (Telegram's at-least-once delivery): served once each, whatever the offset.
        self.history: dict[int, JSON] = {}
        self.redeliveries: list[JSON] = []
        # Plain counters, so a saved emulator (emulator/persist.py) continues them.
        self.next_update_id = FIRST_UPDATE_ID
        self.next_query_id = 4_200_000_000_000_000_001
        self.allowed_updates: list[str] = []
        self.webhook_url: str | None = None
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.answers: dict[int, list[CallbackAnswer]] = {}
        self.default_menu_button: JSON = {"type": "commands"}
        self.closing = False
        # Fired on any new update or bot-side change; long polls and waiters re-check.
        self.pulse = Pulse()

    @staticmethod
    def now() -> int:
        """Message dates are wall-clock Unix time, as Telegram sends them."""
        return int(time.time())

    # --- updates ---------------------------------------------------------------------

    def is_allowed(self, update_type: str) -> bool:
        if self.allowed_updates:
            return update_type in self.allowed_updates
        return update_type not in _NOT_BY_DEFAULT

    def push_update(self, update_type: str, payload: JSON) -> JSON | None:
        """Queue an update unless allowed_updates filters it out (Telegram drops those)."""
        if not self.is_allowed(update_type):
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        update = {"update_id": update_id, update_type: payload}
        self.updates.append(update)
        self.history[update_id] = update
        self.pulse.fire()
        return update

    def new_query_id(self) -> str:
        query_id = self.next_query_id
        self.next_query_id += 1
        return str(query_id)

    # --- messages --------------------------------------------------------------------

    def add_message(
        self, chat: Chat, *, from_bot: bool, sender: User, **fields: Any
    ) -> SentMessage:
        message = SentMessage(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            date=self.now(),
            from_bot=from_bot,
            sender=sender.to_json(),
            chat_json=chat.to_json(),
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self.record_event(chat, "new", message)
        return message

    def record_event(self, chat: Chat, kind: Any, message: SentMessage) -> None:
        event = ChatEvent(seq=chat.seq + 1, kind=kind, message=message)
        chat.events.append(event)
        if kind == "new":
            message.created_seq = event.seq
        message.updated_seq = event.seq
        self.pulse.fire()
