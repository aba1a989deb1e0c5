"""Checking a JSON answer against the OpenAPI document's schemas (the subset it uses).

Small on purpose: type, enum, pattern, format date-time, nullable, properties, required,
additionalProperties false, items, minItems/maxItems and $ref. A keyword the document uses
and this checker does not know fails the test instead of passing silently.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

KNOWN = {
    "type",
    "enum",
    "pattern",
    "format",
    "nullable",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "$ref",
    "description",
}
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def problems(
    value: Any, schema: dict[str, Any], document: dict[str, Any], at: str = "$"
) -> list[str]:
    unknown = set(schema) - KNOWN
    if unknown:
        return [f"{at}: the checker does not know {sorted(unknown)}"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return problems(value, document["components"]["schemas"][name], document, at)
    if value is None:
        return [] if schema.get("nullable") else [f"{at}: null"]
    kind = schema.get("type")
    if kind is not None:
        if kind in {"integer", "number"} and isinstance(value, bool):
            return [f"{at}: a boolean, not a {kind}"]
        if not isinstance(value, TYPES[kind]):
            return [f"{at}: {type(value).__name__}, not {kind}"]
    found: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if schema.get("format") == "date-time":
        try:
            if datetime.fromisoformat(value).tzinfo is None:
                found.append(f"{at}: {value!r} has no offset")
        except ValueError:
            found.append(f"{at}: {value!r} is not a date-time")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{at}: {name} is missing")
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], document, f"{at}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}: {name} is not in the schema")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{at}: fewer than {schema['minItems']} items")
        if len(value) > schema.get("maxItems", len(value)):
            found.append(f"{at}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                found += problems(item, schema["items"], document, f"{at}[{i}]")
    return found


def response_schema(
    document: dict[str, Any], path: str, method: str, status: int
) -> dict[str, Any] | None:
    """The documented schema of this answer; None if the status is not documented."""
    responses = document["paths"][path][method]["responses"]
    answer = responses.get(str(status))
    if answer is None:
        return None
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema
