"""Sliding-window flood control modelled on Telegram's documented limits.

Telegram does not publish exact numbers; these defaults follow its FAQ (about 30 messages
per second overall, 20 per minute to one group) plus a small burst allowance for a single
private chat, so a bot without its own limiter gets 429s in tests as it would in production.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    per_bot_per_second: int = 30
    group_per_minute: int = 20
    private_burst: int = 5
    private_window: float = 1.0


DEFAULT_RATE_LIMITS = RateLimits()


class _Window:
    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> float | None:
        """Seconds until a slot frees up, or None if there is room now."""
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return None
        return self.stamps[0] + self.seconds - now


class RateLimiter:
    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._global = _Window(limits.per_bot_per_second, 1.0)
        self._chats: dict[int, _Window] = {}

    def _chat_window(self, chat_id: int, chat_type: str) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_type == "private":
                window = _Window(self.limits.private_burst, self.limits.private_window)
            else:
                window = _Window(self.limits.group_per_minute, 60.0)
            self._chats[chat_id] = window
        return window

    def acquire(self, chat_id: int, chat_type: str) -> int | None:
        """Record one message; return ``retry_after`` seconds instead if over a limit.

        Rejected attempts are not recorded, matching Telegram where a 429 costs nothing.
        """
        now = self._clock()
        windows = (self._global, self._chat_window(chat_id, chat_type))
        waits = [w for w in (win.retry_after(now) for win in windows) if w is not None]
        if waits:
            return max(1, math.ceil(max(waits)))
        for window in windows:
            window.stamps.append(now)
        return None

    def fill(self, chat_id: int, chat_type: str) -> None:
        """Use up one chat's allowance now (the bot-wide window is left as it is)."""
        now = self._clock()
        window = self._chat_window(chat_id, chat_type)
        while window.retry_after(now) is None:
            window.stamps.append(now)
