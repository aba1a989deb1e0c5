"""Admins grant and revoke roles, hand out one-time invites, edit routing and deadlines;
an agency's group acts on reports from the group message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.context import RounaqApp
from bot.i18n import get_translator
from bot.services.workflow import WorkflowError
from emulator import BotApiEmulator
from storage.models import Role, RoutingRule, UserRole
from tests.e2e.expect import EN, FA, FA_P, fa, replied, saying, says
from tests.e2e.report_steps import report_by_chat
from tests.e2e.test_report_flow import register_unit
from tests.e2e.workflow_kit import Cast, alerts, file_report, press_and_answer, services_of
from tests.people import Person


async def test_admin_grants_and_revokes_by_username(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    admin, owner = cast.admin, cast.owner
    card = await admin.say("/admin @reza")
    assert "رضا" in card.text
    assert "1001" in card.text
    official = fa("roles.official")
    toast = await press_and_answer(emulator, admin, card, fa("admin.btn_grant", role=official))
    assert toast == fa("admin.saved")
    revoke = fa("admin.btn_revoke", role=official)
    card = await emulator.wait_for_message(admin.id, lambda m: revoke in m.button_texts)
    roles = FA_P.join([fa("roles.owner"), official])
    assert says(card.text, "admin.user_card", name="رضا", roles=roles)
    laws = await owner.say("/laws")
    assert not says(laws.text, "common.not_allowed")
    menu = {c["command"] for c in emulator.commands[(f"chat:{owner.id}", "")]}
    assert "laws" in menu
    assert "admin" not in menu

    await press_and_answer(emulator, admin, card, revoke)
    assert (await owner.say("/laws")).text == fa("common.not_allowed")

    # Officer of an agency: pick the agency.
    await admin.press_only(card, "➕ کارشناس دستگاه")
    picker = await emulator.wait_for_message(
        admin.id, lambda m: any("بانک‌های عامل" in t for t in m.button_texts)
    )
    await press_and_answer(emulator, admin, picker, "بانک‌های عامل")
    services = services_of(app)
    profile = await services.users.profile(owner.id)
    assert profile.principal.agency_ids == {cast.banks_id}
    async with services.database.session() as session:
        grant = (await session.scalars(select(UserRole).where(UserRole.user_id == owner.id))).one()
    assert grant.granted_by == admin.id

    await admin.send("/admin")
    found = await admin.press(await admin.next("مدیریت سامانه"), "یافتن فرد")
    assert "/cancel" in found.text
    await replied(admin, "@nobody_here", "admin.user_not_found")


async def test_one_time_invite_makes_an_officer(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    admin = cast.admin
    home = await admin.say("/admin")
    roles = await admin.press(home, "دعوت یک‌بارمصرف")
    agencies = await admin.press(roles, "کارشناس دستگاه")
    smt = services_of(app).directory.agency_by_code("smt")
    assert smt is not None
    await admin.press_only(agencies, smt.short_name("fa"))  # the data set's short name
    invite = await emulator.wait_for_message(admin.id, lambda m: "start=inv_" in m.text)
    code = invite.text.split("/start ")[1].split()[0]
    assert code.startswith("inv_")
    assert len(f"/start {code}") < 64

    # A newcomer who has not chosen a language reads their phone's, English here.
    newcomer = Person(emulator, emulator.add_user(2003, "Leila", language_code="en"))
    welcome = await replied(newcomer, f"/start {code}", "admin.invite_redeemed", lang="en")
    assert EN.t("roles.officer") in welcome.text
    inbox = await newcomer.say("/inbox")
    assert not says(inbox.text, "common.not_allowed")
    principal = (await services_of(app).users.profile(2003)).principal
    assert principal.has(Role.OFFICER)
    assert principal.agency_ids == {cast.smt_id}

    thief = Person(emulator, emulator.add_user(2004, "Eve", language_code="en"))
    await replied(thief, f"/start {code}", "admin.invite_invalid", lang="en")
    assert not (await services_of(app).users.profile(2004)).principal.has(Role.OFFICER)
    await replied(thief, "/start inv_AAAAAAAAAAAAAAAA", "admin.invite_invalid", lang="en")


async def test_routing_and_deadlines_are_edited_by_the_admin(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    admin = cast.admin
    services = services_of(app)
    table = await replied(admin, "/routing", "admin.routing_title")
    route = {"category": "تأمین مواد اولیه", "agency": "سازمان صنعت، معدن و تجارت استان قم"}
    assert FA.t("admin.routing_line", **route, days=7) in table.text
    card = await admin.press(table, "تأمین مواد اولیه")
    await admin.press_only(card, "۱۰ روز")
    ten = FA.t("admin.routing_line", **route, days=10)
    table = await emulator.wait_for_message(admin.id, lambda m: ten in m.text)
    category = services.directory.category_by_code("raw_materials")
    assert category is not None
    assert category.deadline_days == 10

    # Carpet makers' raw-material reports go to the lending banks from now on.
    card = await admin.press(table, "تأمین مواد اولیه")
    # Every step has its way back, in the same message: agencies → sectors → card → table.
    sectors = await admin.press(card, "برای یک بخش")
    agencies = await admin.press(sectors, "فرش")
    sectors = await admin.press(agencies, fa("admin.btn_back"))
    assert says(sectors.text, "admin.pick_sector")
    card = await admin.press(sectors, fa("admin.btn_back"))
    table = await admin.press(card, fa("admin.btn_back_routing"))
    assert says(table.text, "admin.routing_title")
    assert table.message_id == card.message_id
    card = await admin.press(table, "تأمین مواد اولیه")
    sectors = await admin.press(card, "برای یک بخش")
    agencies = await admin.press(sectors, "فرش")
    await admin.press_only(agencies, "بانک‌های عامل")
    carpet = services.directory.sector_by_code("carpet")
    qom = services.directory.county_by_code("qom")
    assert carpet is not None
    assert qom is not None
    await emulator.wait_until(
        lambda: services.reports.routed_agency(category.id, carpet.id, qom.id).id == cast.banks_id
    )
    async with services.database.session() as session:
        rule = (
            await session.scalars(select(RoutingRule).where(RoutingRule.updated_by == admin.id))
        ).one()
    assert (rule.agency_id, rule.sector_id, rule.county_id) == (cast.banks_id, carpet.id, None)
    # Other sectors still go to SMT.
    shoes = services.directory.sector_by_code("shoes")
    assert shoes is not None
    assert services.reports.routed_agency(category.id, shoes.id, qom.id).id == cast.smt_id
    report = await file_report(app, cast.owner, "raw_materials")  # a carpet unit
    assert report.agency_id == cast.banks_id
    assert report.due_at == services.calendar.add_working_days(report.created_at, 10)

    # Nobody else can, whatever they press.
    officer = cast.officer
    denied = await replied(officer, "/routing", "common.not_allowed")
    await emulator.press_raw(officer.id, officer.id, denied.message_id, f"rt:d:{category.id}:3")
    await emulator.wait_until(lambda: len(alerts(emulator, officer.id)) >= 1)
    assert services.directory.category(category.id).deadline_days == 10


async def test_only_an_admin_binds_an_agency_group(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    services = services_of(app)
    group_id = -1001234567891
    emulator.add_group(group_id, "کارشناسان صمت", members=[cast.officer.id, cast.admin.id])
    await emulator.send_text(cast.officer.id, "/admin group smt", chat_id=group_id)
    not_allowed = get_translator("fa").t("common.not_allowed")
    await emulator.wait_for_message(group_id, lambda m: m.text == not_allowed)
    # The service checks too: it is the one the handler calls, not a repository behind it.
    officer = (await services.users.profile(cast.officer.id)).principal
    with pytest.raises(WorkflowError):
        await services.admin.bind_agency_group(officer, cast.smt_id, group_id)
    assert services.directory.agency(cast.smt_id).group_chat_id is None


async def test_agency_group_takes_a_report_from_the_group_message(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer, admin = cast.owner, cast.officer, cast.admin
    group_id = -1001234567890
    emulator.add_group(group_id, "کارشناسان صمت", members=[officer.id, admin.id])
    await emulator.send_text(admin.id, "/admin group smt", chat_id=group_id)
    smt = "سازمان صنعت، معدن و تجارت استان قم"
    bound = await emulator.wait_for_message(group_id, saying("admin.group_bound", agency=smt))
    assert bound.text

    await register_unit(owner, "سوهان ممتاز")
    await report_by_chat(
        owner, "شکر و زعفران با نرخ آزاد؛ تولید سوهان متوقف است.", amount="۲۰۰ میلیون"
    )

    posted = await emulator.wait_for_message(group_id, saying("agency.new_report", agency=smt))
    # A member who is not an officer of SMT cannot take it.
    await emulator.press(admin.id, posted, "✋ پذیرش")
    await emulator.wait_until(lambda: len(alerts(emulator, admin.id)) >= 1)
    assert alerts(emulator, admin.id)[-1] == fa("workflow.error_not_found")
    await emulator.press(officer.id, posted, "✋ پذیرش")
    taken = await emulator.wait_for_message(group_id, saying("workflow.by_accepted", name="مریم"))
    assert taken.message_id == posted.message_id  # the same message, updated
    assert fa("status.in_progress") in taken.text
    await owner.next("پذیرفت")

    # Resolving from the group: the text is asked for privately, the group message updates.
    await emulator.press(officer.id, posted, "✅ رفع شد")
    prompt = await officer.next("/cancel")
    assert FA_P.tracking(1405, 1) in prompt.text
    await officer.say("شکر از سهمیهٔ استانی تأمین شد.")
    await emulator.wait_for_message(group_id, saying("workflow.by_resolved", name="مریم"))
    await owner.next("رفع‌شده اعلام کرد")
