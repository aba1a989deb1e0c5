"""Per-user flood control for incoming updates: a sliding one-minute window per user.

The gate asks before doing anything that costs a database read, so a flood from one
account is dropped cheaply. Each user is warned once per flood, not on every dropped
update: the warning itself is a message, and answering a flood with a flood would help
nobody.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

from bot.clock import Clock

WINDOW_SECONDS = 60.0
# Forget users idle for a whole window once this many are tracked; bounds the memory.
_PRUNE_AT = 10_000


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: tell the user once, drop the update
    DROP = "drop"  # over the limit and already told: drop silently


class UpdateThrottle:
    """At most ``per_minute`` updates per user in any sliding 60-second window.

    ``per_minute <= 0`` disables the limit. Time comes from the injected clock, so tests
    move it instead of sleeping.
    """

    def __init__(self, per_minute: int, clock: Clock) -> None:
        self._limit = per_minute
        self._clock = clock
        self._stamps: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    @property
    def limit(self) -> int:
        return self._limit

    def check(self, user_id: int) -> Verdict:
        if self._limit <= 0:
            return Verdict.ALLOW
        now = self._clock.now().timestamp()
        stamps = self._stamps.get(user_id)
        if stamps is None:
            if len(self._stamps) >= _PRUNE_AT:
                self._prune(now)
            stamps = self._stamps[user_id] = deque()
        while stamps and stamps[0] <= now - WINDOW_SECONDS:
            stamps.popleft()
        if len(stamps) < self._limit:
            # Dropped updates are not recorded: a user who stops is let back in a minute
            # after the updates that were served, however long the flood went on.
            stamps.append(now)
            self._warned.discard(user_id)
            return Verdict.ALLOW
        if user_id in self._warned:
            return Verdict.DROP
        self._warned.add(user_id)
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        idle = [uid for uid, s in self._stamps.items() if not s or s[-1] <= now - WINDOW_SECONDS]
        for user_id in idle:
            del self._stamps[user_id]
            self._warned.discard(user_id)
