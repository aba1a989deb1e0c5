"""Repositories and services against a real database: seeding, numbering, dedup, access."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from bot.access import Principal
from bot.container import Services
from bot.services.reports import ReportDraft, ReportError
from storage.dto import UnitDTO
from storage.models import Agency, Report, Role, RoutingRule
from storage.seed import load_dataset, seed_province
from tests.services_kit import register_unit

OWNER, STRANGER, OFFICER = 1001, 1002, 2001


async def _unit(services: Services, owner: int = OWNER, sector: str = "carpet") -> UnitDTO:
    await services.users.touch(owner, first_name="x", last_name=None, username=None)
    return await register_unit(services, owner, "واحد نمونه", sector=sector, phone="+989120000000")


async def _staff_routed_agency(services: Services, unit: UnitDTO, draft: ReportDraft) -> None:
    """OFFICER works at the agency the draft is routed to, so the report is referred there."""
    from storage.repositories.users import UserRepository

    agency = services.reports.routed_agency(draft.category_id, unit.sector_id, unit.county_id)
    await services.users.touch(OFFICER, first_name="officer", last_name=None, username=None)
    async with services.database.transaction() as session:
        await UserRepository(session).grant(
            OFFICER, Role.OFFICER.value, services.directory.province_id, agency_id=agency.id
        )


def _draft(services: Services, unit: UnitDTO, category: str = "raw_materials") -> ReportDraft:
    found = services.directory.category_by_code(category)
    assert found is not None
    return ReportDraft(unit.id, found.id, "شرح مانع تولید به اندازهٔ کافی بلند", 1_000_000)


async def test_seeding_twice_changes_nothing_and_keeps_admin_edits(services: Services) -> None:
    database = services.database
    directory = services.directory
    category = directory.category_by_code("tax")
    agency = directory.agency_by_code("governorate")
    assert category is not None
    assert agency is not None
    async with database.transaction() as session:
        from storage.repositories.reference import ReferenceRepository

        await ReferenceRepository(session).set_route(directory.province_id, category.id, agency.id)
    await seed_province(database, load_dataset("qom"))
    async with database.session() as session:
        agencies = await session.scalar(select(func.count()).select_from(Agency))
        rules = await session.scalar(select(func.count()).select_from(RoutingRule))
        tax_rule = await session.scalar(
            select(RoutingRule.agency_id).where(
                RoutingRule.category_id == category.id, RoutingRule.sector_id.is_(None)
            )
        )
    dataset = load_dataset("qom")
    assert agencies == len(dataset.agencies)
    assert rules == len(dataset.routing)
    assert tax_rule == agency.id  # the admin's edit survived the restart


async def test_tracking_numbers_are_unique_under_concurrency(services: Services) -> None:
    units = [await _unit(services, owner) for owner in range(5000, 5008)]
    submissions = await asyncio.gather(
        *(services.reports.submit(u.owner_id, _draft(services, u)) for u in units)
    )
    numbers = sorted(s.report.seq for s in submissions)
    assert numbers == list(range(1, len(units) + 1))
    assert {s.report.year for s in submissions} == {1405}


async def test_the_same_update_twice_stores_one_report(services: Services) -> None:
    unit = await _unit(services)
    first = await services.reports.submit(OWNER, _draft(services, unit), update_id=42)
    again = await services.reports.submit(OWNER, _draft(services, unit), update_id=42)
    assert not first.duplicate
    assert again.duplicate
    assert again.report.id == first.report.id
    async with services.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1


async def test_daily_limit_per_owner(services: Services) -> None:
    unit = await _unit(services)
    for _ in range(3):
        await services.reports.submit(OWNER, _draft(services, unit))
    with pytest.raises(ReportError) as refused:
        await services.reports.submit(OWNER, _draft(services, unit))
    assert refused.value.reason == "daily_limit"


async def test_someone_elses_unit_is_refused(services: Services) -> None:
    unit = await _unit(services)
    await services.users.touch(STRANGER, first_name="y", last_name=None, username=None)
    with pytest.raises(ReportError) as refused:
        await services.reports.submit(STRANGER, _draft(services, unit))
    assert refused.value.reason == "unit_not_yours"


async def test_view_respects_ownership_and_agency(services: Services) -> None:
    unit = await _unit(services)
    submission = await services.reports.submit(OWNER, _draft(services, unit))
    report = submission.report
    owner = Principal(OWNER, frozenset({Role.OWNER}), frozenset())
    stranger = Principal(STRANGER, frozenset({Role.OWNER}), frozenset())
    officer = Principal(
        OFFICER, frozenset({Role.OWNER, Role.OFFICER}), frozenset({report.agency_id})
    )
    other_officer = Principal(OFFICER, frozenset({Role.OWNER, Role.OFFICER}), frozenset({-1}))
    assert await services.reports.view(owner, report.id) is not None
    assert await services.reports.view(officer, report.id) is not None
    assert await services.reports.view(stranger, report.id) is None
    assert await services.reports.view(other_officer, report.id) is None
    assert await services.reports.find_by_number(stranger, (report.year, report.seq)) is None


async def test_times_come_back_aware_utc_and_due_in_working_days(services: Services) -> None:
    unit = await _unit(services)
    submission = await services.reports.submit(OWNER, _draft(services, unit))
    report = submission.report
    assert report.created_at.tzinfo is not None
    assert report.created_at.utcoffset() == timedelta(0)
    category = services.directory.category(report.category_id)
    # Deadline: the end of the N-th working day in Tehran, strictly after creation.
    assert report.due_at > report.created_at + timedelta(days=category.deadline_days)
    assert report.due_at.astimezone(UTC) == report.due_at


async def test_routing_uses_the_units_sector(services: Services) -> None:
    unit = await _unit(services, sector="agriculture")
    submission = await services.reports.submit(OWNER, _draft(services, unit))
    assert submission.agency.code == "agriculture"


async def test_the_agency_audience_is_read_with_the_submission(services: Services) -> None:
    """The officers to notify and the owner's contact come back from the submission's own
    transaction; a duplicate (the same update again) reads them when asked, alike."""
    unit = await _unit(services)
    draft = _draft(services, unit)
    await _staff_routed_agency(services, unit, draft)
    first = await services.reports.submit(OWNER, draft, update_id=7)
    assert first.audience is not None
    assert [o.id for o in first.audience.officers] == [OFFICER]
    assert first.audience.contact is not None
    assert first.audience.contact.phone == "+989120000000"
    again = await services.reports.submit(OWNER, draft, update_id=7)
    assert again.duplicate
    assert again.audience is None
    assert await services.reports.agency_audience(again) == first.audience


async def test_an_action_returns_the_card_read_in_its_transaction(services: Services) -> None:
    """`with_card`: the card the handler redraws comes back from the action's transaction,
    as a read afterwards sees it; the same update again returns the outcome without it."""
    from bot.access import ReportAction

    unit = await _unit(services)
    draft = _draft(services, unit)
    await _staff_routed_agency(services, unit, draft)
    report = (await services.reports.submit(OWNER, draft)).report
    officer = Principal(
        OFFICER, frozenset({Role.OWNER, Role.OFFICER}), frozenset({report.agency_id})
    )
    accept = ReportAction.ACCEPT
    outcome = await services.workflow.act(officer, accept, report.id, update_id=9, with_card=True)
    assert outcome.card is not None
    assert outcome.card == await services.reports.view(officer, report.id)
    assert outcome.card.tracking is not None
    assert outcome.card.tracking.assignee_id == OFFICER
    again = await services.workflow.act(officer, accept, report.id, update_id=9, with_card=True)
    assert (again.event, again.report.status, again.card) == (outcome.event, "in_progress", None)
