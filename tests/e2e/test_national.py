"""One database, two provinces' bots: a ministry official's /national rolls them up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.services.calendar import WorkCalendar
from bot.services.directory import Directory
from bot.services.reports import ReportDraft, ReportError, ReportService
from bot.services.units import UnitDraft, UnitService
from emulator import BotApiEmulator
from storage.models import PermitStatus, Role
from storage.seed import load_dataset, seed_province
from tests.e2e.durability_helpers import (
    finish_report,
    owner_registered,
    report_up_to_attachments,
    services_of,
)
from tests.people import Person


async def second_province_with_reports(app: RounaqApp, clock: ManualClock, reports: int) -> int:
    """Another province in the same database, as its own bot would fill it."""
    services = services_of(app)
    qom = load_dataset("qom")
    isfahan = qom.model_copy(
        update={
            "province": qom.province.model_copy(
                update={"code": "isfahan", "name_fa": "اصفهان", "name_en": "Isfahan"}
            )
        }
    )
    await seed_province(services.database, isfahan)
    directory = Directory(services.database, "isfahan")
    await directory.reload()
    await services.users.touch(1501, first_name="Ali", last_name=None, username=None)
    unit = await UnitService(services.database, directory).register(
        1501,
        UnitDraft(
            name="کاشی کاشان",
            sector_id=directory.sectors[0].id,
            county_id=directory.counties[0].id,
            permit_status=PermitStatus.LICENSED,
            phone="989130000000",
        ),
    )
    service = ReportService(
        services.database, directory, clock, WorkCalendar(tz=services.settings.tz)
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
    assert "همهٔ استان‌ها" in answer.text
    assert "قم</b>: ۱ گزارش · ۱ گذشته از مهلت" in (answer.source_text or "")
    assert "اصفهان</b>: ۳ گزارش · ۳ گذشته از مهلت" in (answer.source_text or "")
    assert "جمع کل</b>: ۴ گزارش · ۴ گذشته از مهلت" in (answer.source_text or "")
    assert "ارجاع‌شده ۴" in answer.text
    refused = await owner.say("/national")
    assert "دسترسی ندارید" in refused.text

    rollup = await services.national.report_rollup()
    assert [(p.province.code, p.total) for p in rollup.provinces] == [("qom", 1), ("isfahan", 3)]
    figures = await services.national.across_provinces(lambda p: _name_length(p.name_en))
    assert [(p.code, n) for p, n in figures] == [("qom", 3), ("isfahan", 7)]


async def _name_length(name: str) -> int:
    return len(name)
