"""Officials ask for /status, /loans and /stats; an officer posts progress; an admin imports
a bank's spreadsheet and the totals change. Over real HTTP against the emulator."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.context import RounaqApp
from bot.formatting import telegram_length
from bot.i18n import get_translator
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from tests.e2e.report_steps import SLOW_YARN, report_by_chat
from tests.e2e.test_report_flow import choose_persian, make_officer, register_unit
from tests.e2e.workflow_kit import services_of
from tests.loan_files import make_csv, make_xlsx, rows_with
from tests.people import Person

FA = get_translator("fa")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def make(app: RounaqApp, person: Person, role: Role) -> None:
    services = services_of(app)
    await services.users.touch(
        person.id, first_name=person.user.first_name, last_name=None, username=None
    )
    await services.users.grant(person.id, role)


def photo_bytes(emulator: BotApiEmulator, message: SentMessage) -> bytes:
    assert message.kind == "photo"
    assert message.photo
    return emulator.file_bytes(message.photo[-1].file_id)


async def test_an_official_gets_status_loans_and_stats_with_charts(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    official, officer, admin, owner = (
        people["official"], people["officer"], people["admin"], people["owner"],
    )  # fmt: skip
    await make(app, official, Role.OFFICIAL)
    await make_officer(app, officer, "smt")

    # /status: every program, at a glance, in messages Telegram accepts.
    status = await official.say("/status")
    assert "برنامه‌های کلیدی" in status.text
    assert "تأمین مواد اولیه و نظارت بر مصرف آن" in status.text
    assert "سازمان صنعت، معدن و تجارت استان قم" in status.text
    assert "⚪" in status.text  # nothing reported yet
    assert telegram_length(status.source_text or "") <= 4096
    pages = [status.text]
    while any("بعدی" in b for b in status.button_texts):
        status = await official.press(status, "بعدی")
        pages.append(status.text)
    assert "پرداخت تسهیلات رونق تولید" in "\n".join(pages)  # program 27, wherever it fell
    chart = await official.press(status, "نمودار پیشرفت")
    assert chart.kind == "photo"
    assert photo_bytes(emulator, chart)[:8] == b"\x89PNG\r\n\x1a\n"

    detail = await official.say("/status ۲۷")
    assert "برنامهٔ ۲۷" in detail.text
    assert "۹ هزار میلیارد ریال" in detail.text
    assert "ثبت پیشرفت" not in " ".join(detail.button_texts)  # officials do not post

    # The SMT officer posts progress on program 1 through the guided flow.
    choose = await officer.say("/progress")
    ask_percent = await officer.press(choose, "تأمین مواد اولیه")
    assert "درصد" in ask_percent.text
    assert "۱۲۰" in (await officer.say("۱۲۰")).text  # refused, asked again
    ask_note = await officer.say("۴۰٪")
    assert "کوتاه" in ask_note.text
    ask_evidence = await officer.say("قرارداد تأمین نخ با بورس کالا بسته شد")
    await emulator.send_photo(officer.id, _tiny_png())
    ask_date = await officer.next("تاریخ")
    confirm = await officer.press(ask_date, "امروز")
    if "پیش‌نمایش" not in confirm.text:
        confirm = await officer.next("پیش‌نمایش")
    assert "۴۰٪" in confirm.text
    assert "دارد" in confirm.text
    assert ask_evidence is not None
    await officer.press_only(confirm, "ثبت گزارش")
    saved = await officer.next("ثبت شد")
    assert "برنامهٔ ۱" in saved.text

    detail = await official.say("/status 1")
    assert "۴۰٪" in detail.text
    assert "🟢" in detail.text
    assert "قرارداد تأمین نخ" in detail.text
    assert any("مستند" in b for b in detail.button_texts)

    # /loans from the seed: the quota, and each source's figure apart.
    loans = await official.say("/loans")
    assert "تسهیلات رونق تولید — سال ۱۳۹۸" in loans.text
    assert "سهمیهٔ استان: ۹ هزار میلیارد ریال" in loans.text
    assert "۱۱ هزار و ۱۶۵ میلیارد ریال برای ۱٬۱۶۰ طرح — تحقق ۱۲۴٪" in loans.text
    assert "۱۱ هزار میلیارد ریال — تحقق ۱۲۲٪" in loans.text
    assert "رئیس سازمان صنعت، معدن و تجارت" in loans.text
    tomans = await official.press(loans, "به تومان")
    assert "هزار و ۱۱۶٫۵ میلیارد تومان" in tomans.text

    # An admin imports a bank's spreadsheet by sending it; the totals change.
    await emulator.send_document(admin.id, make_xlsx(rows_with()), "melli-1398.xlsx", XLSX)
    done = await admin.next("فایل وارد شد")
    assert "۴ ردیف" in done.text
    assert "۵ هزار و ۳۰۰ میلیارد ریال" in done.text
    loans = await official.say("/loans")
    paid = {"amount": "۴ هزار و ۵۰۰ میلیارد ریال", "count": 3, "percent": "۵۰٪"}
    assert FA.t("loans.records_paid", **paid) in (loans.source_text or "")
    assert "۱۱ هزار و ۱۶۵ میلیارد ریال" in loans.text  # the sources stay as reported
    by_bank = await official.press(loans, "بانک عامل")
    assert "بانک ملی ایران: ۲ هزار و ۵۰۰ میلیارد ریال" in by_bank.text
    by_month = await official.press(by_bank, "ماه")
    assert "مرداد ۱۳۹۸" in by_month.text
    bank_chart = await official.press(by_month, "نمودار بانک‌ها")
    assert bank_chart.kind == "photo"
    assert "بانک عامل" in bank_chart.text  # the caption
    assert len(photo_bytes(emulator, bank_chart)) > 10_000

    # A file with a broken row: nothing is imported, the row is named.
    broken = (
        "۹",
        "واحد ناقص",
        "بانک ناشناس",
        "",
        "",
        "۱۰۰",
        "سرمایه ثابت",
        "پرداخت‌شده",
        "1398/01/01",
    )
    await emulator.send_document(admin.id, make_csv(rows_with(broken)), "bad.csv", "text/csv")
    refused = await admin.next("وارد نشد")
    assert "ردیف ۸: بانک شناخته نشد «بانک ناشناس»" in refused.text
    loans = await official.say("/loans")
    assert "۴ هزار و ۵۰۰ میلیارد ریال" in loans.text

    # /stats once an owner has reported an obstacle.
    await choose_persian(owner)
    await register_unit(owner, "فرش نمونه قم")
    await report_by_chat(owner, SLOW_YARN, amount="۲ میلیارد")
    stats = await official.say("/stats")
    assert "آمار گزارش‌های مانع تولید" in stats.text
    assert "همهٔ گزارش‌ها: ۱" in stats.text
    assert "ارجاع‌شده: ۱" in stats.text
    assert "سازمان صنعت، معدن و تجارت استان قم: ۱" in stats.text
    assert "قم: ۱" in stats.text
    assert "فرش: ۱" in stats.text
    agencies_chart = await official.press(stats, "نمودار دستگاه‌ها")
    assert agencies_chart.kind == "photo"

    # The status page now lists the report as linked to program 1 (by its category).
    detail = await official.say("/status 1")
    assert "۱۴۰۵-۰۰۰۱" in detail.text

    # Owners see no province figures.
    denied = await owner.say("/loans")
    assert "دسترسی" in denied.text
    assert "دسترسی" in (await owner.say("/stats")).text
    assert "دسترسی" in (await owner.say("/export")).text

    # Exports arrive as documents officials can open.
    menu = await official.say("/export")
    await official.press_only(menu, FA.t("stats.btn_loans_xlsx"))
    sheet = await emulator.wait_for_message(official.id, lambda m: m.kind == "document")
    assert sheet.document is not None
    workbook = load_workbook(io.BytesIO(emulator.file_bytes(sheet.document.file_id)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "واحد"
    assert len(rows) == 5
    assert {r[4] for r in rows[1:]} == {2_500 * 10**9, 1_500 * 10**9, 500 * 10**9, 800 * 10**9}
    await official.press_only(menu, FA.t("stats.btn_reports_csv"))
    report_csv = await emulator.wait_for_message(
        official.id, lambda m: m.kind == "document" and m.message_id != sheet.message_id
    )
    assert report_csv.document is not None
    text = emulator.file_bytes(report_csv.document.file_id).decode("utf-8-sig")
    assert "1405-0001" in text
    assert "فرش نمونه قم" in text


async def test_forged_and_foreign_buttons_are_refused(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    official, owner, officer = people["official"], people["owner"], people["officer"]
    await make(app, official, Role.OFFICIAL)
    await make_officer(app, officer, "banks")
    loans = await official.say("/loans")
    # The owner replays the official's button data, and garbage.
    for data in ("ln:bank:r:1398", "ln:bank:x:1398", "lnc:bank:r:abc", "ex:loans:xlsx", "pg:u:1"):
        await emulator.press_raw(owner.id, owner.id, loans.message_id, data)
    await emulator.wait_until(lambda: len(emulator.callback_answers(owner.id)) >= 5)
    assert all(a.show_alert for a in emulator.callback_answers(owner.id))
    assert not [m for m in emulator.messages(owner.id) if m.kind == "document"]
    # A bank officer cannot post progress on an SMT program.
    await emulator.press_raw(officer.id, officer.id, loans.message_id, "pg:u:1")
    await emulator.wait_until(lambda: len(emulator.callback_answers(officer.id)) >= 1)
    assert emulator.callback_answers(officer.id)[0].show_alert
    # An officer is not an admin: a spreadsheet from them imports nothing.
    await emulator.send_document(officer.id, make_xlsx(rows_with()), "x.xlsx", XLSX)
    assert "دسترسی" in (await officer.next()).text
    overview = await services_of(app).loans.overview()
    assert overview.all_count == 0


def _tiny_png() -> bytes:
    from bot import charts
    from bot.charts import Bar
    from bot.formatting import Presenter

    return charts.horizontal_bars(Presenter("fa"), "مستند", [Bar("الف", 1, "۱")])
