"""Which private messages a flow waits for, judged from the sender's user_data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Message
from telegram.ext import filters

from bot.context import RounaqApp


class Awaited(filters.MessageFilter):
    """A private message from a user whose user_data says the bot waits for it; each flow
    says how in `awaits` (a pending prompt, a step's buttons, the edited minutes)."""

    def __init__(self, application: RounaqApp, name: str | None = None) -> None:
        super().__init__(name=name or type(self).__name__.lstrip("_"))
        self._application = application

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or message.chat.type != message.chat.PRIVATE:
            return False
        return self.awaits(self._application.user_data.get(user.id) or {}, message)

    def awaits(self, user_data: Mapping[str, Any], message: Message) -> bool:
        raise NotImplementedError
