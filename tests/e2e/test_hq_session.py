"""The HQ session end to end: schedule, invite, agenda to the agencies, a written
position, attendance, two decisions, the minutes as a DOCX checked and issued, the
objection windows, one decision implemented and one overdue, and /compliance."""

from __future__ import annotations

import asyncio
import io
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx.shared import Cm
from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.i18n import get_translator
from emulator import BotApiEmulator
from storage.models_sessions import HQSession, SessionItem
from storage.models_workflow import AgendaItem, Decision
from tests.e2e.expect import fa, heard, says
from tests.e2e.session_kit import (
    amounts_of_items,
    bundle,
    escalate,
    file_with_amount,
    open_docx,
    recompute_board,
    rtl_everywhere,
)
from tests.e2e.test_hq_flow import run_deadline_job
from tests.e2e.workflow_kit import Cast, file_report, press_and_answer, services_of

FA = Presenter("fa")
FA_TR = get_translator("fa")
EN_TR = get_translator("en")
EN = Presenter("en")
# A folder to keep the Persian minutes and the decisions' picture in, for a person to see.
SAVE_MINUTES = os.environ.get("ROUNAQ_SAVE_MINUTES")
LATIN_DIGIT = re.compile(r"[0-9]")


def pause(clock: ManualClock) -> None:
    """A minute between the secretariat's bursts: the bot throttles a user's updates."""
    clock.advance(timedelta(minutes=1))


