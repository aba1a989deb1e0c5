"""Bot API error values, with the description strings the real server sends.

Handlers raise :class:`ApiError`; the HTTP layer turns it into Telegram's error envelope.
Keeping the strings in one place makes it obvious which ones are verbatim from Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ApiError(Exception):
    """A failed Bot API call: HTTP status, ``description`` and optional ``retry_after``."""

    code: int
    description: str
    retry_after: int | None = None

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    retry_after = max(1, retry_after)
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


UNAUTHORIZED = ApiError(401, "Unauthorized")
METHOD_NOT_FOUND = ApiError(404, "Not Found: method not found")
FILE_NOT_FOUND = ApiError(404, "Not Found")

CHAT_NOT_FOUND = "chat not found"
BOT_BLOCKED = "bot was blocked by the user"
USER_DEACTIVATED = "user is deactivated"
CANT_INITIATE = "bot can't initiate conversation with a user"
MESSAGE_TEXT_EMPTY = "message text is empty"
MESSAGE_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
BUTTON_URL_INVALID = "BUTTON_URL_INVALID"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_CANT_BE_EDITED = "message can't be edited"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
