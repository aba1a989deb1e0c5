"""Typed callback data: one small frozen dataclass per button kind (like aiogram's
CallbackData). The wire format is the prefix and the fields joined by ":", the same
strings the bot sent before the classes existed, so buttons in old messages keep working.

    class ExportButton(CallbackData, prefix="ex"):
        what: str
        fmt: str

A subclass is made a frozen dataclass by the declaration itself (no decorator to repeat on
every kind). A subclass without a prefix is a shared shape, not a kind: kinds that carry
the same fields derive from it (`class OpenButton(ReportButton, prefix="my:o"): ...`).

`ExportButton("loans", "csv").pack() == "ex:loans:csv"`; `ExportButton.unpack(data)` gives
the instance back, or None for data of another kind, a wrong arity, a non-number where a
number belongs, or values `valid()` refuses (forged or stale buttons).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any, ClassVar, Self, dataclass_transform

MAX_CALLBACK_BYTES = 64
_MAX_INT_DIGITS = 18  # an id, a page: never a number Python would take seconds to parse
# Text fields are short ASCII words (a role, a view, a section's key): nothing else is sent.
_WORD = re.compile(r"[A-Za-z0-9_.\-]+")


_FIELD_TYPES: dict[type, list[tuple[str, type]]] = {}


@dataclass_transform(frozen_default=True)
class CallbackData:
    prefix: ClassVar[str]
    # A constant after the fields, e.g. `wf:<action>:<report>:c` for a button on a card.
    suffix: ClassVar[str] = ""
    _kinds: ClassVar[dict[tuple[str, str], type[CallbackData]]] = {}

    def __init_subclass__(
        cls, *, prefix: str | None = None, suffix: str = "", **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None and "prefix" in cls.__dict__:
            # A kind rebuilt by @dataclass(slots=True), the older way to declare one.
            CallbackData._kinds[(cls.prefix, cls.suffix)] = cls
            return
        # In place (no slots): the class keeps its identity for the registry below.
        dataclasses.dataclass(frozen=True)(cls)
        # Immutability is CallbackData's own (below), so that a kind still decorated the
        # older way is made a dataclass again without a clash.
        delattr(cls, "__setattr__")
        delattr(cls, "__delattr__")
        if prefix is None:
            return  # a shared shape: its subclasses are the kinds
        if (prefix, suffix) in CallbackData._kinds:
            raise ValueError(f"callback prefix {prefix!r} is declared twice")
        cls.prefix, cls.suffix = prefix, suffix
        CallbackData._kinds[(prefix, suffix)] = cls

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    @classmethod
    def kinds(cls) -> list[type[CallbackData]]:
        """Every declared kind (the round-trip test walks them)."""
        return list(CallbackData._kinds.values())

    @classmethod
    def _types(cls) -> list[tuple[str, type]]:
        # Resolved once per kind: a keyboard packs dozens of buttons.
        cached = _FIELD_TYPES.get(cls)
        if cached is None:
            hints = typing.get_type_hints(cls)
            fields = dataclasses.fields(cls)  # type: ignore[arg-type]
            cached = _FIELD_TYPES[cls] = [(f.name, hints[f.name]) for f in fields]
        return cached

    def valid(self) -> bool:
        """Refuse values the fields' types allow but the feature does not (override)."""
        return True

    def pack(self) -> str:
        values = [getattr(self, name) for name, _ in self._types()]
        for value in values:
            if isinstance(value, str) and not _WORD.fullmatch(value):
                raise ValueError(f"a callback text field is an ASCII word, not {value!r}")
        data = ":".join(
            [self.prefix, *(str(v) for v in values)] + ([self.suffix] * bool(self.suffix))
        )
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
            return None
        head = cls.prefix + ":"
        if data == cls.prefix:
            raw: list[str] = []
        elif data.startswith(head):
            raw = data[len(head) :].split(":")
        else:
            return None
        if cls.suffix:
            if not raw or raw[-1] != cls.suffix:
                return None
            raw = raw[:-1]
        types = cls._types()
        if len(raw) != len(types):
            return None
        values: list[object] = []
        for text, (_, kind) in zip(raw, types, strict=True):
            if kind is int:
                if not (text.isascii() and text.isdigit() and len(text) <= _MAX_INT_DIGITS):
                    return None
                values.append(int(text))
            elif kind is str:
                if not _WORD.fullmatch(text):
                    return None
                values.append(text)
            else:  # pragma: no cover - a declaration error, caught by the round-trip test
                raise TypeError(f"{cls.__name__}: callback fields are int or str, not {kind}")
        item = cls(*values)
        return item if item.valid() else None

    @classmethod
    def pattern(cls) -> str:
        """A CallbackQueryHandler pattern for this kind only (kinds sharing a prefix, `ib`
        and `ib:c`, do not take each other's presses); unpack still decides."""
        fields = "".join(
            ":[0-9]+" if kind is int else f":{_WORD.pattern}" for _, kind in cls._types()
        )
        suffix = f":{re.escape(cls.suffix)}" if cls.suffix else ""
        return rf"^{re.escape(cls.prefix)}{fields}{suffix}$"
