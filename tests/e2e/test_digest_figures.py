"""The digest's sections from the HQ, the key programs and the loans, end to end.

The world is built through the real services (workflow, HQ, programs, loan import); the
digest is sent by the real broadcast to the emulator, and its buttons are pressed there.
"""

from __future__ import annotations

from datetime import date

from bot.access import Principal, ReportAction
from bot.clock import ManualClock
from bot.container import Services
from bot.context import RounaqApp
from bot.services.hq import DecisionTerms
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from storage.dto_workflow import DecisionDTO
from storage.models import Role
from storage.models_workflow import CauseKind
from tests.e2e.digest_world import (
    FRIDAY,
    SATURDAY_0930,
    THURSDAY,
    days,
    file_report,
    meet_the_readers,
    run_digest,
    unit_for,
)
from tests.e2e.expect import FA, FA_P, fa, piece, says
from tests.e2e.workflow_kit import services_of
from tests.loan_files import make_csv, rows_with
from tests.people import Person

HEADER_FA, HEADER_EN = piece("digest.header"), piece("digest.header", lang="en")
SECTIONS = [f"digest_figures.section_{s}" for s in ("decisions", "programs", "loans")]
FA_TITLES = tuple(fa(key) for key in SECTIONS)
EN_TITLES = tuple(piece(key, lang="en") for key in SECTIONS)
OFFICER_TITLE_FA = fa("digest_figures.section_agency_decisions")


def button_data(message: object) -> list[str]:
    return [data for row in message.buttons for _, data in row]  # type: ignore[attr-defined]


async def decided(
    services: Services,
    hq: Principal,
    report: ReportDTO,
    *,
    title: str,
    cause: str,
    text: str,
    agency_ids: list[int],
    days: int,
) -> DecisionDTO:
    """The secretariat puts `report` on a new agenda item (`title`, `cause`) of the session
    of Friday 27 Nov and decides `text` for the agencies, due in `days` days."""
    item_id, _ = await services.hq.bundle(
        hq, [report.id], title=title, cause_kind=cause, session_date=date(2026, 11, 27)
    )
    decision, _ = await services.hq.decide(hq, DecisionTerms(item_id, text, agency_ids, days))
    return decision


