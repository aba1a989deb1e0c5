"""Programs, loans and stats against a real database (SQLite, and PostgreSQL when set up)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.access import Principal
from bot.clock import ManualClock
from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.services.programs import Light, ProgramError
from bot.services.reports import ReportDraft
from bot.text import jalali_to_date
from bot.views.figures import loans_summary
from storage import migrate
from storage.models import Role
from storage.models_loans import LoanFacility
from storage.models_programs import Program
from storage.new_rows import NewReportEvent
from storage.repositories.reports import ReportRepository
from storage.seed import load_dataset, seed_figures
from tests.loan_files import GOOD_ALL_RIALS, GOOD_PAID_RIALS, make_csv, make_xlsx, rows_with
from tests.services_kit import register_unit

OWNER, OFFICER, OTHER_OFFICER, OFFICIAL, ADMIN = 1001, 2001, 2002, 3001, 4001


@pytest.fixture
def service_settings() -> dict[str, Any]:
    return {"admin_ids": frozenset({ADMIN})}


def principal(services: Services, user_id: int, *roles: Role, agency: str = "") -> Principal:
    agency_ids: frozenset[int] = frozenset()
    if agency:
        found = services.directory.agency_by_code(agency)
        assert found is not None
        agency_ids = frozenset({found.id})
    return Principal(user_id, frozenset({Role.OWNER, *roles}), agency_ids)


# --- seed ---------------------------------------------------------------------------------


async def test_the_seed_loads_27_programs_once_and_keeps_edits(services: Services) -> None:
    programs = await services.programs.all()
    assert [p.number for p in programs] == list(range(1, 28))
    first = programs[0]
    assert first.title_fa == "تأمین مواد اولیه و نظارت بر مصرف آن"
    assert services.directory.agency(first.agency_id).code == "smt"
    assert first.category_id == services.directory.category_by_code("raw_materials").id  # type: ignore[union-attr]
    last = programs[-1]
    assert last.target_fa is not None
    assert "۹ هزار میلیارد ریال" in last.target_fa
    admin = principal(services, ADMIN, Role.ADMIN)
    await services.programs.edit(admin, first.id, "title_fa", "عنوان ویرایش‌شده")
    # A second start loads the data set again: nothing is added twice, nothing overwritten.
    await seed_figures(
        services.database,
        load_dataset("qom"),
        services.directory.province_id,
        to_date=jalali_to_date,
    )
    async with services.database.session() as session:
        count = await session.scalar(select(func.count()).select_from(Program))
    assert count == 27
    again = await services.programs.by_number(1)
    assert again is not None
    assert again.title_fa == "عنوان ویرایش‌شده"


async def test_seed_totals_give_124_percent_with_each_source_apart(services: Services) -> None:
    overview = await services.loans.overview()
    assert overview.year == 1398
    assert overview.quota is not None
    assert overview.quota.amount_rials == 9_000 * 10**9
    by_source = {r.source_code: r for r in overview.reported}
    assert set(by_source) == {"smt_head", "gov_econ_deputy"}
    smt = by_source["smt_head"]
    assert (smt.projects, smt.amount_rials) == (1160, 11_165 * 10**9)
    assert overview.realisation(smt.amount_rials) == Decimal(11165) / Decimal(9000)
    fa = Presenter("fa")
    assert fa.percent(overview.realisation(smt.amount_rials) or 0) == "۱۲۴٪"
    text = loans_summary(get_translator("fa"), fa, overview, "rial")
    assert "۱۱ هزار و ۱۶۵ میلیارد ریال" in text
    assert "۱۱ هزار میلیارد ریال" in text  # the deputy's rounded figure, on its own line
    assert "۹ هزار میلیارد ریال" in text
    assert "۱٬۱۶۰ طرح" in text
    assert "۱۲۴٪" in text
    assert "۱۲۲٪" in text
    toman = loans_summary(get_translator("fa"), fa, overview, "toman")
    assert "هزار و ۱۱۶٫۵ میلیارد تومان" in toman


# --- loans import -------------------------------------------------------------------------


async def test_import_round_trip_and_totals(services: Services) -> None:
    result = await services.loans.import_file(
        make_xlsx(rows_with()), "melli.xlsx", imported_by=ADMIN
    )
    assert result.imported, result
    assert (result.rows, result.total_rials, result.skipped_total_rows) == (4, GOOD_ALL_RIALS, 1)
    overview = await services.loans.overview()
    assert (overview.paid_count, overview.paid_rials) == (3, GOOD_PAID_RIALS)
    assert (overview.all_count, overview.all_rials) == (4, GOOD_ALL_RIALS)
    banks = {services.directory.agency(int(str(s.key))).code: s for s in overview.breakdown("bank")}
    assert banks["melli"].amount_rials == 2_500 * 10**9  # only paid rows count here
    assert banks["mellat"].amount_rials == 1_500 * 10**9
    months = [(s.key, s.amount_rials) for s in overview.breakdown("month")]
    assert months == [(139805, 2_500 * 10**9), (139806, 2_000 * 10**9)]
    stages = {s.key: s.count for s in overview.breakdown("stage")}
    assert stages == {"paid": 3, "approved_bank": 1}
    types = {s.key: s.amount_rials for s in overview.breakdown("type")}
    assert types == {"working": 3_000 * 10**9, "fixed": 1_500 * 10**9}
    # The same file again is refused, and the figures stay as they were.
    again = await services.loans.import_file(make_xlsx(rows_with()), "copy.xlsx", imported_by=ADMIN)
    assert not again.imported
    assert again.duplicate_of is not None
    assert again.duplicate_of[0] == "melli.xlsx"
    assert (await services.loans.overview()).all_count == 4


async def test_a_broken_row_imports_nothing(services: Services) -> None:
    broken = ("9", "واحد خراب", "ملی", "فرش", "قم", "abc", "سرمایه ثابت", "پرداخت‌شده", "1398/01/01")
    result = await services.loans.import_file(
        make_csv(rows_with(broken)), "bank.csv", imported_by=ADMIN
    )
    assert not result.imported
    assert [(e.row, e.reason) for e in result.errors] == [(8, "bad_amount")]
    async with services.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(LoanFacility)) == 0
    overview = await services.loans.overview()
    assert overview.all_count == 0


# --- programs -----------------------------------------------------------------------------


async def test_only_the_responsible_agency_posts_progress(
    services: Services, clock: ManualClock
) -> None:
    program = await services.programs.by_number(1)  # SMT's
    assert program is not None
    assert services.programs.light(program) is Light.GREY
    banker = principal(services, OTHER_OFFICER, Role.OFFICER, agency="banks")
    with pytest.raises(ProgramError) as refused:
        await services.programs.post_update(
            banker, program.id, percent=10, note="ثبت نباید بشود", reported_on=date(2026, 11, 27)
        )
    assert refused.value.reason == "not_your_agency"
    official = principal(services, OFFICIAL, Role.OFFICIAL)
    with pytest.raises(ProgramError):
        await services.programs.post_update(
            official, program.id, percent=10, note="مقام استانی", reported_on=date(2026, 11, 27)
        )
    officer = principal(services, OFFICER, Role.OFFICER, agency="smt")
    with pytest.raises(ProgramError) as future:
        await services.programs.post_update(
            officer, program.id, percent=10, note="فردا", reported_on=date(2026, 12, 30)
        )
    assert future.value.reason == "date_future"
    await services.programs.post_update(
        officer,
        program.id,
        percent=40,
        note="تأمین نخ از بورس کالا",
        reported_on=date(2026, 11, 27),
    )
    # An older measurement typed later does not move the progress back.
    await services.programs.post_update(
        officer, program.id, percent=25, note="گزارش دیرکرد", reported_on=date(2026, 10, 1)
    )
    page = await services.programs.page(1)
    assert page is not None
    assert page.program.progress == 40
    assert [u.percent for u in page.updates] == [25, 40]  # newest posted first
    assert page.light is Light.GREEN
    clock.advance(timedelta(days=31))
    assert services.programs.light(page.program) is Light.YELLOW


async def test_behind_schedule_is_red(services: Services) -> None:
    admin = principal(services, ADMIN, Role.ADMIN)
    program = await services.programs.by_number(3)
    assert program is not None
    # Started a year ago, due in a month: about 92% expected, 0% done.
    await services.programs.edit(admin, program.id, "starts_on", date(2025, 11, 28))
    await services.programs.edit(admin, program.id, "due_on", date(2026, 12, 28))
    updated = await services.programs.by_number(3)
    assert updated is not None
    assert services.programs.light(updated) is Light.RED
    with pytest.raises(ProgramError):
        await services.programs.edit(
            principal(services, OFFICIAL, Role.OFFICIAL), program.id, "title_fa", "x"
        )


async def test_reports_link_by_category_and_by_the_secretariat(services: Services) -> None:
    d = services.directory
    await services.users.touch(OWNER, first_name="رضا", last_name=None, username=None)
    unit = await register_unit(services, OWNER, "فرش نمونه", phone="09120000000")
    raw = d.category_by_code("raw_materials")
    tax = d.category_by_code("tax")
    assert raw is not None
    assert tax is not None
    first = await services.reports.submit(
        OWNER, ReportDraft(unit.id, raw.id, "نخ نایاب است و گران")
    )
    second = await services.reports.submit(
        OWNER, ReportDraft(unit.id, tax.id, "مالیات علی‌الرأس سنگین")
    )
    page = await services.programs.page(1)  # raw materials: linked by category
    assert page is not None
    assert (page.linked_total, [r.id for r in page.linked]) == (1, [first.report.id])
    secretariat = principal(services, 5001, Role.SECRETARIAT)
    number = (second.report.year, second.report.seq)
    assert await services.programs.link_report(secretariat, 1, number)
    assert not await services.programs.link_report(secretariat, 1, number)  # already linked
    # Linking a report of the program's own category by hand does not count it twice.
    assert await services.programs.link_report(
        secretariat, 1, (first.report.year, first.report.seq)
    )
    page = await services.programs.page(1)
    assert page is not None
    assert page.linked_total == 2
    assert {(r.id, r.explicit) for r in page.linked} == {
        (first.report.id, True),
        (second.report.id, True),
    }
    with pytest.raises(ProgramError):
        await services.programs.link_report(principal(services, OWNER), 1, number)
    assert await services.programs.link_report(secretariat, 1, number, link=False)


# --- stats --------------------------------------------------------------------------------


async def test_stats_medians_overdue_and_weekly_trend(
    services: Services, clock: ManualClock
) -> None:
    d = services.directory
    await services.users.touch(OWNER, first_name="رضا", last_name=None, username=None)
    unit = await register_unit(
        services, OWNER, "سوهان نمونه", sector="sohan", county="kahak", phone="09120000000"
    )
    raw = d.category_by_code("raw_materials")
    assert raw is not None
    # The agency has an officer, so the reports stay with it (not sent to the HQ).
    agency = services.reports.routed_agency(raw.id, unit.sector_id, unit.county_id)
    await services.users.touch(2001, first_name="مریم", last_name=None, username=None)
    await services.users.grant(2001, Role.OFFICER, agency_id=agency.id)
    start = clock.now()
    reports = []
    for _ in range(3):
        submission = await services.reports.submit(
            OWNER, ReportDraft(unit.id, raw.id, "کمبود شکر و گلوکز")
        )
        reports.append(submission.report)
    # The agency responds after 1, 2 and 5 hours; the owner's own follow-up never counts.
    async with services.database.transaction() as session:
        repo = ReportRepository(session)
        await repo.add_event(
            NewReportEvent(
                reports[0].id, "comment", actor_id=OWNER, created_at=start + timedelta(minutes=5)
            )
        )
        for report, hours in zip(reports, (1, 2, 5), strict=True):
            await repo.add_event(
                NewReportEvent(
                    report.id,
                    "accepted",
                    actor_id=OFFICER,
                    to_status="in_progress",
                    created_at=start + timedelta(hours=hours),
                )
            )
        await repo.add_event(
            NewReportEvent(
                reports[0].id,
                "resolved",
                actor_id=OFFICER,
                to_status="resolved",
                created_at=start + timedelta(days=3),
            )
        )
    snapshot = await services.stats.snapshot()
    smt = d.agency_by_code("smt")
    assert smt is not None
    assert snapshot.total == 3
    assert snapshot.by_agency == ((smt.id, 3),)
    assert snapshot.by_county == ((d.county_by_code("kahak").id, 3),)  # type: ignore[union-attr]
    assert snapshot.by_status == (("referred", 3),)
    (timing,) = snapshot.timings
    assert timing.agency_id == smt.id
    assert timing.responded == 3
    assert timing.median_first_response_s == pytest.approx(7200, abs=1)
    assert timing.resolved == 1
    assert timing.median_resolution_s == pytest.approx(3 * 86400, abs=1)
    assert snapshot.overdue_total == 0
    assert snapshot.weekly[-1][1] == 3
    assert sum(n for _, n in snapshot.weekly) == 3
    assert snapshot.weekly[-1][0] == date(2026, 11, 28)  # Saturday: the week's first day
    # A report filed a second later is counted at once: the figures are kept on write.
    await services.reports.submit(OWNER, ReportDraft(unit.id, raw.id, "گلوکز هم کمیاب شد"))
    clock.advance(timedelta(seconds=1))
    assert (await services.stats.snapshot()).total == 4
    # Past the deadline (7 working days for raw materials): overdue as time goes by.
    clock.advance(timedelta(days=14))
    later = await services.stats.snapshot()
    assert later.overdue == ((smt.id, 4),)
    assert later.weekly[-1][1] == 0
    assert later.weekly[-3][1] == 4


async def test_migration_stairway(empty_database_url: str) -> None:
    from storage.db import Database

    database = Database(empty_database_url)
    try:
        await migrate.upgrade(database, "0003")
        await migrate.downgrade(database, "0001")
        await migrate.upgrade(database, "0003")
        assert await migrate.current_revision(database) == "0003"
    finally:
        await database.dispose()
