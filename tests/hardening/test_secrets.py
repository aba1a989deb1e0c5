"""The bot token never leaves the process: not in logs, not in errors, not to the admins."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.cli import configure_logging
from bot.context import RounaqApp, RounaqContext
from emulator import BotApiEmulator
from tests.conftest import ADMIN_ID, TOKEN
from tests.hardening.flows import new_person


class LeakyError(RuntimeError):
    """What an HTTP library raises: the failing URL, with the token in its path."""


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The log exactly as `rounaq run` writes it (configure_logging), into a buffer."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    configure_logging("DEBUG")
    # An operator debugging the network: httpx then logs every request URL, token included.
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    try:
        yield buffer
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        logging.getLogger("httpx").setLevel(logging.NOTSET)


async def test_token_is_redacted_from_logs_errors_and_admin_reports(
    app: RounaqApp, emulator: BotApiEmulator, log_output: io.StringIO
) -> None:
    base_url = emulator.base_url

    async def fail_with_url(update: Update, context: RounaqContext) -> None:
        # The cause is not a network error: those are retried (bot.delivery), not reported.
        try:
            raise ValueError(f"malformed answer from {base_url}{TOKEN}/sendMessage")
        except ValueError as cause:
            raise LeakyError(f"POST {base_url}{TOKEN}/sendMessage failed: {TOKEN}") from cause

    # A real handler that fails: group -2 would run before the gate, so it goes after it.
    app.add_handler(CommandHandler("boom", fail_with_url), group=1)
    emulator.add_user(ADMIN_ID, "مدیر")
    person = await new_person(app, emulator, 7101)
    await person.send("/boom")
    await person.next("خطایی")  # the user gets the generic apology, nothing more
    report = await emulator.wait_for_message(ADMIN_ID, lambda m: "/boom" in m.text)

    logged = log_output.getvalue()
    assert "LeakyError" in logged  # the error was logged, with its traceback...
    assert "malformed answer" in logged
    # (The Bot API client is aiohttp's, which logs no request URLs; the error's own URL
    # is the one in the log, redacted.)
    assert "<redacted-token>" in logged
    assert TOKEN not in logged  # ...all without the token
    assert TOKEN.split(":")[1] not in logged
    # The admin gets a short notice (the error's kind and id), never the traceback.
    assert "LeakyError" in report.text
    assert "Traceback" not in report.text
    for message in emulator.messages(ADMIN_ID) + emulator.messages(person.id):
        assert TOKEN not in message.text
        assert TOKEN not in (message.source_text or "")
