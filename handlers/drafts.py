"""The flows' half-made work in user_data, declared by each flow where it is defined.

A flow declares its draft at import (`DRAFT = drafts.Draft("report_draft")`, or
`KEY = drafts.register("pending_input")` for a key it manages itself); /cancel drops
every registered key at once, so two flows open are both ended; the error handler names
the open flows in its log, and the fallback tells a stray message that it does not fit
the step. Nothing is listed by hand elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol

# user_data key -> how the open flow is named in the log and the admins' notice.
_NAMES: dict[str, Callable[[Any], str]] = {}


def register(key: str, name: str | Callable[[Any], str] | None = None) -> str:
    """Declare `key` a draft; returns it, so the flow's constant is the declaration.
    `name` names the flow (default: the key without "_draft"), or derives it from the
    value held (a prompt names the kind of text it waits for)."""
    if callable(name):
        _NAMES[key] = name
    else:
        fixed = name or key.removesuffix("_draft")
        _NAMES[key] = lambda _value: fixed
    return key


def keys() -> tuple[str, ...]:
    return tuple(_NAMES)


def open_flows(user_data: Mapping[str, Any] | None) -> list[str]:
    if not user_data:
        return []
    return [describe(user_data[key]) for key, describe in _NAMES.items() if key in user_data]


def any_open(user_data: Mapping[str, Any] | None) -> bool:
    return bool(user_data) and any(key in user_data for key in _NAMES)  # type: ignore[operator]


def drop_all(user_data: MutableMapping[str, Any] | None) -> None:
    if user_data is not None:
        for key in _NAMES:
            user_data.pop(key, None)


class HasUserData(Protocol):
    @property
    def user_data(self) -> MutableMapping[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Draft:
    """A flow's draft (a dict in user_data), registered with /cancel by being declared:
    `DRAFT = drafts.Draft("report_draft")`. Its methods take the handler's context."""

    key: str

    def __post_init__(self) -> None:
        register(self.key)

    def of(self, context: HasUserData) -> dict[str, Any]:
        """The draft, begun empty when there is none."""
        assert context.user_data is not None
        draft = context.user_data.setdefault(self.key, {})
        assert isinstance(draft, dict)
        return draft

    def held(self, context: HasUserData) -> dict[str, Any] | None:
        """The draft if one is open, without beginning one."""
        draft = context.user_data.get(self.key) if context.user_data is not None else None
        return draft if isinstance(draft, dict) else None

    def begin(self, context: HasUserData, **values: Any) -> dict[str, Any]:
        """A new draft (replacing any earlier one), holding `values`."""
        assert context.user_data is not None
        draft = context.user_data[self.key] = dict(values)
        return draft

    def drop(self, context: HasUserData) -> None:
        """The draft thrown away: the flow ended, or what it held no longer holds."""
        if context.user_data is not None:
            context.user_data.pop(self.key, None)
