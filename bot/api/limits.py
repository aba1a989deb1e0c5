"""Per-key request rate: a sliding minute kept in memory (one process serves the API)."""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from bot.clock import Clock

MINUTE = timedelta(minutes=1)


class MinuteLimiter:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._seen: dict[int, deque[datetime]] = {}

    def check(self, key_id: int, per_minute: int) -> int | None:
        """Count one request; None if allowed, else the seconds until one is (Retry-After)."""
        now = self._clock.now()
        seen = self._seen.setdefault(key_id, deque())
        while seen and now - seen[0] >= MINUTE:
            seen.popleft()
        if len(seen) >= per_minute:
            return max(1, math.ceil((seen[0] + MINUTE - now).total_seconds()))
        seen.append(now)
        return None
