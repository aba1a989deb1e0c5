"""Defects found on the fourth stranger's pass (after the shared button, flow, draft and
repository bases were merged): each pinned by what the person saw. Over HTTP, against the
Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.i18n import get_translator
from emulator import BotApiEmulator
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import report_up_to_attachments
from tests.e2e.test_officials import _tiny_png
from tests.e2e.workflow_kit import Cast, file_report, services_of
from tests.people import Person

FA = get_translator("fa")
EN = get_translator("en")
EN_P = Presenter("en")


async def report_and_register_then_cancel(app: RounaqApp, owner: Person) -> None:
    """/report up to its files step, then /register up to the sector, then /cancel."""
    await register_unit(app, owner)
    await report_up_to_attachments(owner)
    await owner.say("/register")
    await owner.say("کارگاه دوم")
    assert (await owner.say("/cancel")).text == FA.t("common.cancelled")


async def left_nothing_half_made(owner: Person, answer: str) -> None:
    """What the owner sent after the /cancel was a stray message, and /myreports offers no
    unfinished report to continue."""
    assert answer == FA.t("common.stray_message")
    mine = await owner.say("/myreports")
    assert FA.t("report.btn_resume") not in mine.button_texts


async def test_words_after_a_cancel_do_not_start_a_report_of_their_own(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner half-way through /report (at "send photos, then Continue") began
    /register, then sent /cancel: "Cancelled." Their next words were taken as more of the
    report's description ("added; the description is now 28 characters") of a report they
    had just cancelled, and /myreports offered to continue that unfinished report. /cancel
    now ends both flows: the words are a stray message, and nothing is left half-made."""
    owner = cast.owner
    await report_and_register_then_cancel(app, owner)

    answer = await owner.say("یک جملهٔ دیگر دربارهٔ همین مشکل")
    await left_nothing_half_made(owner, answer.text)


async def test_a_photo_after_a_cancel_is_not_kept_for_a_cancelled_report(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The photo's side of the same: "1 file received" for a report already cancelled."""
    owner = cast.owner
    await report_and_register_then_cancel(app, owner)

    await emulator.send_photo(owner.id, _tiny_png())
    answer = await emulator.wait_for_message(owner.id)
    await left_nothing_half_made(owner, answer.text)


async def test_an_edit_cancelled_from_another_flow_does_not_ask_for_buttons_forever(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the admin chose "title" in /editprogram 3, began /register, sent /cancel
    ("Cancelled."), then typed the new title: "Please choose one of the buttons below"
    under no buttons, again at every try, until a second /cancel. The edit's draft went
    with the /cancel, and now its conversation goes too: the title is a stray message."""
    admin = cast.admin
    fields = await admin.say("/editprogram 3")
    await admin.press(fields, "pge:f:title_fa")
    await admin.say("/register")
    assert (await admin.say("/cancel")).text == FA.t("common.cancelled")

    answer = await admin.say("عنوان تازهٔ برنامه")
    assert answer.text == FA.t("common.stray_message_staff", role=FA.t("roles.admin"))
    # The flow is over: nothing is left to cancel.
    assert (await admin.say("/cancel")).text.startswith(FA.t("common.nothing_to_cancel")[:20])


async def test_an_english_card_isolates_the_owners_persian_name(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen by an officer reading in English: "Owner: رضا — ☎️ 09121234567", the Persian
    name bare in the left-to-right line, while the same card's history isolates it
    ("report submitted — ⁨رضا⁩"), as every name someone typed is: bare, the dash and the
    phone around it may be drawn on the wrong side."""
    officer = cast.officer
    await services_of(app).users.set_language(officer.id, "en")
    report = await file_report(app, cast.owner, "raw_materials")
    card = await officer.say(EN_P.tracking(report.year, report.seq))
    owner_line = next(line for line in card.text.splitlines() if line.startswith("Owner:"))
    assert owner_line.startswith(
        EN.t("report.card_owner", name=EN_P.name("رضا"), phone="|").split("|")[0]
    )
