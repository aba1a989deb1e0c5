"""Defects found on the sixth stranger's pass (newcomers, a language switched midway, old
buttons, English officials, the demo's own figures): each pinned by what the person saw.
Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.i18n import get_translator
from emulator import BotApiEmulator
from tests.e2e.workflow_kit import Cast, services_of
from tests.loan_files import HEADER, make_xlsx

FA = get_translator("fa")
EN = get_translator("en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# One bank's list with a single paid facility.
ONE_ROW = [
    HEADER,
    ("1", "فرش ممتاز قم", "بانک ملی", "فرش", "قم", "2500000000000", "سرمایه در گردش",
     "پرداخت‌شده", "1398/05/12"),
]  # fmt: skip


async def test_one_file_one_project_are_not_counted_in_the_plural(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen by an official reading in English after a bank's first list was imported:
    "/digest" said "New since 1 Dec 2026: 1 files, 5 rows", "/loans" said "Paid: … to 1
    projects · realisation 28%" and "All stages: … in 1 files", and the admin who sent a
    one-row file read "File imported: 1 rows". A count of one is singular now."""
    admin, official = cast.admin, cast.official
    for person in (admin, official):
        await services_of(app).users.set_language(person.id, "en")
    await emulator.send_document(admin.id, make_xlsx(ONE_ROW), "melli-1398.xlsx", XLSX)
    done = await admin.next("File imported")
    assert "1 row," in done.text, done.text

    loans = await official.say("/loans 1398")
    assert "to 1 project ·" in loans.text, loans.text
    assert "in 1 file\n" in loans.text, loans.text

    digest = await official.say("/digest")
    assert ": 1 file, 1 row; " in digest.text, digest.text
    assert "to 1 project ·" in digest.text, digest.text
    for shown in (done.text, loans.text, digest.text):
        for wrong in ("1 rows", "1 files", "1 projects"):
            assert wrong not in shown, shown
