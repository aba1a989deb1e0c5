"""The Bot API's HTTP client: PTB's `BaseRequest` on aiohttp, or PTB's own HTTPXRequest.

Chosen by numbers (docs/benchmarks.md, "HTTP client"): with hundreds of requests in flight
httpx spends a large share of the bot's CPU in its connection pool's bookkeeping, where
aiohttp's connector does the same job for much less per request.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.settings import HttpClient

__all__ = ["AiohttpRequest", "WrappedRequest", "make_request"]

# PTB's "use the request's default" marker; its class lives in a private module.
_DefaultValue = type(BaseRequest.DEFAULT_NONE)


def _given(value: object, default: float | None) -> float | None:
    """PTB passes DEFAULT_NONE for "the request's own default", None for "no timeout"."""
    if isinstance(value, _DefaultValue):
        return default
    return None if value is None else float(value)  # type: ignore[arg-type]


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded connection pool, for every call of one bot."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=None),
                headers={"User-Agent": self.USER_AGENT},
                # Bot API errors come back as JSON bodies with 4xx/5xx: PTB reads them.
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        # aiohttp has no write timeout of its own: the read timeout covers sending too.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        data: Any = None
        if request_data is not None:
            parameters = request_data.json_parameters
            if request_data.contains_files:
                form = aiohttp.FormData()
                for name, value in parameters.items():
                    form.add_field(name, value)
                for name, part in request_data.multipart_data.items():
                    filename, content, mimetype = part
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                data = parameters
        try:
            async with session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


class WrappedRequest(BaseRequest):
    """A client around another (bot.platform, bot.inbox): what it does not override goes
    through to `inner` as it is."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        return await self._inner.do_request(url, method, *args, **kwargs)


def make_request(client: HttpClient, *, pool_size: int, read_timeout: float | None) -> BaseRequest:
    """The Bot API client the settings ask for."""
    if client is HttpClient.HTTPX:
        return HTTPXRequest(
            connection_pool_size=pool_size, read_timeout=read_timeout, write_timeout=read_timeout
        )
    return AiohttpRequest(connection_pool_size=pool_size, read_timeout=read_timeout)
