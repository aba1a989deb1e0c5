"""The OpenAPI 3 document of what bot.api.server serves; the API tests check answers against it."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

_ERROR: JSON = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
_DATETIME = {"type": "string", "format": "date-time"}
_REQUEST: JSON = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "agency_responsible",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
    ],
    "properties": {
        "service_request_id": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{4,8}$"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": {"type": "string"},
        "service_name": {"type": "string"},
        "service_code": {"type": "string"},
        "agency_responsible": {"type": "string"},
        "requested_datetime": _DATETIME,
        "updated_datetime": _DATETIME,
        "expected_datetime": {**_DATETIME, "nullable": True},
        "address": {"type": "string", "description": "The county"},
    },
}
_SERVICE: JSON = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": {"type": "string"},
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": {"type": "string"},
        "group": {"type": "string"},
    },
}
_ATTRIBUTE: JSON = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
    ],
    "properties": {
        "variable": {"type": "boolean"},
        "code": {"type": "string"},
        "datatype": {
            "type": "string",
            "enum": [
                "string",
                "number",
                "datetime",
                "text",
                "singlevaluelist",
                "multivaluelist",
            ],
        },
        "required": {"type": "boolean"},
        "datatype_description": {"type": "string"},
        "order": {"type": "integer"},
        "description": {"type": "string"},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name"],
                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
}
_DEFINITION: JSON = {
    "type": "object",
    "additionalProperties": False,
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {"type": "array", "items": _ATTRIBUTE},
    },
}
_FILED: JSON = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["service_request_id", "token", "service_notice", "account_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": {"type": "string"},
            "account_id": {"type": "string", "nullable": True},
        },
    },
}
_TOKEN: JSON = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}
_DISCOVERY: JSON = {
    "type": "object",
    "additionalProperties": False,
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": _DATETIME,
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string"},
                    "url": {"type": "string"},
                    "changeset": _DATETIME,
                    "type": {"type": "string"},
                    "formats": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> JSON:
    return {str(code): _json(_ref("Errors"), "An error") for code in codes}


_LANG: JSON = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "fa or en; else Accept-Language; else the bot's default language",
}


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
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "responses": {"200": _json({"type": "object"}, "This document")},
                }
            },
            "/discovery.json": {
                "get": {
                    "operationId": "discovery",
                    "parameters": [_LANG],
                    "responses": {"200": _json(_ref("Discovery"), "Endpoints")},
                }
            },
            "/services.json": {
                "get": {
                    "operationId": "services",
                    "parameters": [_LANG],
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": _ref("Service")}, "Obstacle categories"
                        )
                    },
                }
            },
            "/services/{service_code}.json": {
                "get": {
                    "operationId": "serviceDefinition",
                    "parameters": [_path("service_code", "A category's code"), _LANG],
                    "responses": {
                        "200": _json(_ref("ServiceDefinition"), "Extra attributes"),
                        **_errors(404),
                    },
                }
            },
            "/requests.json": {
                "get": {
                    "operationId": "requests",
                    "parameters": [
                        _query("service_request_id", "Tracking numbers, comma-separated"),
                        _query("service_code", "Category codes, comma-separated"),
                        _query("status", "open, closed or both, comma-separated"),
                        _query("start_date", "ISO 8601; without an offset, Tehran time"),
                        _query("end_date", "ISO 8601; without an offset, Tehran time"),
                        _query("page", "From 1", {"type": "string"}),
                        _query("page_size", "1 to 200 (50)", {"type": "string"}),
                        _LANG,
                    ],
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("ServiceRequest")}, "Reports"),
                        **_errors(400),
                    },
                },
                "post": {
                    "operationId": "createRequest",
                    "parameters": [_LANG],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": [
                                        "api_key",
                                        "service_code",
                                        "description",
                                        "phone",
                                        "attribute[unit]",
                                    ],
                                    "properties": {
                                        "api_key": {"type": "string"},
                                        "service_code": {"type": "string"},
                                        "description": {"type": "string"},
                                        "phone": {
                                            "type": "string",
                                            "description": "The unit's registered phone",
                                        },
                                        "attribute[unit]": {
                                            "type": "string",
                                            "description": "The unit's number",
                                        },
                                        "attribute[amount]": {
                                            "type": "string",
                                            "description": "Rials, for financial categories",
                                        },
                                        "attribute[sector]": {"type": "string"},
                                        "token": {
                                            "type": "string",
                                            "description": "The channel's idempotency token",
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(_ref("Filed"), "Filed"),
                        "200": _json(_ref("Filed"), "Filed before with this token"),
                        **_errors(400, 403, 413, 429),
                    },
                },
            },
            "/requests/{service_request_id}.json": {
                "get": {
                    "operationId": "request",
                    "parameters": [_path("service_request_id", "A tracking number"), _LANG],
                    "responses": {
                        "200": _json(
                            {
                                "type": "array",
                                "minItems": 1,
                                "maxItems": 1,
                                "items": _ref("ServiceRequest"),
                            },
                            "The report",
                        ),
                        **_errors(404),
                    },
                }
            },
            "/tokens/{token}.json": {
                "get": {
                    "operationId": "token",
                    "parameters": [_path("token", "A channel's token"), _LANG],
                    "responses": {
                        "200": _json(_ref("Tokens"), "The report filed with it"),
                        **_errors(404),
                    },
                }
            },
        },
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
