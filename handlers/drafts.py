"""The flows' half-made work in user_data, declared by each flow where it is defined.

A flow declares its draft, a dataclass, at import
(`DRAFT = drafts.Draft("report_draft", ReportFields)`, or
`KEY = drafts.register("pending_input")` for a key it manages itself); /cancel
(flow.cancel_all) ends every conversation open and drops every registered key; the error
handler names the open flows in its log, and the fallback tells a stray message that it
does not fit the step. Nothing is listed by hand elsewhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import types
import typing
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from datetime import date
from typing import Any, Generic, Protocol, TypeVar, cast

log = logging.getLogger(__name__)
T = TypeVar("T")

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


class UnreadableDraftError(ValueError):
    """A stored draft that does not fit its flow's dataclass (a value of the wrong type, a
    field without a default missing)."""


class Draft(Generic[T]):
    """A flow's draft: a dataclass of its fields (defaulted where the flow fills them step
    by step), kept in user_data as a plain JSON dict (bot/persistence.py stores
    user_data as JSON). Declaring it registers it with /cancel:
    `DRAFT = drafts.Draft("report_draft", ReportFields)`.

    A dict stored by an older version of the bot still loads: keys the dataclass no
    longer has are ignored, keys it lacks take their defaults (and the flow's own check for
    what its earlier steps stored sends the polite restart). A value of the wrong type, or
    a field without a default missing, cannot be trusted: that draft is dropped, read as
    no draft at all, and logged.
    """

    __slots__ = ("key", "shape")

    def __init__(self, key: str, shape: type[T], name: str | None = None) -> None:
        assert dataclasses.is_dataclass(shape), shape
        self.key = register(key, name)
        self.shape = shape

    def held(self, context: HasUserData) -> T | None:
        """The draft if one is open (and readable), without beginning one."""
        return self.held_in(context.user_data)

    def held_in(self, user_data: Mapping[str, Any] | None) -> T | None:
        """`held`, read from a person's user_data itself (a filter has no context)."""
        if user_data is None or self.key not in user_data:
            return None
        try:
            return load(self.shape, user_data[self.key])
        except UnreadableDraftError as error:
            log.warning("draft %s dropped, unreadable after an upgrade: %s", self.key, error)
            if isinstance(user_data, MutableMapping):
                user_data.pop(self.key, None)
            return None

    def of(self, context: HasUserData) -> T:
        """The draft, all defaults when none is open (nothing is stored until `put`). For
        a flow whose fields all have defaults; one begun whole reads `held`."""
        held = self.held(context)
        return self.shape() if held is None else held

    def put(self, context: HasUserData, draft: T) -> T:
        """Keep `draft` (beginning the flow's draft, or saving a step's answer)."""
        assert context.user_data is not None
        context.user_data[self.key] = dump(draft)
        return draft

    @contextlib.contextmanager
    def edit(self, context: HasUserData) -> Iterator[T]:
        """`with DRAFT.edit(context) as draft: draft.name = name`: the draft read (begun
        with defaults when none is open) and kept again when the block ends."""
        draft = self.of(context)
        yield draft
        self.put(context, draft)

    def drop(self, context: HasUserData) -> None:
        """The draft thrown away: the flow ended, or what it held no longer holds."""
        if context.user_data is not None:
            context.user_data.pop(self.key, None)


def dump(value: Any) -> Any:
    """A draft (or a value in it) as plain JSON: dataclasses as dicts, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [dump(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def load(shape: type[T], stored: object) -> T:
    """`stored` (a dict from user_data) read as the dataclass `shape`; see `Draft`."""
    return cast(T, _read(shape, stored, shape.__name__))


def _read(hint: Any, value: object, where: str) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise UnreadableDraftError(f"{where}: {type(value).__name__}, not a dict")
        make: Callable[..., Any] = hint
        hints, known = _shape(hint)
        fields = {
            name: _read(hints[name], item, f"{where}.{name}")
            for name, item in value.items()
            if name in known
        }
        try:
            return make(**fields)
        except TypeError as error:  # a field without a default is missing
            raise UnreadableDraftError(f"{where}: {error}") from error
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        for arm in args:
            try:
                return _read(arm, value, where)
            except UnreadableDraftError:
                continue
        raise UnreadableDraftError(f"{where}: {value!r} is not {hint}")
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise UnreadableDraftError(f"{where}: {type(value).__name__}, not a list")
        items = [_read(args[0], item, f"{where}[]") for item in value]
        return items if origin is list else tuple(items)
    if hint is type(None):
        if value is not None:
            raise UnreadableDraftError(f"{where}: {value!r}, not null")
        return None
    if hint is date:
        try:
            return date.fromisoformat(value) if isinstance(value, str) else _wrong(where, value)
        except ValueError as error:
            raise UnreadableDraftError(f"{where}: {error}") from error
    if hint is Any:
        return value
    # bool is an int to isinstance, but never stands for a number in a draft.
    if isinstance(value, hint) and not (isinstance(value, bool) and hint is not bool):
        return value
    return _wrong(where, value)


@functools.cache
def _shape(dataclass: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A draft class's resolved field types and its init fields, worked out once: resolving
    the string annotations (`from __future__ import annotations`) on every read cost more
    than the rest of reading a draft."""
    hints = typing.get_type_hints(dataclass)
    return hints, frozenset(f.name for f in dataclasses.fields(dataclass) if f.init)


def _wrong(where: str, value: object) -> Any:
    raise UnreadableDraftError(f"{where}: {value!r} of the wrong type")
