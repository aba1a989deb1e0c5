"""The one per-platform switch: what the messenger behind the Bot API can and cannot do.

Bale follows the Telegram Bot API but its HTML support is uncertain and it lacks
sendChatAction and webhook secret tokens. Handlers always write HTML; `PlatformBot`
turns it into plain text and skips unsupported calls where the platform needs that.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.formatting import html_to_plain
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

    async def _do_post(
        self,
        endpoint: str,
        data: dict[str, Any],
        *,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> Any:
        if endpoint == "sendChatAction" and not self._profile.chat_action:
            return True
        if not self._profile.html and data.get("parse_mode") == ParseMode.HTML:
            data = dict(data)
            data.pop("parse_mode")
            for field in _TEXT_FIELDS:
                if isinstance(data.get(field), str):
                    data[field] = html_to_plain(data[field])
        if endpoint == "setWebhook" and not self._profile.webhook_secret:
            data = {k: v for k, v in data.items() if k != "secret_token"}
        try:
            return await super()._do_post(
                endpoint,
                data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except BadRequest as exc:
            # An edit that finds the message already as asked (an update handled again
            # after a failure or a restart) has nothing left to do: that is success.
            if endpoint.startswith("editMessage") and "not modified" in exc.message.lower():
                log.info("%s: already as asked", endpoint)
                return True
            raise


def retry_after_seconds(exc: RetryAfter) -> float:
    """A 429's wait in seconds: PTB 22 returns int or timedelta (PTB_TIMEDELTA) and warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
