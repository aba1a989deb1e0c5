"""Secrets never leave the process: the bot token is scrubbed from logs and error reports."""

from __future__ import annotations

import logging
import re

# A Telegram/Bale token: numeric bot id, a colon, 30+ url-safe characters.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_MASK = "<redacted-token>"
MIN_SECRET_LENGTH = 6

_known_secrets: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a secret to scrub even if it does not look like a token (e.g. an emulator's)."""
    # A very short "secret" (a test password like "x") would blank out ordinary words.
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        _known_secrets.add(secret)


def redact(text: str) -> str:
    for secret in _known_secrets:
        text = text.replace(secret, _MASK)
    return TOKEN_PATTERN.sub(_MASK, text)


class RedactingFilter(logging.Filter):
    """Installed on the root handlers: every log record is scrubbed before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
