"""/stats and /loans show what was written a moment ago (issue 11, item 10). Over HTTP.

Before, /stats was a snapshot refreshed in the background every minute: an official who
had asked once saw "no obstacle report yet" after a report was filed, and the old counts
after it was resolved. The figures are now kept in the writing transaction.
"""

from __future__ import annotations

from bot.context import RounaqApp
from bot.i18n import get_translator
from bot.views.common import status_label
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from tests.e2e.expect import FA_P, says
from tests.e2e.report_steps import SLOW_YARN, report_by_chat
from tests.e2e.test_report_flow import register_unit
from tests.e2e.workflow_kit import Cast, services_of
from tests.loan_files import make_csv, rows_with
from tests.people import Person

FA, EN = get_translator("fa"), get_translator("en")
ENGLISH_OFFICIAL = 3002


def html(message: SentMessage) -> str:
    return message.source_text or message.text


def counted(lang: str, status: str, count: int) -> str:
    tr = get_translator(lang)
    return tr.t("stats.line", label=status_label(tr, status, staff=True), count=count)


async def file_over_http(owner: Person) -> None:
    await register_unit(owner, "فرش نمونه قم")
    await report_by_chat(owner, SLOW_YARN, amount="۲ میلیارد")


async def test_stats_counts_a_report_filed_a_moment_ago_and_its_resolution_at_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    services = services_of(app)
    english = Person(emulator, emulator.add_user(ENGLISH_OFFICIAL, "Olivia", language_code="en"))
    await services.users.touch(english.id, first_name="Olivia", last_name=None, username=None)
    await services.users.set_language(english.id, "en")
    await services.users.grant(english.id, Role.OFFICIAL)
    official = cast.official

    # Both officials look before anything is filed (before, this primed the snapshot).
    assert FA.t("stats.empty") in (await official.say("/stats")).text
    assert EN.t("stats.empty") in (await english.say("/stats")).text

    await file_over_http(cast.owner)
    fa = html(await official.say("/stats"))
    en = html(await english.say("/stats"))
    assert FA.t("stats.total", count=1) in fa
    assert counted("fa", "referred", 1) in fa
    assert EN.t("stats.total", count=1) in en
    assert counted("en", "referred", 1) in en

    # The agency resolves it: both see it resolved, and its time to resolution, at once.
    opened = await cast.officer.say("1405-0001")
    await cast.officer.press(opened, "رفع شد")
    await cast.officer.say("سهمیهٔ نخ از طریق بورس کالا تخصیص یافت.")
    await cast.owner.next("رفع‌شده اعلام کرد")
    fa = html(await official.say("/stats"))
    en = html(await english.say("/stats"))
    assert counted("fa", "resolved", 1) in fa
    assert counted("fa", "referred", 1) not in fa
    assert counted("en", "resolved", 1) in en
    assert counted("en", "referred", 1) not in en
    assert EN.t("stats.timing_none") not in en


async def test_loans_show_an_import_at_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    official, admin = cast.official, cast.admin
    before = await official.say("/loans")
    # The seed has quotas and sources, no rows.
    assert not says(before.text, "loans.records_paid")
    await emulator.send_document(admin.id, make_csv(rows_with()), "melli-1398.csv", "text/csv")
    await admin.next("فایل وارد شد")
    after = await official.say("/loans")
    assert says(
        after.text,
        "loans.records_paid",
        amount=FA_P.money(4_500 * 10**9),
        projects=FA.plural("loans.count_projects", 3),
    )
