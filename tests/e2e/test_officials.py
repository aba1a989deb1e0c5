"""Officials ask for /status, /loans and /stats; an officer posts progress; an admin imports
a bank's spreadsheet and the totals change. Over real HTTP against the emulator."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.context import RounaqApp
from bot.formatting import telegram_length
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from tests.e2e.expect import FA, FA_P, fa, labels, says
from tests.e2e.report_steps import SLOW_YARN, report_by_chat
from tests.e2e.test_report_flow import choose_persian, make_officer, register_unit
from tests.e2e.workflow_kit import services_of
from tests.loan_files import make_csv, make_xlsx, rows_with
from tests.people import Person

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
    assert says(status.text, "programs.title")
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
    assert says(detail.text, "programs.detail_title", number=27)
    assert FA_P.money(9_000 * 10**9) in detail.text
    assert fa("programs.btn_update") not in labels(detail)  # officials do not post

    # The SMT officer posts progress on program 1 through the guided flow.
    choose = await officer.say("/progress")
    ask_percent = await officer.press(choose, "تأمین مواد اولیه")
    assert says(ask_percent.text, "programs.ask_percent", number=1)
    refused = await officer.say("۱۲۰")  # refused, asked again
    assert says(refused.text, "programs.bad_percent", text="۱۲۰")
    ask_note = await officer.say("۴۰٪")
    assert says(ask_note.text, "programs.ask_note")
    ask_evidence = await officer.say("قرارداد تأمین نخ با بورس کالا بسته شد")
    await emulator.send_photo(officer.id, _tiny_png())
    ask_date = await officer.next("تاریخ")
    confirm = await officer.press(ask_date, "امروز")
    if "پیش‌نمایش" not in confirm.text:
        confirm = await officer.next("پیش‌نمایش")
    forty = FA_P.percent(0.4)
    assert says(
        confirm.text, "programs.confirm", percent=forty, evidence=fa("programs.evidence_yes")
    )
    assert ask_evidence is not None
    await officer.press_only(confirm, "ثبت گزارش")
    saved = await officer.next("ثبت شد")
    assert says(saved.text, "programs.saved", number=1, percent=forty)

    detail = await official.say("/status 1")
    assert says(detail.text, "programs.detail_progress", progress=forty)
    assert "🟢" in detail.text
    assert "قرارداد تأمین نخ" in detail.text
    assert fa("programs.btn_evidence") in labels(detail)

    # /loans from the seed: the quota, and each source's figure apart.
    loans = await official.say("/loans")
    year = FA_P.plain_int(1398)
    billion = 10**9
    assert says(loans.text, "loans.title", year=year)
    assert says(loans.text, "loans.quota", amount=FA_P.money(9_000 * billion))
    assert says(
        loans.text,
        "loans.reported_line",
        amount=FA_P.money(11_165 * billion),
        projects=FA.plural("loans.projects", 1160),
        percent=FA_P.percent(1.24),
    )
    reported = FA_P.money(11_000 * billion)
    assert says(loans.text, "loans.reported_line", amount=reported, percent=FA_P.percent(1.22))
    assert "رئیس سازمان صنعت، معدن و تجارت" in loans.text
    tomans = await official.press(loans, "به تومان")
    assert FA_P.money(11_165 * billion, "toman") in tomans.text

    # An admin imports a bank's spreadsheet by sending it; the totals change.
    await emulator.send_document(admin.id, make_xlsx(rows_with()), "melli-1398.xlsx", XLSX)
    done = await admin.next("فایل وارد شد")
    assert says(
        done.text,
        "loans.import_done",
        rows=FA.plural("loans.count_rows", 4),
        amount=FA_P.money(5_300 * billion),
    )
    loans = await official.say("/loans")
    projects = FA.plural("loans.count_projects", 3)
    paid = {
        "amount": FA_P.money(4_500 * billion),
        "projects": projects,
        "percent": FA_P.percent(0.5),
    }
    assert FA.t("loans.records_paid", **paid) in (loans.source_text or "")
    # The sources stay as reported.
    assert says(loans.text, "loans.reported_line", amount=FA_P.money(11_165 * billion))
    by_bank = await official.press(loans, "بانک عامل")
    melli = FA_P.money(2_500 * billion)
    assert says(by_bank.text, "loans.breakdown_line", label="بانک ملی ایران", amount=melli)
    by_month = await official.press(by_bank, "ماه")
    assert FA_P.month_year(1398, 5) in by_month.text
    bank_chart = await official.press(by_month, "نمودار بانک‌ها")
    assert bank_chart.kind == "photo"
    assert says(bank_chart.text, "loans.chart_bank_title", year=year)  # the caption
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
    value = fa("loans.import_error_value", value="بانک ناشناس")
    reason = f"{fa('loans.reason.unknown_bank')} {value}"
    assert says(refused.text, "loans.import_error_line", row=8, reason=reason)
    loans = await official.say("/loans")
    assert FA.t("loans.records_paid", **paid) in (loans.source_text or "")

    # /stats once an owner has reported an obstacle.
    await choose_persian(owner)
    await register_unit(owner, "فرش نمونه قم")
    await report_by_chat(owner, SLOW_YARN, amount="۲ میلیارد")
    stats = await official.say("/stats")
    assert says(stats.text, "stats.title")
    assert says(stats.text, "stats.total", count=1)
    for label in (fa("status.referred"), "سازمان صنعت، معدن و تجارت استان قم", "قم", "فرش"):
        assert fa("stats.line", label=label, count=1) in stats.text
    agencies_chart = await official.press(stats, "نمودار دستگاه‌ها")
    assert agencies_chart.kind == "photo"

    # The status page now lists the report as linked to program 1 (by its category).
    detail = await official.say("/status 1")
    assert FA_P.tracking(1405, 1) in detail.text

    # Owners see no province figures.
    denied = await owner.say("/loans")
    assert says(denied.text, "common.not_allowed")
    assert says((await owner.say("/stats")).text, "common.not_allowed")
    assert says((await owner.say("/export")).text, "common.not_allowed")

    # Exports arrive as documents officials can open.
    menu = await official.say("/export")
    await official.press_only(menu, FA.t("stats.btn_loans_xlsx"))
    sheet = await emulator.wait_for_message(official.id, lambda m: m.kind == "document")
    assert sheet.document is not None
    workbook = load_workbook(io.BytesIO(emulator.file_bytes(sheet.document.file_id)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == fa("stats.col.unit")
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
    assert says((await officer.next()).text, "common.not_allowed")
    overview = await services_of(app).loans.overview()
    assert overview.all_count == 0


def _tiny_png() -> bytes:
    from bot import charts
    from bot.charts import Bar
    from bot.formatting import Presenter

    return charts.horizontal_bars(Presenter("fa"), "مستند", [Bar("الف", 1, "۱")])
