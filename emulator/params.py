"""Typed access to Bot API parameters, whatever encoding the client used.

Form and multipart bodies carry every value as a string (complex ones JSON-encoded);
JSON bodies carry native types. Both must read the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.values or name in self.files

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def req_str(self, name: str, missing: str | None = None) -> str:
        value = self.get_str(name)
        if value is None or value == "":
            raise bad_request(missing or f"{name} is empty")
        return value

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def req_int(self, name: str, missing: str | None = None) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(missing or f"{name} is empty")
        return value

    def get_float(self, name: str, default: float = 0.0) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def get_json(self, name: str, what: str | None = None) -> Any:
        """A JSON-typed parameter; strings are decoded, native values pass through."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def get_file(self, name: str) -> UploadedFile | None:
        return self.files.get(name)
