"""One database, two provinces' bots: a ministry official's /national rolls them up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.services.base import ServiceDeps
from bot.services.calendar import WorkCalendar
from bot.services.directory import Directory
from bot.services.loans import LoanService
from bot.services.reports import ReportDraft, ReportError, ReportService
from bot.services.units import UnitService
from bot.text import jalali_to_date
from emulator import BotApiEmulator
from storage.models import Role
from storage.seed import Dataset, load_dataset, seed_figures, seed_province
from tests.e2e.expect import fa as fa_text
from tests.e2e.expect import piece, says
from tests.e2e.owner_kit import staff_every_agency
from tests.e2e.report_steps import finish_report, report_up_to_attachments
from tests.e2e.test_report_flow import owner_registered
from tests.e2e.workflow_kit import services_of
from tests.loan_files import GOOD_ROWS, HEADER, TITLE_ROW, make_csv, rows_with
from tests.people import Person
from tests.services_kit import licensed_unit, seeded_agency


def isfahan_dataset() -> Dataset:
    """Qom's data set under another province's name: a second province's bot."""
    qom = load_dataset("qom")
    return qom.model_copy(
        update={
            "province": qom.province.model_copy(
                update={"code": "isfahan", "name_fa": "اصفهان", "name_en": "Isfahan"}
            )
        }
    )


async def second_province_with_reports(app: RounaqApp, clock: ManualClock, reports: int) -> int:
    """Another province in the same database, as its own bot would fill it."""
    services = services_of(app)
    isfahan = isfahan_dataset()
    province_id = await seed_province(services.database, isfahan)
    await seed_figures(services.database, isfahan, province_id, to_date=jalali_to_date)
    directory = Directory(services.database, "isfahan")
    await directory.reload()
    await staff_every_agency(services, directory)  # the reports stay with their agencies
    await services.users.touch(1501, first_name="Ali", last_name=None, username=None)
    unit = await UnitService(services.database, directory).register(
        1501,
        licensed_unit(directory, "کاشی کاشان", "989130000000"),
    )
    service = ReportService(
        ServiceDeps(services.database, directory, clock, WorkCalendar(tz=services.settings.tz))
    )
    for i in range(reports):
        await service.submit(
            1501,
            ReportDraft(
                unit_id=unit.id,
                category_id=directory.categories[0].id,
                description=f"مانع شمارهٔ {i} در اصفهان",
            ),
        )
    # A unit of one province cannot be used through another province's bot.
    with pytest.raises(ReportError, match="unit_not_yours"):
        await services.reports.submit(
            1501,
            ReportDraft(unit_id=unit.id, category_id=services.directory.categories[0].id,
                        description="از راه ربات استانی دیگر"),
        )  # fmt: skip
    return directory.province_id


async def test_the_ministry_sees_every_province_and_others_do_not(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    await second_province_with_reports(app, clock, reports=3)
    owner = people["owner"]
    await owner_registered(app, owner, people["officer"])
    await finish_report(owner, await report_up_to_attachments(owner))
    clock.advance(timedelta(days=30))  # every report is now past its deadline

    minister = people["official"]
    await services.users.touch(minister.id, first_name="سارا", last_name=None, username=None)
    await services.users.grant(minister.id, Role.MINISTRY)
    answer = await minister.say("/national")
    assert says(answer.text, "national.title")
    fa = get_translator("fa")
    source = answer.source_text or ""
    assert fa.t("national.province_line", province="قم", reports=1, overdue=1) in source
    assert fa.t("national.province_line", province="اصفهان", reports=3, overdue=3) in source
    assert fa.t("national.total_line", reports=4, overdue=4) in source
    referred = fa_text("national.status_count", status=fa_text("status.referred"), n=4)
    assert referred in answer.text
    refused = await owner.say("/national")
    assert says(refused.text, "common.not_allowed")

    rollup = await services.national.report_rollup()
    assert [(p.province.code, p.total) for p in rollup.provinces] == [("qom", 1), ("isfahan", 3)]
    figures = await services.national.across_provinces(lambda p: _name_length(p.name_en))
    assert [(p.code, n) for p, n in figures] == [("qom", 3), ("isfahan", 7)]


async def _name_length(name: str) -> int:
    return len(name)


async def test_the_ministry_sees_programs_and_loans_per_province_and_the_total(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    await second_province_with_reports(app, clock, reports=1)
    isfahan = Directory(services.database, "isfahan")
    await isfahan.reload()
    # Each province's bot imports its own banks' list: Qom the whole file, Isfahan one row.
    assert (
        await services.loans.import_file(make_csv(rows_with()), "qom.csv", imported_by=None)
    ).imported
    isfahan_loans = LoanService(services.database, isfahan, clock)
    one_row = [TITLE_ROW, (), HEADER, GOOD_ROWS[0]]
    assert (
        await isfahan_loans.import_file(make_csv(one_row), "isf.csv", imported_by=None)
    ).imported
    # Qom's SMT reports progress on program 1.
    officer = people["officer"]
    await services.users.touch(officer.id, first_name="مریم", last_name=None, username=None)
    smt = seeded_agency(services, "smt")
    await services.users.grant(officer.id, Role.OFFICER, agency_id=smt.id)
    [program] = [p for p in await services.programs.all() if p.number == 1]
    principal = (await services.users.profile(officer.id)).principal
    await services.programs.post_update(
        principal, program.id, percent=54, note="پیشرفت خوب", reported_on=clock.now().date()
    )
    programs = len(await services.programs.all())

    minister = people["official"]
    await services.users.touch(minister.id, first_name="سارا", last_name=None, username=None)
    await services.users.grant(minister.id, Role.MINISTRY)
    fmt = Presenter(lang="fa", tz=services.settings.tz)

    status = await minister.say("/status")
    assert says(status.text, "national_figures.programs_title")
    lines = {
        "قم": (programs, 0.02),  # 54 / 27
        "اصفهان": (programs, 0),
        fa_text("national_figures.total"): (2 * programs, 0.01),
    }
    for province, (count, progress) in lines.items():
        assert says(
            status.text,
            "national_figures.programs_line",
            province=province,
            programs=count,
            progress=fmt.percent(progress),
        ), province
    assert f"🟢 {fmt.number(1)}" in status.text  # Qom's updated program is on track

    loans = await minister.say("/loans")
    text = loans.text
    assert says(text, "national_figures.loans_title", year=fmt.plain_int(1398))
    billion = 10**9
    rows = [  # Qom's imported rows, Isfahan's one
        ("قم", 9_000, 4_500, 3, 0.5),
        ("اصفهان", 9_000, 2_500, 1, 0.28),
    ]
    for province, quota, paid, count, percent in rows:
        assert says(
            text,
            "national_figures.loans_province",
            province=province,
            quota=fmt.money(quota * billion),
            paid=fmt.money(paid * billion),
            projects=get_translator("fa").plural("loans.count_projects", count),
            percent=fmt.percent(percent),
        )
    assert says(
        text,
        "national_figures.loans_total",
        quota=fmt.money(18_000 * billion),
        paid=fmt.money(7_000 * billion),
        projects=get_translator("fa").plural("loans.count_projects", 4),
        percent=fmt.percent(0.39),
    )
    # Each source's announced total stays on its own line, per province: never summed.
    assert text.count(fmt.money(11_165 * billion)) == 2
    assert fmt.money(22_330 * billion) not in text

    # A provincial official keeps the province's own views.
    official = people["admin"]
    own = await official.say("/status")
    assert piece("national_figures.programs_title") not in own.text
    assert says(own.text, "programs.title")
