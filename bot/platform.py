"""The one per-platform switch: what the messenger behind the Bot API can and cannot do.

Bale follows the Telegram Bot API but its HTML support is uncertain and it lacks
sendChatAction and webhook secret tokens. Handlers always write HTML; `PlatformRequest`
turns it into plain text and skips unsupported calls where the platform needs that.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from typing import Any, cast

from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

from bot.formatting import html_to_plain
from bot.http import WrappedRequest
from bot.settings import PlatformName

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlatformProfile:
    name: PlatformName
    html: bool
    chat_action: bool
    webhook_secret: bool


PROFILES: dict[PlatformName, PlatformProfile] = {
    PlatformName.TELEGRAM: PlatformProfile(PlatformName.TELEGRAM, True, True, True),
    PlatformName.EMULATOR: PlatformProfile(PlatformName.EMULATOR, True, True, True),
    PlatformName.BALE: PlatformProfile(PlatformName.BALE, False, False, False),
}

_TEXT_FIELDS = ("text", "caption")


class PlatformBot(ExtBot[Any]):
    """An ExtBot that adapts outgoing requests to the platform's profile."""

    def __init__(self, *args: Any, profile: PlatformProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._profile = profile

    @property
    def profile(self) -> PlatformProfile:
        return self._profile

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        """Answer a button press; a query that can no longer be answered is not an error.

        Telegram accepts one answer within about 15 seconds. An update handled again after
        a restart or a transient failure finds its query answered or expired; the press
        itself must still be processed, so the refusal is logged, not raised.
        """
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as exc:
            if "query is too old" not in exc.message.lower() and "query_id_invalid" not in (
                exc.message.lower()
            ):
                raise
            log.info("callback query no longer answerable: %s", exc.message)
            return False


# A Bot API answer for a call the platform lacks or that found nothing left to do.
_TRUE_RESULT = (200, b'{"ok":true,"result":true}')


class _AdaptedBody:
    """A request's body with some parameters replaced; its files pass through unchanged.

    `RequestData` is final and its parameter class private, so the adapted body is this
    stand-in with the three public properties a client's `do_request` reads (PTB's
    HTTPXRequest and bot.http's AiohttpRequest alike; tests/e2e/test_platforms.py runs both).
    """

    def __init__(self, original: RequestData, parameters: dict[str, str]) -> None:
        self._original = original
        self.json_parameters = parameters
        self.contains_files = original.contains_files

    @property
    def multipart_data(self) -> dict[str, Any]:
        return self._original.multipart_data


class PlatformRequest(WrappedRequest):
    """The HTTP client as the platform needs it: wraps the real client (bot.http).

    PTB's public extension point for what goes over the wire is `BaseRequest.do_request`,
    so the platform's gaps are filled here rather than inside the Bot.
    """

    def __init__(self, inner: BaseRequest, profile: PlatformProfile) -> None:
        super().__init__(inner)
        self._profile = profile
        # Telegram (and the emulator) take every request as PTB builds it: nothing to read
        # back out of the body (which would serialise its parameters once more).
        self._adapts = not (profile.html and profile.webhook_secret)

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
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "sendChatAction" and not self._profile.chat_action:
            return _TRUE_RESULT
        if request_data is not None and self._adapts:
            request_data = self._adapt(endpoint, request_data)
        status, payload = await self._inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        # An edit that finds the message already as asked (an update handled again after a
        # failure or a restart) has nothing left to do: that is success.
        if (
            status == HTTPStatus.BAD_REQUEST
            and endpoint.startswith("editMessage")
            and b"not modified" in payload.lower()
        ):
            log.info("%s: already as asked", endpoint)
            return _TRUE_RESULT
        return status, payload

    def _adapt(self, endpoint: str, data: RequestData) -> RequestData:
        parameters = data.json_parameters
        adapted = dict(parameters)
        if not self._profile.html and adapted.get("parse_mode") == ParseMode.HTML:
            del adapted["parse_mode"]
            for field in _TEXT_FIELDS:
                if field in adapted:
                    adapted[field] = html_to_plain(adapted[field])
        if endpoint == "setWebhook" and not self._profile.webhook_secret:
            adapted.pop("secret_token", None)
        return data if adapted == parameters else cast(RequestData, _AdaptedBody(data, adapted))


def retry_after_seconds(exc: RetryAfter) -> float:
    """A 429's wait in seconds: PTB 22 returns int or timedelta (PTB_TIMEDELTA) and warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
