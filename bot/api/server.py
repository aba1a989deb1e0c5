"""The aiohttp application: GeoReport v2 routes, the OpenAPI document, the dashboard.

Every error, including the router's own 404 and 405, answers in the spec's format: a JSON
list of {code, description}. Nothing unexpected answers with a trace; it is logged. A
browser's CORS preflight (OPTIONS) is answered with the address's methods, and granted to
the origins configured (API_CORS_ORIGINS).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.api.keys import ApiKeyService
from bot.api.limits import MinuteLimiter
from bot.api.open311 import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Filed,
    Filing,
    Open311Error,
    Open311Service,
    RequestQuery,
    parse_int,
    parse_when,
    pick_language,
)
from bot.api.openapi import openapi_document
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.text import normalize_text, to_latin_digits

log = logging.getLogger(__name__)

BASE = "/open311/v2"
OnFiled = Callable[[Filed], Awaitable[None]]
MAX_BODY = 64 * 1024
DESCRIPTION_FIELD_MAX = 3000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class ApiContext:
    open311: Open311Service
    keys: ApiKeyService
    limiter: MinuteLimiter
    on_filed: OnFiled
    default_language: str
    pages: Any = None  # the dashboard (bot.api.dashboard), when mounted
    # Origins whose pages may call the API from a browser (Settings.api_cors_origins).
    cors_origins: frozenset[str] = frozenset()


CONTEXT: web.AppKey[ApiContext] = web.AppKey("rounaq_api", ApiContext)


def _ctx(request: web.Request) -> ApiContext:
    return request.app[CONTEXT]


def language(request: web.Request) -> str:
    return pick_language(
        request.query.get("lang"),
        request.headers.get("Accept-Language"),
        _ctx(request).default_language,
    )


def error_response(
    status: int,
    reason: str,
    lang: str,
    *,
    retry_after: int | None = None,
    allow: str | None = None,
) -> web.Response:
    tr = get_translator(lang)
    key = f"open311.error_{reason}"
    description = tr.t(key) if tr.has(key) else tr.t("open311.error_http", status=str(status))
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if allow is not None:
        headers["Allow"] = allow
    return web.json_response(
        [{"code": status, "description": description}],
        status=status,
        headers=headers,
        dumps=_dumps,
    )


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Open311Error as error:
        return error_response(
            error.status, error.reason, language(request), retry_after=error.retry_after
        )
    except web.HTTPException as error:
        if error.status < 400:
            raise
        reason = {404: "not_found", 405: "method", 413: "too_large"}.get(error.status, "http")
        if error.status == 404 and request.path.startswith(BASE) and request.path.endswith(".xml"):
            # GeoReport v2 clients often ask for XML first: say the .json address is there.
            reason = "xml"
        # A 405 names the methods the address takes (RFC 9110 requires Allow on it).
        allow = error.headers.get("Allow") if error.status == 405 else None
        return error_response(error.status, reason, language(request), allow=allow)
    except Exception:
        log.exception("the API failed on %s %s", request.method, request.path)
        return error_response(500, "internal", language(request))


# What a browser portal's script may send beyond the simple headers.
CORS_HEADERS = "Content-Type, Accept-Language"
CORS_MAX_AGE = "600"


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A browser portal's CORS preflight (OPTIONS) is answered 204 with the address's
    methods in Allow; a configured origin is also granted them, on the preflight and on
    the responses. Any other origin gets no grant, so the browser keeps the answer from
    its script; clients outside a browser never send Origin."""
    origin = request.headers.get("Origin")
    granted = origin if origin in _ctx(request).cors_origins else None
    refused = request.match_info.http_exception
    if request.method == "OPTIONS" and isinstance(refused, web.HTTPMethodNotAllowed):
        methods = ", ".join(sorted(refused.allowed_methods | {"OPTIONS"}))
        headers = {"Allow": methods}
        if granted is not None:
            headers |= {
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": CORS_HEADERS,
                "Access-Control-Max-Age": CORS_MAX_AGE,
            }
        response: web.StreamResponse = web.Response(status=204, headers=headers)
    else:
        response = await handler(request)
    if granted is not None:
        response.headers["Access-Control-Allow-Origin"] = granted
        response.headers["Vary"] = "Origin"
    return response


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


