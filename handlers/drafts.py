"""The flows' half-made work in user_data, declared by each flow where it is defined.

A flow registers its user_data key at import (`KEY = drafts.register("report_draft")`);
/cancel drops every registered key at once, so two flows open are both ended; the error
handler names the open flows in its log, and the fallback tells a stray message that it
does not fit the step. Nothing is listed by hand elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

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


def of(user_data: MutableMapping[str, Any] | None, key: str) -> dict[str, Any]:
    """The flow's draft under `key`, begun empty when there is none."""
    assert user_data is not None
    draft = user_data.setdefault(key, {})
    assert isinstance(draft, dict)
    return draft


def begin(user_data: MutableMapping[str, Any] | None, key: str, **values: Any) -> dict[str, Any]:
    """A new draft under `key` (replacing any earlier one), holding `values`."""
    assert user_data is not None
    draft = user_data[key] = dict(values)
    return draft


def drop(user_data: MutableMapping[str, Any] | None, key: str) -> None:
    """The flow's draft thrown away: it ended, or what it held no longer holds."""
    if user_data is not None:
        user_data.pop(key, None)
