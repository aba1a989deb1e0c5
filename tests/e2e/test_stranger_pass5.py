"""Defects found on the fifth stranger's pass (new people, both languages, old and forged
buttons, restarts, the API with bad input): each pinned by what the person saw. Over HTTP,
against the Bot API emulator (and the bot's own API port)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.i18n import get_translator
from bot.settings import Settings
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import FA_P, piece, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.ports import free_port
from tests.e2e.report_steps import report_up_to_attachments, up_to_description
from tests.e2e.test_officials import _tiny_png
from tests.e2e.test_open311 import api
from tests.e2e.workflow_kit import Cast
from tests.people import Person

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


async def test_a_resumed_report_goes_back_to_its_files_step(
    app: Any, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner at "send photos or documents, then press Continue" looked elsewhere,
    came back with /report and chose "continue the unfinished report": the bot went on
    to the amount, past the files step they had not finished, and nothing after it takes
    a photo. Going on with a draft now goes back to the files step while "Continue" has
    not been pressed there (with the count of files already sent)."""
    owner = cast.owner
    await register_unit(app, owner)
    await report_up_to_attachments(owner)
    await emulator.send_photo(owner.id, _tiny_png())
    await owner.next()
    resumed = await resume(owner)
    assert says(resumed.text, "report.ask_attachments", max=FA_P.number(10)), resumed.text
    assert piece("report.attachments_so_far", n=1) in resumed.text
    assert FA.t("report.btn_continue") in resumed.button_texts[0]
    # Once past the files step, going on resumes after it.
    asked = await press_for_next(owner, resumed, FA.t("report.btn_continue"))
    assert says(asked.text, "report.ask_amount")
    assert says((await resume(owner)).text, "report.ask_amount")


async def press_for_next(owner: Person, message: SentMessage, button: str) -> SentMessage:
    """Press a step's button; the bot's next message (not the pressed one, redrawn)."""
    await owner.press_only(message, button)
    return await owner.emu.wait_for_message(owner.id, lambda m: m.message_id != message.message_id)


async def resume(owner: Person) -> SentMessage:
    """/report with a draft in hand → "continue the unfinished report"; the next step."""
    return await press_for_next(owner, await owner.say("/report"), FA.t("report.btn_resume"))


async def test_the_link_example_in_persian_help_reads_left_to_right(
    app: Any, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat's and the admin's /help (and welcome) read "/link — پیوند
    گزارش به برنامه (مثلاً /link ۳ ۰۰۰۱-۱۴۰۵)": the example's tracking number, in
    Persian digits after Persian words, was laid out right to left, its halves swapped
    (every other tracking number the bot shows is isolated). The example is one
    left-to-right run now."""
    number = FA_P.digits("1405-0001")
    for person in (cast.secretariat, cast.admin):
        shown = await person.say("/help")
        assert number in shown.text
        # Wherever it stands, it is inside a left-to-right isolate (LRI … PDI).
        outside = re.sub("\u2066[^\u2066\u2069]*\u2069", "", shown.source_text or shown.text)
        assert number not in outside, outside


async def test_a_date_out_of_range_is_not_called_a_wrong_format(
    app: Any, emulator: BotApiEmulator, settings: Settings
) -> None:
    """Seen: a channel's client sent its "no lower bound" as start_date=0001-01-01T00:00:00
    (.NET's DateTime.MinValue) and was told "start_date and end_date must be ISO 8601 dates
    or times" — which it is. The dates are refused for their range (years 1900 to 2200),
    and the answer now says so; a malformed date is still told about its format."""
    status, answer = await api(
        settings, "GET", "requests.json?lang=en&start_date=0001-01-01T00:00:00"
    )
    assert (status, answer) == (
        400,
        [{"code": 400, "description": EN.t("open311.error_date_range")}],
    )
    status, answer = await api(settings, "GET", "requests.json?lang=en&start_date=yesterday")
    assert (status, answer) == (400, [{"code": 400, "description": EN.t("open311.error_date")}])


async def test_a_digest_with_every_section_off_does_not_promise_a_next_one(
    app: Any, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner tapped "✅ گزارش‌های شما" (their digest's only section) in
    /digest_settings; the screen still read "وضعیت: فعال … گزارش بعدی: یک‌شنبه …" and
    nothing ever came, as every section was off. The screen now says that nothing will be
    sent until a section is turned on again."""
    owner = cast.owner
    await owner.say("/subscribe")
    screen = await owner.next()
    assert not says(screen.text, "digest.settings_all_muted")
    await owner.press_only(screen, "dg:s:mine")
    redrawn = await owner.next()
    assert redrawn.message_id == screen.message_id
    assert says(redrawn.text, "digest.settings_all_muted", time=FA_P.digits("08:00"))
    assert piece("digest.settings_on") not in redrawn.text


async def test_a_voice_note_for_the_description_is_told_what_the_step_takes(
    app: Any, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a voice note where /report asked for the obstacle's description was answered
    "please write the answer as text", the words of a question's step, not of this one.
    It is now told to describe the obstacle in writing, that photos and documents are
    welcome, and that a voice note is not kept; the step still takes the description."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    await emulator.send_voice(owner.id)
    told = await owner.next()
    assert told.text == FA.t("report.description_not_text")
    described = await owner.say("مواد اولیهٔ تولید سه ماه است که به کارخانه نرسیده است.")
    assert says(described.text, "report.ask_attachments", max=FA_P.number(10)), described.text