async def discovery(request: web.Request) -> web.Response:
    base = f"{request.scheme}://{request.host}{BASE}/"
    return _json(
        {
            "changeset": "2026-12-02T00:00:00+03:30",
            "contact": get_translator(language(request)).t("open311.contact"),
            "key_service": get_translator(language(request)).t("open311.key_service"),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-12-02T00:00:00+03:30",
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


async def services(request: web.Request) -> web.Response:
    return _json(_ctx(request).open311.services(language(request)))


async def service_definition(request: web.Request) -> web.Response:
    return _json(_ctx(request).open311.definition(request.match_info["code"], language(request)))


def _list_param(request: web.Request, name: str) -> tuple[str, ...] | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    if not items or len(items) > 100:
        raise Open311Error(400, name)
    return items


def request_query(request: web.Request) -> RequestQuery:
    tz = _ctx(request).open311.tz
    statuses = _list_param(request, "status")
    if statuses is not None and not set(statuses) <= {"open", "closed"}:
        raise Open311Error(400, "status")
    start = request.query.get("start_date")
    end = request.query.get("end_date")
    page = request.query.get("page")
    size = request.query.get("page_size")
    since = parse_when(start, tz) if start is not None else None
    until = parse_when(end, tz) if end is not None else None
    if since is not None and until is not None and since > until:
        # Swapped bounds match nothing: say so rather than answer "no reports".
        raise Open311Error(400, "date_order")
    return RequestQuery(
        service_codes=_list_param(request, "service_code"),
        statuses=statuses,
        start=since,
        end=until,
        ids=_list_param(request, "service_request_id"),
        page=parse_int(page, "page", high=MAX_PAGE) if page is not None else 1,
        page_size=parse_int(size, "page_size", high=MAX_PAGE_SIZE)
        if size is not None
        else DEFAULT_PAGE_SIZE,
    )


async def list_requests(request: web.Request) -> web.Response:
    return _json(await _ctx(request).open311.requests(request_query(request), language(request)))


async def one_request(request: web.Request) -> web.Response:
    answer = await _ctx(request).open311.request(request.match_info["id"], language(request))
    return _json([answer])


async def tokens(request: web.Request) -> web.Response:
    return _json(await _ctx(request).open311.tokens(request.match_info["token"]))


def _optional(form: Any, name: str) -> str | None:
    value = form.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):  # a file where text was expected
        raise Open311Error(400, f"missing_{name.replace('[', '_').rstrip(']')}")
    if "\x00" in value:  # PostgreSQL cannot store it; no channel means it
        raise Open311Error(400, "nul")
    return value


def _required(form: Any, name: str) -> str:
    value = _optional(form, name)
    if value is None:
        raise Open311Error(400, f"missing_{name.replace('[', '_').rstrip(']')}")
    return value


def _check_location(form: Any) -> None:
    """The spec's lat/long, when sent, are WGS-84 degrees and come together. The report's
    place is its unit's county, so they are not kept; but a client sending 999 or "abc"
    is told, instead of believing the map has its point."""
    lat, long = _optional(form, "lat"), _optional(form, "long")
    if lat is None and long is None:
        return
    if lat is None or long is None or _degrees(lat, 90) is None or _degrees(long, 180) is None:
        raise Open311Error(400, "location")


def _degrees(value: str, bound: float) -> float | None:
    try:
        degrees = float(to_latin_digits(value.strip()).replace("٫", "."))
    except ValueError:
        return None
    return degrees if math.isfinite(degrees) and -bound <= degrees <= bound else None


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


async def post_request(request: web.Request) -> web.Response:
    ctx = _ctx(request)
    if request.body_exists and request.content_type not in FORM_TYPES:
        # aiohttp reads any other body as an empty form: a JSON POST would be told
        # "api_key is required" about the key it carries. GeoReport v2 posts a form.
        raise Open311Error(415, "content_type")
    try:
        form = await request.post()
    except (ValueError, LookupError):
        # Undecodable bytes, an unknown charset, a multipart body without its boundary:
        # the same request would fail again, so it is the caller's 400, not our 500.
        raise Open311Error(400, "form") from None
    if _optional(form, "api_key") is None and "api_key" in request.query:
        # Not taken from the address: a key in a URL ends up in every proxy's log.
        raise Open311Error(400, "api_key_in_url")
    # A key pasted from a file or an e-mail often brings a space or newline with it.
    key = await ctx.keys.authenticate(_required(form, "api_key").strip())
    if key is None:
        raise Open311Error(403, "api_key")
    wait = ctx.limiter.check(key.id, key.per_minute)
    if wait is not None:
        raise Open311Error(429, "per_minute", retry_after=wait)
    # As the chat keeps a typed text: Persian ی/ک for Arabic ي/ك, no stray bidi controls.
    description = normalize_text(_required(form, "description"))
    if len(description) > DESCRIPTION_FIELD_MAX:
        raise Open311Error(400, "report_description_length")
    _check_location(form)
    amount = _optional(form, "attribute[amount]")
    filing = Filing(
        service_code=_required(form, "service_code").strip(),
        description=description,
        unit_id=parse_int(_required(form, "attribute[unit]"), "unit", high=2**31 - 1),
        phone=_required(form, "phone"),
        amount_rials=parse_int(amount, "amount") if amount is not None else None,
        sector_code=_optional(form, "attribute[sector]"),
        token=_optional(form, "token"),
    )
    filed = await ctx.open311.file(key, filing)
    # The agency is told as a chat report's agency is (once, even for a repeated token).
    await ctx.on_filed(filed)
    report, lang = filed.submission.report, language(request)
    tr = get_translator(lang)
    # Words for a clerk to read out: the day in the reader's calendar and digits (the
    # machine-readable time is the request's expected_datetime).
    fmt = Presenter(lang=lang, tz=ctx.open311.tz)
    answer = {
        "service_request_id": f"{report.year}-{report.seq:04d}",
        "token": filed.token,
        "service_notice": tr.t(
            "open311.service_notice",
            agency=filed.submission.agency.name(lang),
            due=fmt.date(report.due_at),
        ),
        "account_id": None,
    }
    return _json([answer], status=200 if filed.submission.duplicate else 201)


async def openapi(request: web.Request) -> web.Response:
    return _json(openapi_document())


def build_web_app(context: ApiContext) -> web.Application:
    # CORS outermost: the errors' answers carry the grant too, so a portal can read them.
    app = web.Application(
        middlewares=[cors_middleware, errors_middleware], client_max_size=MAX_BODY
    )
    app[CONTEXT] = context
    app.router.add_get(f"{BASE}/discovery.json", discovery)
    app.router.add_get(f"{BASE}/services.json", services)
    app.router.add_get(f"{BASE}/services/{{code}}.json", service_definition)
    app.router.add_get(f"{BASE}/requests.json", list_requests)
    app.router.add_post(f"{BASE}/requests.json", post_request)
    app.router.add_get(f"{BASE}/requests/{{id}}.json", one_request)
    app.router.add_get(f"{BASE}/tokens/{{token}}.json", tokens)
    app.router.add_get(f"{BASE}/openapi.json", openapi)
    if context.pages is not None:
        context.pages.mount(app)
    return app
