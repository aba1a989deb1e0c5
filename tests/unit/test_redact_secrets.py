"""Secrets registered at start-up are scrubbed from anything logged or reported."""

from __future__ import annotations

import logging
import sys

from bot.redact import RedactingFilter, redact, register_secret


def test_registered_secrets_and_token_shapes_are_scrubbed() -> None:
    register_secret("s3cret-database-password")
    text = (
        "connect postgresql://rounaq:s3cret-database-password@db/x"
        " with 123456789:AAH-abcdefghijklmnopqrstuvwx"
    )
    cleaned = redact(text)
    assert "s3cret-database-password" not in cleaned
    assert "AAH-abcdefghijklmnopqrstuvwx" not in cleaned
    assert "postgresql://rounaq:" in cleaned


def test_short_values_are_not_treated_as_secrets() -> None:
    register_secret("x")
    assert redact("the box is fixed") == "the box is fixed"


def test_log_records_and_tracebacks_are_scrubbed() -> None:
    register_secret("webhook-secret-value-1")
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "posting %s", ("webhook-secret-value-1",), None
    )
    try:
        raise RuntimeError("failed with webhook-secret-value-1")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    assert "webhook-secret-value-1" not in record.getMessage()
    assert record.exc_text is not None
    assert "webhook-secret-value-1" not in record.exc_text
