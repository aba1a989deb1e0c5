"""Injected failures and delays, so tests can exercise a bot's retry and timeout paths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from .errors import ApiError, too_many_requests

ANY_METHOD = "*"


@dataclass
class Fault:
    """One rule; ``method`` is lower-case or ``"*"``. Ends after ``times`` hits or at ``until``.
    With ``chat_id``, only calls addressed to that chat match."""

    method: str
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int | None = None
    until: float | None = None
    chat_id: int | None = None

    def active(self, now: float) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        return self.until is None or now < self.until

    def error(self) -> ApiError:
        if self.status == 429:
            return too_many_requests(self.retry_after or 1)
        description = self.description
        if description is None:
            try:
                description = HTTPStatus(self.status).phrase
            except ValueError:
                description = "Unknown error"
        return ApiError(self.status, description, self.retry_after)


class FaultPlan:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.failures: list[Fault] = []
        self.delays: list[Fault] = []

    def add(self, fault: Fault, *, delay: bool) -> Fault:
        (self.delays if delay else self.failures).append(fault)
        return fault

    def clear(self) -> None:
        self.failures.clear()
        self.delays.clear()

    def _take(self, rules: list[Fault], method: str, chat_id: str | None) -> Fault | None:
        now = self._clock()
        rules[:] = [rule for rule in rules if rule.active(now)]
        for rule in rules:
            if rule.chat_id is not None and str(rule.chat_id) != chat_id:
                continue
            if rule.method in (method.lower(), ANY_METHOD):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def failure_for(self, method: str, chat_id: str | None = None) -> ApiError | None:
        rule = self._take(self.failures, method, chat_id)
        return rule.error() if rule else None

    def delay_for(self, method: str, chat_id: str | None = None) -> float:
        rule = self._take(self.delays, method, chat_id)
        return rule.delay if rule else 0.0
