"""The OpenAPI 3 document of what bot.api.server serves; the API tests check answers against it."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def _closed(properties: JSON, *, optional: tuple[str, ...] = ()) -> JSON:
    """An object with exactly these properties, every one required but the optional ones."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }


def _list(items: JSON, **bounds: int) -> JSON:
    return {"type": "array", **{f"{k}Items": v for k, v in bounds.items()}, "items": items}


_STRING: JSON = {"type": "string"}
_DATETIME = {"type": "string", "format": "date-time"}
_ERROR = _list(_closed({"code": {"type": "integer"}, "description": _STRING}), min=1)
_REQUEST = _closed(
    {
        "service_request_id": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{4,8}$"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": _STRING,
        "service_name": _STRING,
        "service_code": _STRING,
        "agency_responsible": _STRING,
        "requested_datetime": _DATETIME,
        "updated_datetime": _DATETIME,
        "expected_datetime": {**_DATETIME, "nullable": True},
        "address": {"type": "string", "description": "The county"},
    }
)
_SERVICE = _closed(
    {
        "service_code": _STRING,
        "service_name": _STRING,
        "description": _STRING,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": _STRING,
        "group": _STRING,
    }
)
_DATATYPES = ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
_ATTRIBUTE = _closed(
    {
        "variable": {"type": "boolean"},
        "code": _STRING,
        "datatype": {"type": "string", "enum": _DATATYPES},
        "required": {"type": "boolean"},
        "datatype_description": _STRING,
        "order": {"type": "integer"},
        "description": _STRING,
        "values": _list(_closed({"key": _STRING, "name": _STRING})),
    },
    optional=("values",),
)
_DEFINITION = _closed({"service_code": _STRING, "attributes": _list(_ATTRIBUTE)})
_FILED = _list(
    _closed(
        {
            "service_request_id": _STRING,
            "token": _STRING,
            "service_notice": _STRING,
            "account_id": {"type": "string", "nullable": True},
        }
    ),
    min=1,
    max=1,
)
_TOKEN = _list(_closed({"service_request_id": _STRING, "token": _STRING}))
_ENDPOINT = _closed(
    {
        "specification": _STRING,
        "url": _STRING,
        "changeset": _DATETIME,
        "type": _STRING,
        "formats": _list(_STRING),
    }
)
_DISCOVERY = _closed(
    {
        "changeset": _DATETIME,
        "contact": _STRING,
        "key_service": _STRING,
        "endpoints": _list(_ENDPOINT),
    }
)


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> JSON:
    return {str(code): _json(_ref("Errors"), "An error") for code in codes}


def _path(name: str, description: str) -> JSON:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


def _query(name: str, description: str, schema: JSON | None = None) -> JSON:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema or {"type": "string"},
        "description": description,
    }


_LANG = _query("lang", "fa or en; else Accept-Language; else the bot's default language")


def _get(operation_id: str, parameters: list[JSON] | None, ok: JSON, *errors: int) -> JSON:
    """A GET operation: its parameters (none for None), the 200 answer and its error codes."""
    operation: JSON = {"operationId": operation_id}
    if parameters is not None:
        operation["parameters"] = parameters
    operation["responses"] = {"200": ok, **_errors(*errors)}
    return {"get": operation}


def _described(description: str) -> JSON:
    return {"type": "string", "description": description}


_REQUESTS_QUERY = [
    _query("service_request_id", "Tracking numbers, comma-separated"),
    _query("service_code", "Category codes, comma-separated"),
    _query("status", "open, closed or both, comma-separated"),
    _query("start_date", "ISO 8601; without an offset, Tehran time"),
    _query("end_date", "ISO 8601; without an offset, Tehran time"),
    _query("page", "From 1", {"type": "string"}),
    _query("page_size", "1 to 200 (50)", {"type": "string"}),
    _LANG,
]

_FILING_FORM: JSON = {
    "type": "object",
    "required": ["api_key", "service_code", "description", "phone", "attribute[unit]"],
    "properties": {
        "api_key": {"type": "string"},
        "service_code": {"type": "string"},
        "description": {"type": "string"},
        "phone": _described("The unit's registered phone"),
        "attribute[unit]": _described("The unit's number"),
        "attribute[amount]": _described("Rials, for financial categories"),
        "attribute[sector]": {"type": "string"},
        "token": _described("The channel's idempotency token"),
        "lat": _described("WGS-84 degrees, with long (checked, not stored)"),
        "long": _described("WGS-84 degrees, with lat (checked, not stored)"),
    },
}

_CREATE_REQUEST: JSON = {
    "operationId": "createRequest",
    "parameters": [_LANG],
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": _FILING_FORM}},
    },
    "responses": {
        "201": _json(_ref("Filed"), "Filed"),
        "200": _json(
            _ref("Filed"),
            "Filed before with this token, or without one: the same unit, category and"
            " words within a day",
        ),
        **_errors(400, 403, 413, 415, 429),
    },
}


def _paths() -> JSON:
    one_request = _list(_ref("ServiceRequest"), min=1, max=1)
    return {
        "/openapi.json": _get("openapi", None, _json({"type": "object"}, "This document")),
        "/discovery.json": _get("discovery", [_LANG], _json(_ref("Discovery"), "Endpoints")),
        "/services.json": _get(
            "services", [_LANG], _json(_list(_ref("Service")), "Obstacle categories")
        ),
        "/services/{service_code}.json": _get(
            "serviceDefinition",
            [_path("service_code", "A category's code"), _LANG],
            _json(_ref("ServiceDefinition"), "Extra attributes"),
            404,
        ),
        "/requests.json": {
            **_get(
                "requests", _REQUESTS_QUERY, _json(_list(_ref("ServiceRequest")), "Reports"), 400
            ),
            "post": _CREATE_REQUEST,
        },
        "/requests/{service_request_id}.json": _get(
            "request",
            [_path("service_request_id", "A tracking number"), _LANG],
            _json(one_request, "The report"),
            404,
        ),
        "/tokens/{token}.json": _get(
            "token",
            [_path("token", "A channel's token"), _LANG],
            _json(_ref("Tokens"), "The report filed with it"),
            404,
        ),
    }


def openapi_document() -> JSON:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Rounaq Open311 GeoReport v2",
            "version": "2.0.0",
            "description": "Obstacle reports of production units as GeoReport v2 service "
            "requests. Public fields only.",
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": _paths(),
        "components": {
            "schemas": {
                "Errors": _ERROR,
                "Discovery": _DISCOVERY,
                "Service": _SERVICE,
                "ServiceDefinition": _DEFINITION,
                "ServiceRequest": _REQUEST,
                "Filed": _FILED,
                "Tokens": _TOKEN,
            }
        },
    }
