"""The HQ session in English: a secretariat working in English schedules, decides and
issues; the minutes are an English, left-to-right document with Latin digits."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from bot.access import Principal
from bot.clock import ManualClock
from bot.container import Services
from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.i18n import get_translator
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from tests.e2e.session_kit import escalate, file_with_amount, open_docx, rtl_everywhere
from tests.e2e.workflow_kit import (
    SECRETARIAT_ID,
    Cast,
    file_report,
    press_and_answer,
    services_of,
)

EN = Presenter("en")


def cast_principal(services: Services, user_id: int) -> Principal:
    return Principal(user_id, frozenset({Role.SECRETARIAT}), frozenset())


TR = get_translator("en")
PERSIAN_DIGIT = re.compile(r"[۰-۹]")


async def test_session_in_english(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    bank, hq = cast.bank_officer, cast.secretariat
    services = services_of(app)
    await services.users.set_language(SECRETARIAT_ID, "en")
    await file_report(app, cast.other_owner, "bank_finance", unit_name="Qom Tiles")
    await file_with_amount(
        app, cast.other_owner, "bank_finance", "Collateral of 150% asked.", 2_500_000_000
    )
    await escalate(bank, "1405-0002", "Escalate", "The central bank's circular binds us.")
    await hq.next("1405-0002")
    await escalate(bank, "1405-0001", "Escalate", "Account freezes are ordered by the courts.")
    await hq.next("1405-0001")

    for number, title in (
        ("1405-0002", "Collateral rules of the lending banks"),
        ("1405-0001", "Frozen accounts of licensed units"),
    ):
        agenda = await hq.say("/agenda")
        await hq.press_only(agenda, f"☐ {number}")

        def ticked(m: SentMessage, n: str = number) -> bool:
            return f"☑ {n}" in m.button_texts

        agenda = await emulator.wait_for_message(hq.id, ticked)
        causes = await hq.press(agenda, "Bundle")
        await hq.press(causes, TR.t("hq.cause_bank"))
        await hq.say(title)
        created = await hq.say("1405/09/15")
        assert TR.t("hq.bundled") in created.text
        clock.advance(timedelta(minutes=1))

    listing = await hq.say("/session")
    ask_when = await hq.press(listing, TR.t("sessions.btn_new"))
    # English dates are Gregorian on every screen: the example (tomorrow), and the day typed.
    tomorrow = EN.short_date(clock.now() + timedelta(days=1))
    assert ask_when.text == TR.t("sessions.ask_when", example=tomorrow)
    await hq.say("2026-12-06 10:00")
    await hq.say("Governorate meeting hall")
    view = await hq.say("The governor of Qom")
    assert "HQ session No. 1" in view.text
    assert "When: Sunday 6 Dec 2026, 10:00" in view.text
    banks_name = services.directory.agency(cast.banks_id).name("en")
    picker = await hq.press(view, TR.t("sessions.btn_invite"))
    await hq.press_only(picker, banks_name)
    picker = await emulator.wait_for_message(hq.id, lambda m: f"☑ {banks_name}" in m.button_texts)
    view = await hq.press(picker, TR.t("sessions.btn_done"))
    for title in ("Collateral rules", "Frozen accounts"):
        free = await hq.press(view, TR.t("sessions.btn_add"))
        view = await hq.press(free, title)
    assert "Item 1: Collateral rules of the lending banks" in view.text
    assert "Item 2: Frozen accounts of licensed units" in view.text
    clock.advance(timedelta(minutes=1))
    await hq.press(view, TR.t("sessions.btn_send"))
    to_bank = await bank.next("agenda for your agency")
    assert EN.money(2_500_000_000) in to_bank.text
    clock.advance(timedelta(minutes=1))

    who = await hq.press(view, TR.t("sessions.btn_attend"))
    await hq.press(who, banks_name)
    await hq.say("Dr Rezaei, coordination director")
    # 10:01 on the day: the session is held, so its items' outcomes can be recorded.
    clock.set(datetime(2026, 12, 6, 6, 31, tzinfo=UTC))
    view = await hq.say("/session")
    view = await hq.press(view, "Session 1")
    await hq.press(view, TR.t("sessions.btn_decide", n="1"))
    picker = await hq.say("Banks cut the collateral of licensed units to 100%.")
    deadlines = await hq.press(picker, "Next")
    decided = await hq.press(deadlines, TR.t("hq.days", days="10"))
    assert "Decision No. 1 is recorded" in decided.text
    view = await hq.next("HQ session No. 1")
    clock.advance(timedelta(minutes=1))
    # Item 2 waits for a later session.
    view = await hq.press(view, TR.t("sessions.btn_postpone", n="2"))
    assert TR.t("sessions.outcome_postponed") in view.text

    await hq.press_only(view, TR.t("sessions.btn_minutes"))
    draft = await emulator.wait_for_message(hq.id, lambda m: m.kind == "document")
    assert draft.document is not None
    assert draft.document.file_name == "minutes-1-en.docx"
    docx = open_docx(emulator.file_bytes(draft.document.file_id))
    assert docx.paragraphs[:3] == [
        "Governorate of Qom",
        "Qom Province Headquarters for Facilitation and Removal of Production Obstacles",
        "Minutes of session No. 1",
    ]
    assert "Sunday 6 Dec 2026" in docx.paragraphs[3]
    no_bidi, no_rtl = rtl_everywhere(docx)
    assert no_bidi > 0
    assert no_rtl > 0  # left to right throughout
    text = docx.all_text
    assert PERSIAN_DIGIT.search(text) is None
    assert f"Amounts named in the reports: {EN.money(2_500_000_000)}" in text
    assert "Background: reports 1, production units 1." in text
    assert "Dr Rezaei, coordination director" in text
    assert "Item 2: Frozen accounts of licensed units" in text
    assert TR.t("sessions.outcome_postponed") in text

    # The secretariat edits the file and sends it back: that version is issued.
    clock.advance(timedelta(minutes=1))
    ask = await hq.press(draft, TR.t("sessions.btn_edited"))
    assert ask.text == TR.t("sessions.ask_edited")
    waiting_buttons = [TR.t("sessions.btn_issue"), TR.t("sessions.btn_stop_waiting")]
    assert ask.button_texts == waiting_buttons
    # Anything but a .docx is answered with what is awaited and the step's buttons.
    await hq.send("Here are my corrections: add the deputy governor.")
    await emulator.send_sticker(hq.id)
    await emulator.send_photo(hq.id, b"\x89PNG\r\n\x1a\n")
    for _ in range(3):
        again = await hq.next()
        assert again.text == TR.t("sessions.edited_expected")
        assert again.button_texts == waiting_buttons
    # /cancel ends the wait: a .docx sent after it is not taken for the minutes.
    cancelled = await hq.say("/cancel")
    assert cancelled.text == TR.t("common.cancelled")
    await emulator.send_document(hq.id, b"PK-not-taken", "minutes-1-late.docx")
    assert (await hq.next()).text != TR.t("sessions.edited_kept")
    clock.advance(timedelta(minutes=1))
    # Another command ends the wait too, as it ends any prompt.
    await hq.press(draft, TR.t("sessions.btn_edited"))
    await hq.say("/session")
    after = await hq.say("a note, not the minutes")
    assert after.text != TR.t("sessions.edited_expected")
    clock.advance(timedelta(minutes=1))
    ask = await hq.press(draft, TR.t("sessions.btn_edited"))
    stopped = await hq.press(ask, TR.t("sessions.btn_stop_waiting"))
    assert stopped.text == TR.t("sessions.edited_stopped")
    await hq.send("still there?")
    assert TR.t("sessions.edited_expected") not in (await hq.next()).text
    clock.advance(timedelta(minutes=1))
    ask = await hq.press(draft, TR.t("sessions.btn_edited"))
    docx.document.add_paragraph("Addendum: the deputy governor also attended.")
    edited = io.BytesIO()
    docx.document.save(edited)
    await emulator.send_document(hq.id, b"not a docx", "notes.txt")
    assert (await hq.next()).text == TR.t("sessions.edited_not_docx")
    await emulator.send_document(hq.id, edited.getvalue(), "minutes-1-edited.docx")
    kept = await hq.next()
    assert kept.text == TR.t("sessions.edited_kept")

    # The first send of the minutes fails for a moment: the press is handled again, and
    # issuing (already done) sends them rather than refusing as "not possible".
    clock.set(datetime(2026, 12, 6, 8, 30, tzinfo=UTC))  # after the session: it was held
    emulator.fail_method("sendDocument", 502, times=1)
    issued = await hq.press(draft, TR.t("sessions.btn_issue"))
    assert "are issued" in issued.text
    got = await emulator.wait_for_message(bank.id, lambda m: m.kind == "document")
    assert got.document is not None
    assert got.document.file_name == "minutes-1-edited.docx"
    assert emulator.file_bytes(got.document.file_id) == edited.getvalue()
    notice = await bank.next("HQ decision No. 1")
    # The postponed item is free again for the next session.
    free_items = await services.sessions.free_items(cast_principal(services, SECRETARIAT_ID))
    assert [i.title for i in free_items] == ["Frozen accounts of licensed units"]

    board = await hq.say("/compliance")
    assert "HQ decisions implemented, per agency · Year 1405" in board.text
    assert f"{banks_name}: 0% implemented (0 of 1)" in board.text

    # The bank objects within the window; the secretariat upholds it.
    await bank.press(notice, "Object")
    await bank.say("Collateral is set by the central bank's circular, not by us.")
    await hq.next("objected to decision No. 1")
    clock.advance(timedelta(minutes=1))
    listing = await hq.say("/session")
    view = await hq.press(listing, "Session 1")
    upheld = await press_and_answer(emulator, hq, view, "Uphold")
    assert upheld == TR.t("sessions.upheld")
    told = await bank.next("upheld your objection")
    assert "decision No. 1" in told.text
    clock.advance(timedelta(days=30))  # past the deadline: an upheld objection is not overdue
    board = await hq.say("/compliance")
    assert "objected 1 · objections upheld 1" in board.text
    assert "overdue now 0" in board.text


async def test_english_bundle_takes_the_date_its_prompt_shows(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """The bundle prompt shows an English secretary a Gregorian example: typing it makes
    the item (it was "not a valid date"); the agenda then says "1 report"."""
    bank, hq = cast.bank_officer, cast.secretariat
    await services_of(app).users.set_language(SECRETARIAT_ID, "en")
    await file_report(app, cast.other_owner, "bank_finance", unit_name="Qom Tiles")
    await escalate(bank, "1405-0001", "Escalate", "The central bank's circular binds us.")
    await hq.next("1405-0001")
    agenda = await hq.say("/agenda")
    await hq.press_only(agenda, "☐ 1405-0001")
    agenda = await emulator.wait_for_message(hq.id, lambda m: "☑ 1405-0001" in m.button_texts)
    causes = await hq.press(agenda, "Bundle")
    await hq.press(causes, TR.t("hq.cause_bank"))
    example = EN.short_date(clock.now())
    ask = await hq.say("Collateral rules of the lending banks")
    assert ask.text == TR.t("hq.ask_date", example=example)
    created = await hq.say(example)
    assert TR.t("hq.bundled") in created.text, created.text
    # The agenda counts in English plural forms: "1 report", not "1 reports".
    agenda = await hq.say("/agenda")
    one = TR.plural("common.reports_count", 1, n=EN.number(1))
    assert f"session of {EN.date(clock.now())} · {one}" in agenda.text, agenda.text
    assert "1 reports" not in agenda.text
