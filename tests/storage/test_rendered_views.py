"""Every view rendered from the real seeded province, in both languages (issues 11 and 13).

Persian: no "·" or "." beside a Persian digit, tracking numbers, "/" dates and /commands
isolated, no Latin letter outside an isolate. English: not one Persian letter (no "، "
joining, no Persian scale words or names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from bot.access import Principal, ReportAction
from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import Translator, get_translator
from bot.services.loan_import import RowError
from bot.services.loans import ImportResult
from bot.services.reports import ReportDraft, ReportView
from bot.services.units import UnitDraft
from bot.services.workflow import WorkflowError
from bot.views.common import (
    report_card,
    report_list_line,
    report_with_history,
    status_label,
    unit_summary,
    workflow_error,
)
from bot.views.figures import (
    Unit,
    import_summary,
    loans_breakdown,
    loans_summary,
    national_loans,
    national_programs,
    program_detail,
    stats_text,
    status_pages,
)
from handlers.national import render_rollup
from storage.dto import ReportDTO, UnitDTO
from storage.models import Agency, PermitStatus, ReportStatus, Role
from storage.seed import load_dataset, seed_province
from tests.display_rules import check_en, check_fa
from tests.loan_files import make_xlsx, rows_with
from tests.services_kit import seeded_agency

OWNER, OFFICER, ADMIN = 1001, 2001, 4001
UNIT = "فرش ممتاز قم"
DESCRIPTION = "تأمین مواد اولیه با قیمت سه برابر؛ تولید نیمه متوقف است."
QUESTION = "مقدار مصرف ماهانهٔ ۱۲ تن را تأیید کنید"
PROGRESS_NOTE = "تأمین نخ از بورس کالا"
# What people typed stays as they typed it in either language; the checks are about
# what the bot itself says.
TYPED = (DESCRIPTION, UNIT, QUESTION, PROGRESS_NOTE, "بانک ناشناس", "رضا", "مریم")
DIMENSIONS = ("bank", "sector", "county", "type", "stage", "month")


@pytest.fixture
def service_settings() -> dict[str, Any]:
    return {"admin_ids": frozenset({ADMIN})}


def _principal(services: Services, user_id: int, *roles: Role, agency: str = "") -> Principal:
    found = services.directory.agency_by_code(agency) if agency else None
    agencies = frozenset({found.id}) if found is not None else frozenset[int]()
    return Principal(user_id, frozenset({Role.OWNER, *roles}), agencies)


@dataclass(frozen=True)
class World:
    unit: UnitDTO
    report: ReportDTO
    view: ReportView


async def _world(services: Services) -> World:
    """A report with a history, a program with progress and a linked report, loans."""
    directory = services.directory
    sector, county = directory.sector_by_code("carpet"), directory.county_by_code("qom")
    category = directory.category_by_code("raw_materials")
    assert sector is not None
    assert county is not None
    assert category is not None
    await services.users.touch(OWNER, first_name="رضا", last_name=None, username="reza")
    await services.users.touch(OFFICER, first_name="مریم", last_name=None, username=None)
    smt = directory.agency_by_code("smt")
    assert smt is not None
    await services.users.grant(OFFICER, Role.OFFICER, agency_id=smt.id)
    unit = await services.units.register(
        OWNER, UnitDraft(UNIT, sector.id, county.id, PermitStatus.LICENSED, "09121234567")
    )
    submitted = await services.reports.submit(
        OWNER,
        ReportDraft(
            unit_id=unit.id,
            category_id=category.id,
            description=DESCRIPTION,
            amount_rials=25_000_000_000,
        ),
    )
    report = submitted.report
    officer = _principal(services, OFFICER, Role.OFFICER, agency="smt")
    await services.workflow.act(officer, ReportAction.ACCEPT, report.id)
    await services.workflow.act(officer, ReportAction.ASK, report.id, note=QUESTION)
    view = await services.reports.view(officer, report.id)
    assert view is not None
    admin = _principal(services, ADMIN, Role.ADMIN)
    await services.programs.link_report(admin, 1, (report.year, report.seq))
    program = await services.programs.by_number(1)
    assert program is not None
    await services.programs.post_update(
        officer, program.id, percent=40, note=PROGRESS_NOTE, reported_on=date(2026, 11, 27)
    )
    imported = await services.loans.import_file(
        make_xlsx(rows_with()), "melli.xlsx", imported_by=ADMIN
    )
    assert imported.imported, imported
    return World(unit, view.report, view)


def _renders(services: Services, world: World) -> list[Callable[[Translator, Presenter], object]]:
    directory = services.directory
    report, view, unit = world.report, world.view, world.unit
    refused = ImportResult(
        False,
        errors=(RowError(3, "unknown_bank", "بانک ناشناس"), RowError(7, "bad_amount", "12 abc")),
    )
    missing = ImportResult(False, format_error="missing_columns", format_detail="bank,amount")
    too_long = WorkflowError("note_length", limits=(5, 1000), given=1200)

    return [
        lambda tr, fmt: report_card(tr, fmt, directory, report),
        lambda tr, fmt: report_card(tr, fmt, directory, report, staff=True),
        lambda tr, fmt: report_with_history(tr, fmt, directory, view, staff=True),
        lambda tr, fmt: report_list_line(tr, fmt, directory, report),
        lambda tr, fmt: unit_summary(tr, directory, unit),
        lambda tr, fmt: [status_label(tr, s) for s in ReportStatus],
        lambda tr, fmt: workflow_error(tr, too_long),
        lambda tr, fmt: import_summary(tr, fmt, refused),
        lambda tr, fmt: import_summary(tr, fmt, missing),
        lambda tr, fmt: import_summary(tr, fmt, ImportResult(True, rows=4, total_rials=10**12)),
    ]


async def test_every_view_reads_right_in_both_languages(services: Services) -> None:
    world = await _world(services)
    directory = services.directory
    programs = await services.programs.all()
    with_lights = [(p, services.programs.light(p)) for p in programs]
    page = await services.programs.page(1)
    assert page is not None
    overview = await services.loans.overview()
    snapshot = await services.stats.snapshot()
    rollup = await services.national.report_rollup()
    program_rows = await services.national.across_provinces(services.programs.rollup)
    loan_rows = await services.national.across_provinces(
        lambda p: services.loans.overview(province_id=p.id)
    )
    today = date(2026, 11, 28)
    for lang, check in (("fa", check_fa), ("en", check_en)):
        tr, fmt = get_translator(lang), Presenter(lang)
        texts: list[str] = []
        for render in _renders(services, world):
            out = render(tr, fmt)
            texts += out if isinstance(out, list) else [str(out)]
        texts += status_pages(tr, fmt, directory, with_lights)
        texts.append(program_detail(tr, fmt, directory, page, today))
        units: tuple[Unit, ...] = ("rial", "toman")
        for unit in units:
            texts.append(loans_summary(tr, fmt, overview, unit))
            texts += [loans_breakdown(tr, fmt, directory, overview, d, unit) for d in DIMENSIONS]
        texts.append(stats_text(tr, fmt, directory, snapshot))
        texts.append(render_rollup(tr, fmt, lang, rollup))
        texts.append(national_programs(tr, fmt, program_rows))
        texts.append(national_loans(tr, fmt, overview.year, loan_rows))
        number = fmt.tracking(world.report.year, world.report.seq)
        assert any(number in text for text in texts)
        for text in texts:
            for typed in TYPED:
                text = text.replace(typed, "")
            check(text)


async def test_short_names_come_from_the_data_set_and_an_edit_stays(services: Services) -> None:
    smt = seeded_agency(services, "smt")
    assert smt.short_name("fa") == "صمت"
    assert smt.short_name("en") == "SMT"
    # A database from before 0009c has the columns empty; the next start fills them,
    # and leaves alone what an admin has set since.
    async with services.database.transaction() as session:
        await session.execute(update(Agency).values(short_name_fa=None, short_name_en=None))
        await session.execute(
            update(Agency).where(Agency.code == "tax").values(short_name_fa="مالیات")
        )
    await seed_province(services.database, load_dataset("qom"))
    await services.directory.reload()
    smt, tax = seeded_agency(services, "smt"), seeded_agency(services, "tax")
    assert smt.short_name("fa") == "صمت"
    assert tax.short_name("fa") == "مالیات"
    assert tax.short_name("en") == "Tax affairs"
    bank = seeded_agency(services, "melli")
    assert bank.short_name("fa") == bank.name("fa")  # no short name: the name
