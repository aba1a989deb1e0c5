"""Defects found on the fifth stranger's pass (new people, both languages, old and forged
buttons, restarts, the API with bad input): each pinned by what the person saw. Over HTTP,
against the Bot API emulator (and the bot's own API port)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import get_translator
from bot.settings import Settings
from emulator import BotApiEmulator
from tests.e2e.ports import free_port
from tests.e2e.test_open311 import api

FA = get_translator("fa")
EN = get_translator("en")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"api_port": free_port()})


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        # A legacy system's Windows-1256 bytes, not percent-encoded.
        ("application/x-www-form-urlencoded", "api_key=x&description=\xc7\xe1".encode("latin-1")),
        ("application/x-www-form-urlencoded; charset=windows-1255x", b"api_key=x"),
        ("multipart/form-data; boundary=xyz", b"not a multipart body"),
        ("multipart/form-data", b"no boundary at all"),
    ],
)
async def test_a_body_the_api_cannot_read_is_the_callers_error_not_ours(
    app: Any, emulator: BotApiEmulator, settings: Settings, content_type: str, body: bytes
) -> None:
    """Seen: a channel posting a form the server cannot decode (raw Windows-1256 bytes, an
    unknown charset, a multipart body without its boundary) got 500 "Something went wrong
    on our side; please try again later" — an invitation to retry the same bytes forever —
    and the bot logged a traceback. It is the caller's request that is wrong: 400, saying
    what to send."""
    status, answer = await api(
        settings,
        "POST",
        "requests.json?lang=en",
        data=body,
        headers={"Content-Type": content_type},
    )
    assert (status, answer) == (400, [{"code": 400, "description": EN.t("open311.error_form")}])