@pytest.mark.usefixtures("report")
async def test_session_minutes_issue_and_compliance(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    smt, bank, hq, official = cast.officer, cast.bank_officer, cast.secretariat, cast.official
    await file_report(app, cast.other_owner, "bank_finance", unit_name="Qom Tiles")
    services = services_of(app)
    first = await file_with_amount(
        app, cast.owner, "raw_materials", "سهمیهٔ گرانول سه ماه است نرسیده.", 25_000_000_000
    )
    second = await file_with_amount(
        app, cast.other_owner, "bank_finance", "The bank wants 150% collateral.", 150_000_000_000
    )
    # The SMT and the bank send their reports up, each with its reason (what it "said").
    await escalate(smt, "1405-0003", "ارجاع به ستاد", "تأمین سهمیه در اختیار وزارتخانه است.")
    await escalate(bank, "1405-0004", "Escalate", "Collateral rules come from the central bank.")
    await hq.next("۱۴۰۵-۰۰۰۳")
    await hq.next("۱۴۰۵-۰۰۰۴")
    await bundle(hq, emulator, "۱۴۰۵-۰۰۰۳", "کمبود نهاده", "کمبود گرانول پتروشیمی", "۱۴۰۵/۰۹/۱۵")
    await bundle(hq, emulator, "۱۴۰۵-۰۰۰۴", "بانک", "وثیقهٔ ۱۵۰ درصدی بانک‌ها", "۱۴۰۵/۰۹/۱۵")

    pause(clock)
    # --- schedule ------------------------------------------------------------------------
    listing = await hq.say("/session")
    ask_when = await hq.press(listing, fa("sessions.btn_new"))
    assert says(ask_when.text, "sessions.ask_when")
    bad = await hq.say("فردا")
    assert says(bad.text, "sessions.bad_when")
    # Today at 11:00: the outcomes below are recorded once it is held (sessions.check_held).
    await hq.say("۱۴۰۵/۰۹/۰۷ ۱۱:۰۰")
    await hq.say("سالن شهید بهشتی استانداری")
    view = await hq.say("استاندار قم")
    assert says(view.text, "sessions.scheduled")
    assert says(view.text, "sessions.head", number=FA.number(1))
    assert "هفتم آذر ماه ۱۴۰۵ (\u2066۱۴۰۵/۰۹/۰۷\u2069)" in view.text
    assert "ساعت ۱۱:۰۰" in view.text

    # --- invite two agencies, put two items on it ------------------------------------------
    picker = await hq.press(view, fa("sessions.btn_invite"))
    smt_agency = services.directory.agency(cast.smt_id)
    banks_agency = services.directory.agency(cast.banks_id)
    smt_name, banks_name = smt_agency.name("fa"), banks_agency.name("fa")
    # The picker's buttons carry the short names.
    await hq.press_only(picker, smt_agency.short_name("fa"))
    picker = await emulator.wait_for_message(
        hq.id, lambda m: any(b.startswith("☑") for b in m.button_texts)
    )
    await hq.press_only(picker, banks_agency.short_name("fa"))
    picker = await emulator.wait_for_message(
        hq.id, lambda m: sum(b.startswith("☑") for b in m.button_texts) == 2
    )
    view = await hq.press(picker, fa("sessions.btn_done"))
    assert smt_name in view.text
    assert banks_name in view.text
    for title in ("کمبود گرانول", "وثیقهٔ ۱۵۰"):
        free = await hq.press(view, fa("sessions.btn_add"))
        view = await hq.press(free, title)
    for number, title in enumerate(("کمبود گرانول پتروشیمی", "وثیقهٔ ۱۵۰ درصدی بانک‌ها"), 1):
        assert fa("sessions.item_head", number=FA.number(number), title=title) in view.text

    # /agenda shows which session each item waits for.
    agenda = await hq.say("/agenda")
    waits = fa("sessions.waits_for", number=FA.number(1), date="۷ آذر ۱۴۰۵")
    assert agenda.text.count(waits) == 2

    pause(clock)
    # --- the agenda goes to the invited agencies ----------------------------------------------
    sent = await hq.press(view, fa("sessions.btn_send"))
    assert says(sent.text, "sessions.agenda_sent")
    smt_agenda = await heard(smt, "sessions.agenda_to_agency")
    background = fa("sessions.doc_background", reports=FA.number(1), units=FA.number(1))
    assert background in smt_agenda.text
    assert FA.money(25_000_000_000) in smt_agenda.text
    assert "تأمین سهمیه در اختیار وزارتخانه است." in smt_agenda.text
    bank_agenda = await heard(bank, "sessions.agenda_to_agency", lang="en")
    assert EN_TR.t("sessions.doc_background", reports=1, units=1) in bank_agenda.text
    assert EN.money(150_000_000_000) in bank_agenda.text
    assert "Collateral rules come from the central bank." in bank_agenda.text

    # SMT writes its position on item 1 before the session.
    ask = await smt.press(smt_agenda, FA_TR.t("sessions.btn_position", n=FA.number(1)))
    assert "نظر کتبی" in ask.text
    saved = await smt.say("سازمان آمادهٔ پیگیری سهمیه از وزارتخانه در دو هفته است.")
    assert says(saved.text, "sessions.position_saved")

    clock.set(datetime(2026, 11, 28, 7, 31, tzinfo=UTC))  # 11:01 in Tehran: it is held
    # --- the session: attendance and two decisions ---------------------------------------------
    listing = await hq.say("/session")
    view = await hq.press(listing, "جلسهٔ ۱")
    assert says(view.text, "sessions.position_line", agency=smt_name)
    for short, person in (
        (smt_agency.short_name("fa"), "مهندس احمدی، معاون صنعتی"),
        (banks_agency.short_name("fa"), "دکتر رضایی، مدیر هماهنگی"),
    ):
        who = await hq.press(view, fa("sessions.btn_attend"))
        await hq.press(who, short)
        recorded = await hq.say(person)
        assert says(recorded.text, "sessions.attended")

    decisions = (
        (1, "صمت سهمیهٔ گرانول واحدهای دارای پروانه را ظرف ۳۰ روز اعلام کند.", "۳۰ روز"),
        (2, "بانک‌ها وثیقهٔ واحدهای دارای پروانه را به ۱۰۰ درصد کاهش دهند.", "۱۰ روز"),
    )
    for item, text, days in decisions:
        pause(clock)
        await hq.press(view, FA_TR.t("sessions.btn_decide", n=FA.number(item)))
        picker = await hq.say(text)
        assert len([b for b in picker.button_texts if b.startswith("☑")]) == 1
        deadlines = await hq.press(picker, fa("hq.btn_next"))
        decided = await hq.press(deadlines, days)
        assert says(decided.text, "sessions.decided", id=FA.number(item))
        view = await heard(hq, "sessions.head", number=FA.number(1))
    # Not yet told: the agencies hear of the decisions with the minutes.
    assert not any(says(t, "notify.agency_decision") for t in smt.texts())

    pause(clock)
    # --- the minutes, to check ------------------------------------------------------------------
    await hq.press_only(view, fa("sessions.btn_minutes"))
    preview = await emulator.wait_for_message(hq.id, lambda m: m.kind == "photo")
    assert preview.text == fa("sessions.png_caption", number=FA.number(1))
    assert preview.photo
    assert emulator.file_bytes(preview.photo[-1].file_id).startswith(b"\x89PNG")
    draft = await emulator.wait_for_message(hq.id, lambda m: m.kind == "document")
    assert draft.document is not None
    assert draft.document.file_name == "minutes-1-fa.docx"
    raw = emulator.file_bytes(draft.document.file_id)
    if SAVE_MINUTES:
        folder = Path(SAVE_MINUTES)
        await asyncio.to_thread((folder / "hq-session-minutes-fa.docx").write_bytes, raw)
        picture = emulator.file_bytes(preview.photo[-1].file_id)
        await asyncio.to_thread((folder / "hq-session-decisions-fa.png").write_bytes, picture)
    docx = open_docx(raw)
    text = docx.all_text

    # Layout: A4, right to left everywhere, the office font with Vazirmatn as fallback.
    section = docx.document.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert rtl_everywhere(docx) == (0, 0)
    assert 'w:name="B Nazanin"' in docx.font_table()
    assert 'w:altName w:val="Vazirmatn"' in docx.font_table()
    # Heading.
    assert docx.paragraphs[:3] == [
        "استانداری قم",
        "ستاد تسهیل و رفع موانع تولید استان قم",
        "صورتجلسهٔ جلسهٔ شمارهٔ ۱",
    ]
    assert "هفتم آذر ماه ۱۴۰۵ (\u2066۱۴۰۵/۰۹/۰۷\u2069)" in docx.paragraphs[3]
    # Attendance table: header, then the two agencies with their representatives.
    attendance = docx.document.tables[0]
    assert [c.text for c in attendance.rows[0].cells] == [
        "ردیف", "دستگاه", "نام و سمت نماینده", "حضور"
    ]  # fmt: skip
    assert [c.text for c in attendance.rows[1].cells] == [
        "۱", smt_name, "مهندس احمدی، معاون صنعتی", "حاضر"
    ]  # fmt: skip
    assert attendance.rows[2].cells[1].text == banks_name
    # Persian digits only.
    assert LATIN_DIGIT.search(text) is None, LATIN_DIGIT.findall(text)
    # The figures against the database.
    async with services.database.session() as session:
        items = {i.title: i.id for i in await session.scalars(select(AgendaItem))}
        rows = list(await session.scalars(select(Decision).order_by(Decision.id)))
    for title, report in (("کمبود گرانول پتروشیمی", first), ("وثیقهٔ ۱۵۰ درصدی بانک‌ها", second)):
        assert items[title]
        amount = await amounts_of_items(app, [report.id])
        assert f"مبلغ مورد اشاره در گزارش‌ها: {FA.money(amount)}" in text
    assert text.count(background) == 2
    assert "به تفکیک شهرستان: قم (۱)" in text
    assert says(text, "sessions.doc_position", agency=smt_name)
    # A Latin sentence is embedded left to right: its full stop stays after "bank".
    assert "\u202aCollateral rules come from the central bank.\u202c" in text
    for decision in rows:
        assert decision.text in text
        assert (
            f"مهلت اجرا: {FA.date(decision.deadline_at)} ({FA.short_date(decision.deadline_at)})"
            in text
        )
    assert "رئیس جلسه" in text
    assert "دبیر ستاد" in text
    assert "استاندار قم" in docx.document.tables[-1].rows[1].cells[0].text
    assert "امیر" in docx.document.tables[-1].rows[1].cells[1].text
    sign_row = docx.document.tables[-1].rows[2]
    assert sign_row.height is not None
    assert sign_row.height >= Cm(2)  # room to sign

    # Waiting for an edited version: a wrong input is answered in Persian, with the step's
    # buttons; the stop button ends the wait.
    pause(clock)
    ask = await hq.press(draft, fa("sessions.btn_edited"))
    waiting_buttons = [FA_TR.t("sessions.btn_issue"), FA_TR.t("sessions.btn_stop_waiting")]
    assert ask.button_texts == waiting_buttons
    wrong = await hq.say("این هم اصلاحات من")
    assert wrong.text == FA_TR.t("sessions.edited_expected")
    assert wrong.button_texts == waiting_buttons
    stopped = await hq.press(wrong, FA_TR.t("sessions.btn_stop_waiting"))
    assert stopped.text == FA_TR.t("sessions.edited_stopped")

    # --- issue: the attending agencies get it, the objection windows start -------------------
    # Days after the session: the minutes record a meeting that was held.
    clock.set(datetime(2026, 12, 6, 8, 30, tzinfo=UTC))
    issued = await hq.press(draft, fa("sessions.btn_issue"))
    assert says(issued.text, "sessions.issued", number=FA.number(1))
    smt_minutes = await emulator.wait_for_message(smt.id, lambda m: m.kind == "document")
    assert smt_minutes.document is not None
    assert smt_minutes.document.file_name == "minutes-1-fa.docx"
    bank_minutes = await emulator.wait_for_message(bank.id, lambda m: m.kind == "document")
    assert bank_minutes.document is not None
    assert bank_minutes.document.file_name == "minutes-1-en.docx"
    english = open_docx(emulator.file_bytes(bank_minutes.document.file_id))
    assert english.paragraphs[2] == "Minutes of session No. 1"
    assert "Governorate of Qom" in english.paragraphs[0]
    assert rtl_everywhere(english)[0] > 0  # English minutes read left to right
    assert EN.money(150_000_000_000) in english.all_text

    async with services.database.session() as session:
        rows = list(await session.scalars(select(Decision).order_by(Decision.id)))
        held = await session.scalar(select(HQSession))
        outcomes = [i.outcome for i in await session.scalars(select(SessionItem))]
    assert held is not None
    assert held.status == "issued"
    assert outcomes == ["decided", "decided"]
    until = services.sessions.objection_until(clock.now())
    assert all(d.objection_until == until for d in rows)
    assert (until - clock.now()).days == 15
    smt_notice = await heard(smt, "notify.agency_decision", decision=FA.number(1))
    assert FA.date(until) in smt_notice.text
    assert fa("hq.btn_object") in smt_notice.button_texts
    bank_notice = await heard(bank, "notify.agency_decision", lang="en", decision=2)
    assert EN_TR.t("hq.btn_object") in bank_notice.button_texts

    # --- SMT implements its decision; the bank lets its deadline pass ------------------------
    await smt.press(smt_notice, fa("hq.btn_implemented"))
    done = await smt.say("سهمیهٔ گرانول در سامانهٔ بهین‌یاب اعلام شد.")
    assert says(done.text, "hq.responded_implemented")

    # --- the bank is reminded once before its deadline, then marked overdue --------------
    clock.set(rows[1].deadline_at - timedelta(days=1))
    # The job is killed right after the reminder's mark is committed, before any send:
    # the reminder waits in the outbox, written in the same transaction as its mark.
    owed = await services.followups.run(clock.now())
    assert [(n.kind, n.decision_id, n.agency_id) for n in owed] == [
        ("followup_reminder", rows[1].id, cast.banks_id)
    ]
    assert not any("is due on" in t for t in bank.texts())
    assert await services.followups.run(clock.now()) == []  # marked: not owed twice
    await run_deadline_job(app)  # the job after the restart delivers it, once
    reminder = await bank.next("is due on")
    assert "HQ decision No. 2" in reminder.text
    assert "✅ #2 implemented" in reminder.button_texts
    clock.set(rows[1].deadline_at + timedelta(days=1))
    await run_deadline_job(app)
    await bank.next("marked overdue")
    overdue = await hq.next("مصوبهٔ شمارهٔ ۲ را تا")
    assert banks_name in overdue.text
    await run_deadline_job(app)  # once each
    assert sum("is due on" in t for t in bank.texts()) == 1
    assert sum("marked overdue" in t for t in bank.texts()) == 1
    assert sum("مصوبهٔ شمارهٔ ۲ را تا" in t for t in hq.texts()) == 1
    # SMT implemented in time: neither reminded nor marked.
    assert not any("یادآوری:" in t and "مصوبهٔ شمارهٔ ۱ ستاد" in t for t in smt.texts())

    board = await official.say("/compliance")
    expected = await recompute_board(app, clock.now())
    assert [e.agency_id for e in expected] == [cast.banks_id, cast.smt_id]
    blocks = board.text.split("\n\n")[1:]
    for block, line in zip(blocks, expected, strict=True):
        name = services.directory.agency(line.agency_id).name("fa")
        assert block.startswith(name), block
        assert f"{FA.percent(line.share)} اجراشده" in block
        assert f"({FA.number(line.on_time + line.late)} از {FA.number(line.assigned)})" in block
        assert f"به‌موقع {FA.number(line.on_time)}" in block
        assert f"با تأخیر {FA.number(line.late)}" in block
        assert f"معوق اکنون {FA.number(line.overdue)}" in block
        assert f"اعتراض {FA.number(line.objected)}" in block
    assert expected[0].overdue == 1
    assert expected[0].share == 0
    assert expected[1].on_time == 1
    assert expected[1].share == 1
    chart = await official.press(board, "نمودار")
    assert chart.kind == "photo"

    # The periods: this Jalali month holds both decisions too.
    month = await official.press(board, "ماه")
    assert "آذر ۱۴۰۵" in month.text
    assert blocks[0].split("\n")[0] in month.text

    # --- the weekly digest (Saturday) carries the board's head --------------------------
    clock.set(datetime(2026, 12, 12, 6, 30, tzinfo=UTC))  # Saturday 21 Azar 1405, 10:00
    await official.send("/digest")
    weekly = await official.next("اجرای مصوبات ستاد (هفتگی)")
    # SMT implemented on 15 Azar, after the session: within the week, hence the +50.
    assert "سال ۱۴۰۵: ۵۰٪ مصوبات اجرا شده است (+۵۰ واحد درصد نسبت به هفتهٔ پیش)." in weekly.text
    assert f"{banks_name}: ۰٪ (۰ از ۱)، معوق ۱" in weekly.text
    head = weekly.text[weekly.text.index("اجرای مصوبات ستاد (هفتگی)") :]
    assert head.index(banks_name) < head.index(smt_name)  # worst first

    # --- the overdue decision goes back on the next session's agenda ---------------------
    pause(clock)
    refused = await press_and_answer(emulator, hq, overdue, "بازگشت به دستور جلسهٔ بعد")
    assert "جلسهٔ پیش رویی نیست" in refused
    listing = await hq.say("/session")
    await hq.press(listing, "جلسهٔ تازه")
    await hq.say("۱۴۰۵/۱۰/۰۶ ۱۰:۰۰")
    await hq.say("سالن شهید بهشتی استانداری")
    await hq.say("معاون هماهنگی امور اقتصادی استاندار")
    # One button on the overdue notice puts it back; the bank is invited to answer for it.
    requeued = await hq.press(overdue, "بازگشت به دستور جلسهٔ بعد")
    assert "مصوبهٔ شمارهٔ ۲ برای پیگیری در دستور جلسهٔ شمارهٔ ۲" in requeued.text
    assert f"و {banks_name} به آن جلسه دعوت شد" in requeued.text
    second_session = await hq.press(requeued, "جلسهٔ ۲")
    assert "بند ۱: وثیقهٔ ۱۵۰ درصدی بانک‌ها" in second_session.text
    assert FA_TR.t("sessions.requeued_line", agencies=banks_name) in second_session.text
    assert f"دستگاه‌های دعوت‌شده: {banks_name}" in second_session.text
    assert "پیگیری شد ۱" in " ".join(second_session.button_texts)

    # --- /export: the board, the decisions and their histories ---------------------------
    choose = await official.say("/export")
    export = await official.press(choose, "ex:decisions:xlsx")
    assert export.document is not None
    book = load_workbook(io.BytesIO(emulator.file_bytes(export.document.file_id)))
    board_sheet, decisions_sheet, history_sheet = book.worksheets
    assert board_sheet.title == "اجرای مصوبات به تفکیک دستگاه"
    table = [list(r) for r in board_sheet.iter_rows(min_row=2, values_only=True)]
    now_expected = await recompute_board(app, clock.now())
    assert [r[0] for r in table] == [
        services.directory.agency(e.agency_id).name("fa") for e in now_expected
    ]
    assert [r[1:5] for r in table] == [
        [e.assigned, e.on_time, e.late, e.overdue] for e in now_expected
    ]
    assert [r[8] for r in table] == [round(e.share * 100, 1) for e in now_expected]
    assert [r[0] for r in decisions_sheet.iter_rows(min_row=2, values_only=True)] == [1, 2]
    steps = [(r[0], r[3]) for r in history_sheet.iter_rows(min_row=2, values_only=True)]
    assert (1, "اجرا کرد") in steps
    assert (2, "یادآوری شد") in steps
    assert (2, "معوق شد") in steps
    assert (2, "به دستور جلسه بازگشت") in steps
    assert steps.count((1, "صورتجلسه صادر شد")) == 1