async def test_officials_and_officers_get_the_hq_programs_and_loans_sections(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    owner, officer, official = people["owner"], people["officer"], people["official"]
    secretary = people["other_owner"]  # the secretariat, reading in English
    admin = people["admin"]
    await meet_the_readers(services, people, english_role=Role.SECRETARIAT)
    smt = services.directory.agency_by_code("smt")
    banks = services.directory.agency_by_code("banks")
    assert smt is not None
    assert banks is not None
    unit = await unit_for(services, owner.id, "فرش کاشان")

    # Two reports reach the HQ in the period, one each way the workflow escalates:
    # the officer refers one, the deadline escalates the other.
    by_hand = await file_report(
        services, clock, owner.id, unit, "raw_materials", THURSDAY - days(9)
    )
    by_clock = await file_report(services, clock, owner.id, unit, "permits", THURSDAY - days(60))
    officer_principal = (await services.users.profile(officer.id)).principal
    clock.set(THURSDAY)
    await services.workflow.act(
        officer_principal,
        ReportAction.ESCALATE,
        by_hand.id,
        note="سهمیهٔ ارزی در اختیار استان نیست.",
    )
    clock.set(FRIDAY)
    await services.workflow.run_deadlines(clock.now())
    # The secretariat decides both: one due within days (both agencies), one in two months.
    hq = (await services.users.profile(secretary.id)).principal
    soon = await decided(
        services, hq, by_hand, title="سهمیهٔ ارزی <مواد اولیه>", cause=CauseKind.INPUT,
        text="بانک‌ها و صمت سهمیه را تأمین کنند.", agency_ids=[smt.id, banks.id], days=3,
    )  # fmt: skip
    late = await decided(
        services, hq, by_clock, title="مجوزهای معطل", cause=CauseKind.LAW,
        text="صمت دستورالعمل مجوزها را اصلاح کند.", agency_ids=[smt.id], days=60,
    )  # fmt: skip
    # The SMT posts progress on its program, and the admin imports a bank's list.
    [program] = [p for p in await services.programs.all() if p.number == 1]
    await services.programs.post_update(
        officer_principal, program.id, percent=40, note="۳ محموله مواد اولیه توزیع شد.",
        reported_on=date(2026, 11, 27),
    )  # fmt: skip
    imported = await services.loans.import_file(
        make_csv(rows_with()), "melli.csv", imported_by=admin.id
    )
    assert imported.imported

    clock.set(SATURDAY_0930)
    await run_digest(app)

    # The official, in Persian: all three sections, with buttons to the details.
    [digest] = [m for m in emulator.messages(official.id) if HEADER_FA in m.text]
    text = digest.text
    for title in FA_TITLES:
        assert title in text, title
    assert fa("digest.figure_escalated", n=2) in text  # the officer's and the clock's
    assert "سهمیهٔ ارزی <مواد اولیه>" in text  # escaped in HTML, shown as typed
    assert "مجوزهای معطل" not in text  # due in two months: not "due or overdue"
    assert says(text, "digest_figures.decision_line", title="سهمیهٔ ارزی <مواد اولیه>")
    assert "سازمان صنعت، معدن و تجارت استان قم" in text
    assert "تأمین مواد اولیه و نظارت بر مصرف آن" in text
    note = "۳ محموله مواد اولیه توزیع شد."
    assert says(text, "digest_figures.program_line", progress=FA_P.percent(0.4), note=note)
    assert says(text, "digest_figures.loans_quota")
    # 4,500 of the 9,000 billion rials quota, from the imported rows.
    assert says(text, "digest_figures.loans_paid", percent=FA_P.percent(0.5))
    assert says(text, "digest_figures.loans_added", files=FA.plural("loans.count_uploads", 1))
    data = button_data(digest)
    assert f"dc:v:{soon.id}" in data
    assert f"dc:v:{late.id}" not in data
    assert "pg:o:1" in data
    # The buttons are the features' own, with their access checks for whoever presses.
    card = await official.press(digest, f"dc:v:{soon.id}")
    assert says(card.text, "hq.decision_card", id=1)
    detail = await official.press(digest, "pg:o:1")
    assert says(detail.text, "programs.detail_title", number=1)

    # The secretariat, in English.
    [english] = [m.text for m in emulator.messages(secretary.id) if HEADER_EN in m.text]
    for title in EN_TITLES:
        assert title in english, title
    assert "Supplying raw materials" in english
    assert says(english, "digest.figure_escalated", lang="en", n=2)

    # The officer: the decisions awaiting the SMT (both), not the province's figures.
    [officer_digest] = [m for m in emulator.messages(officer.id) if HEADER_FA in m.text]
    assert OFFICER_TITLE_FA in officer_digest.text
    assert "سهمیهٔ ارزی <مواد اولیه>" in officer_digest.text
    assert "مجوزهای معطل" in officer_digest.text
    assert says(officer_digest.text, "digest_figures.objection_until")
    for title in FA_TITLES:
        assert title not in officer_digest.text, title
    assert f"dc:v:{late.id}" in button_data(officer_digest)
    card = await officer.press(officer_digest, f"dc:v:{late.id}")
    assert "مجوزهای معطل" in card.text
    assert f"dc:i:{late.id}:{smt.id}" in button_data(card)  # the officer may act from there

    # Once the SMT implements a decision, it no longer awaits the SMT.
    await services.hq.respond(
        officer_principal, late.id, smt.id, verdict="implemented", note="دستورالعمل اصلاح شد."
    )
    assert [v.decision.id for v in await services.hq.owed({smt.id})] == [soon.id]


async def test_sections_without_news_stay_out(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    owner, officer, official = people["owner"], people["officer"], people["official"]
    reader = people["other_owner"]
    await meet_the_readers(services, people, english_role=Role.OFFICIAL)
    unit = await unit_for(services, owner.id, "سوهان")
    await file_report(services, clock, owner.id, unit, "raw_materials", THURSDAY)
    # A loan file imported long before the period is no news today.
    clock.set(THURSDAY - days(10))
    assert (
        await services.loans.import_file(make_csv(rows_with()), "old.csv", imported_by=None)
    ).imported

    clock.set(SATURDAY_0930)
    await run_digest(app)

    [persian] = [m.text for m in emulator.messages(official.id) if HEADER_FA in m.text]
    [en] = [m.text for m in emulator.messages(reader.id) if HEADER_EN in m.text]
    [officer_digest] = [m.text for m in emulator.messages(officer.id) if HEADER_FA in m.text]
    assert fa("digest.section_new") in persian  # the digest itself is there
    assert piece("digest.section_new", lang="en") in en
    for title in FA_TITLES:
        assert title not in persian, title
    for title in EN_TITLES:
        assert title not in en, title
    assert OFFICER_TITLE_FA not in officer_digest
