"""Defects found on the fifth stranger's pass (new people, both languages, old and forged
buttons, restarts, the API with bad input): each pinned by what the person saw. Over HTTP,
against the Bot API emulator (and the bot's own API port)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import get_translator
from bot.settings import Settings
from emulator import BotApiEmulator
from tests.e2e.expect import says
from tests.e2e.ports import free_port
from tests.e2e.test_open311 import api
from tests.e2e.workflow_kit import Cast

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


async def test_words_after_subscribe_are_not_taken_for_a_channel(
    app: Any, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner reading in English wrote "/subscribe now" (and later "/unsubscribe
    please") in their own chat and was told "Only the bot's admins can turn the daily digest
    on or off for a group or channel": any word after the command was taken for another
    chat's id. Only a chat id (a number) or an @name names another chat; words are about
    this chat."""
    owner = cast.other_owner  # English
    on = await owner.say("/subscribe now")
    assert says(on.text, "digest.subscribed", lang="en", time="08:00"), on.text
    await owner.next()  # the settings screen that follows
    off = await owner.say("/unsubscribe please")
    assert off.text == EN.t("digest.unsubscribed")
    await owner.next()
    # A number still names a group or channel, which only admins may sign up.
    refused = await owner.say("/subscribe -1001234567890")
    assert refused.text == EN.t("digest.admins_only")
