"""The aiohttp front: Telegram's URL shapes, parameter encodings and JSON envelopes."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.typedefs import Handler

from . import errors as err
from .errors import ApiError
from .params import Params, UploadedFile

if TYPE_CHECKING:
    from .core import BotApiEmulator

EMULATOR_KEY: web.AppKey[BotApiEmulator] = web.AppKey("emulator")
MAX_REQUEST_BYTES = 60 * 1024 * 1024  # above Telegram's 50 MB upload cap, so we can refuse it


def error_response(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.code)


async def read_params(request: web.Request) -> Params:
    """Merge the query string with a form, multipart or JSON body, as Telegram does."""
    params = Params(values=dict(request.query))
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise err.bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise err.bad_request("JSON object expected")
        params.values.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params.files[key] = UploadedFile(
                    value.filename, value.content_type, value.file.read()
                )
            else:
                params.values[key] = value
    return params


async def handle_api(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emu.token:
        return error_response(err.UNAUTHORIZED)
    try:
        emu.api.resolve(request.match_info["method"])
        params = await read_params(request)
        result = await emu.api.call(request.match_info["method"], params)
    except ApiError as exc:
        return error_response(exc)
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def handle_file(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emu.token:
        return error_response(err.UNAUTHORIZED)
    stored = emu.state.files.by_path(request.match_info["path"])
    if stored is None:
        return error_response(err.FILE_NOT_FOUND)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


async def handle_index(request: web.Request) -> web.StreamResponse:
    page = resources.files("emulator").joinpath("static/index.html").read_text("utf-8")
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def handle_favicon(request: web.Request) -> web.StreamResponse:
    from .favicon import favicon_ico

    return web.Response(
        body=favicon_ico(),
        content_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@web.middleware
async def _test_side_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A malformed call to the test side (/_emu/...) is the caller's mistake: 400, not 500."""
    try:
        return await handler(request)
    except (KeyError, ValueError, TypeError, LookupError) as exc:
        if not request.path.startswith("/_emu/"):
            raise
        return web.json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, status=400)


def build_app(emu: BotApiEmulator) -> web.Application:
    from .demo_api import add_demo_routes

    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[_test_side_errors])
    app[EMULATOR_KEY] = emu
    app.router.add_route("*", "/bot{token}/{method}", handle_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    app.router.add_get("/", handle_index)
    app.router.add_get("/favicon.ico", handle_favicon)
    add_demo_routes(app)
    return app
