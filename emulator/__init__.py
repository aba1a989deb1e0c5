"""A local Telegram Bot API emulator for end-to-end tests and the ``rounaq demo`` page."""

from .core import BotApiEmulator
from .errors import ApiError
from .faults import Fault
from .html_parse import HtmlParseError, parse_html
from .models import CallbackAnswer, CallbackQuery, Chat, SentMessage, Stats, User
from .ratelimit import DEFAULT_RATE_LIMITS, RateLimits

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "CallbackQuery",
    "Chat",
    "Fault",
    "HtmlParseError",
    "RateLimits",
    "SentMessage",
    "Stats",
    "User",
    "parse_html",
]
