"""A report routed to an agency with nobody in the bot goes to the HQ at once, and everyone
who can fix that is told. Over HTTP (issue 11, item 13)."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from storage.models_digest import ChatKind
from tests.e2e.expect import FA, FA_P, T1, saying, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.workflow_kit import (
    Cast,
    event_kinds,
    officers_card,
    only_report,
    press_and_answer,
    services_of,
)
from tests.services_kit import seeded_agency


async def admin_digest(app: RounaqApp, admin_id: int) -> str:
    """The admin's digest as it would be sent today (its sending is tested in test_digest)."""
    services = services_of(app)
    principal = (await services.users.profile(admin_id)).principal
    recipient = services.digest.recipient(admin_id, ChatKind.USER, principal, "fa", frozenset())
    return "\n".join(p.text for p in await services.digest.preview(recipient))


async def test_report_to_an_empty_agency_goes_to_the_hq(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, admin, hq = cast.owner, cast.admin, cast.secretariat
    services = services_of(app)
    tax = seeded_agency(services, "tax")
    await register_unit(app, owner)

    # /routing marks the tax office before anything happens.
    table = await admin.say("/routing")
    tax_line = next(line for line in table.text.splitlines() if "← " + tax.name_fa in line)
    assert "⚠️" in tax_line
    smt_line = next(line for line in table.text.splitlines() if "مواد اولیه" in line)
    assert "⚠️" not in smt_line

    confirmation = await submit_by_chat(owner, "مالیات", "مالیات علی‌الرأس سنگین برای واحد ما")
    # Honest: where it went, and no deadline promised.
    assert says(confirmation.text, "report.submitted_unstaffed", number=T1, agency=tax.name_fa)
    assert not says(confirmation.text, "report.submitted")

    told_hq = await emulator.wait_for_message(hq.id, saying("notify.secretariat_unstaffed"))
    assert says(told_hq.text, "notify.secretariat_unstaffed", number=T1, agency=tax.name_fa)
    told_admin = await emulator.wait_for_message(admin.id, saying("notify.admin_unstaffed"))
    assert says(told_admin.text, "notify.admin_unstaffed", number=T1, agency=tax.name_fa)
    assert "/admin group tax" in told_admin.text

    report = await only_report(app)
    kinds = await event_kinds(app, report.id, public=True)
    assert report.status == "escalated"
    assert kinds == ["submitted", "routed", "unstaffed"]
    # In the HQ's queue, with the reason in its history.
    queue = [
        r.id for r in await services.hq.escalated((await services.users.profile(hq.id)).principal)
    ]
    assert report.id in queue
    card = await hq.say("1405-0001")
    mine = await owner.say("1405-0001")
    # No deadline promised on the card either.
    assert not says(mine.text, "report.card_dates")
    assert FA.t("history.unstaffed", when="", agency=tax.name_fa).split("— ")[1] in card.text

    # The admins' digest lists the agency until it has someone.
    digest = await admin_digest(app, admin.id)
    assert FA.t("digest.section_unstaffed") in digest
    assert tax.name_fa in digest

    # The agency gets an officer: no more mark, no more digest line, reports go to it.
    await services.users.grant(cast.other_owner.id, Role.OFFICER, agency_id=tax.id)
    table = await admin.say("/routing")
    tax_line = next(line for line in table.text.splitlines() if "← " + tax.name_fa in line)
    assert "⚠️" not in tax_line
    assert FA.t("digest.section_unstaffed") not in await admin_digest(app, admin.id)
    second = await submit_by_chat(owner, "مالیات", "جریمهٔ دیرکرد مالیاتی بدون ابلاغ قبلی")
    assert says(second.text, "report.submitted", number=FA_P.tracking(1405, 2))
    await emulator.wait_for_message(cast.other_owner.id, lambda m: "1405-0002" in m.text)


async def test_reassigning_to_an_empty_agency_sends_the_report_to_the_hq(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer, admin, hq = cast.owner, cast.officer, cast.admin, cast.secretariat
    services = services_of(app)
    customs = seeded_agency(services, "customs")
    card = await officers_card(app, cast)
    picker = await officer.press(card, "ارجاع به دستگاه دیگر")
    label = next(t for t in picker.button_texts if customs.short_name("fa")[:10] in t)
    assert label.startswith("⚠️")  # marked in the picker
    # Told where it went: the HQ, not "the other agency" (which nobody would read).
    toast = await press_and_answer(emulator, officer, picker, label)
    assert toast == FA.t("workflow.done_esc")

    await emulator.wait_for_message(hq.id, saying("notify.secretariat_unstaffed", number=T1))
    told_admin = await emulator.wait_for_message(admin.id, saying("notify.admin_unstaffed"))
    assert "/admin group customs" in told_admin.text
    await owner.next("دبیرخانهٔ ستاد")
    report = await only_report(app)
    kinds = await event_kinds(app, report.id, public=True)
    assert report.status == "escalated"
    assert report.agency_id == customs.id
    assert kinds[-2:] == ["reassigned", "unstaffed"]
