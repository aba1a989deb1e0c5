"""Review fixes in the workflow, through the emulator: report files reach whoever may see
the report, /agenda and /decisions page at scale, a forged HQ button naming another
province's item is refused, officers read the owner's status as the owner's, prompt
text is normalised, and a redelivered old command leaves a newer prompt alone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.access import ReportAction
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.services.hq import DecisionTerms
from bot.services.workflow import WorkflowError
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from storage.models import Province, Report, ReportEvent
from storage.models_workflow import AgendaItem, ReportTracking
from tests.e2e.expect import FA_P, fa, says
from tests.e2e.report_steps import finish_report, report_up_to_attachments
from tests.e2e.test_officials import _tiny_png
from tests.e2e.test_report_flow import register_unit
from tests.e2e.workflow_kit import Cast, alerts, file_report, press_data, services_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def test_the_officer_receives_a_reports_photo_and_pdf(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer = cast.owner, cast.officer
    await register_unit(owner, "کارخانه فرش ممتاز")
    await report_up_to_attachments(owner)
    await emulator.send_photo(owner.id, _tiny_png(), caption="فاکتور")
    await owner.next("پیوست")
    await emulator.send_document(owner.id, PDF, "invoice.pdf", "application/pdf")
    # Its answer carries the step's Continue now (the prompt's went: handlers/steps.shown).
    await finish_report(owner, await owner.next("پیوست"))
    await officer.next("۱۴۰۵-۰۰۰۱")  # the agency is told of the new report

    view = await officer.say("1405-0001")
    assert fa("myreports.btn_files", n=2) in view.button_texts
    before = len(emulator.messages(officer.id))
    await officer.press_only(view, "پیوست")
    await emulator.wait_until(lambda: len(emulator.messages(officer.id)) >= before + 2)
    sent = emulator.messages(officer.id)[before:]
    assert [m.kind for m in sent] == ["photo", "document"]
    assert sent[1].document is not None
    assert emulator.file_bytes(sent[1].document.file_id) == PDF
    first = FA_P.tracking(1405, 1)
    assert says(sent[0].text, "myreports.file_caption", i=1, n=2, number=first)

    # Someone who may not see the report gets nothing for the same (forged) button.
    stranger = cast.other_owner
    anchor = await stranger.say("/myreports")
    answer = await press_data(emulator, stranger, anchor, "my:f:1")
    assert answer.show_alert
    assert not [m for m in emulator.messages(stranger.id) if m.kind in ("photo", "document")]


async def _escalate_all(app: RounaqApp, count: int, cast: Cast, clock: ManualClock) -> list[int]:
    ids = []
    for n in range(count):
        if n and n % 10 == 0:
            clock.advance(timedelta(days=1, minutes=1))  # an owner may file ten a day
        ids.append((await file_report(app, cast.owner, "raw_materials")).id)
    async with services_of(app).database.transaction() as session:
        await session.execute(update(Report).values(status="escalated"))
    return ids


def _button_count(markup_rows: list[list[tuple[str, str | None]]]) -> int:
    return sum(len(row) for row in markup_rows)


async def test_agenda_and_decisions_are_paged_with_sixty_reports(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    ids = await _escalate_all(app, 60, cast, clock)
    hq = cast.secretariat
    agenda = await hq.say("/agenda")
    number = {n: FA_P.tracking(1405, n) for n in (1, 11, 60)}
    assert number[1] in agenda.text
    assert number[60] not in agenda.text
    assert _button_count(agenda.buttons) <= 100
    pager = [t for t in agenda.button_texts if fa("common.page", page=1, pages=6) in t]
    assert pager, agenda.button_texts
    await hq.press_only(agenda, "بعدی")
    await emulator.wait_until(lambda: number[11] in emulator.messages(hq.id)[-1].text)
    second = emulator.messages(hq.id)[-1]
    assert number[1] not in second.text
    # Selecting on page 2 keeps page 2.
    await hq.press_only(second, "۱۴۰۵-۰۰۱۲")
    await emulator.wait_until(lambda: "☑" in " ".join(emulator.messages(hq.id)[-1].button_texts))
    assert number[11] in emulator.messages(hq.id)[-1].text

    # Sixty decisions, each naming SMT: the officer's /decisions pages them too.
    services = services_of(app)
    secretariat = (await services.users.profile(hq.id)).principal
    for report_id in ids:
        item_id, _ = await services.hq.bundle(
            secretariat,
            [report_id],
            title=f"موضوع {report_id}",
            cause_kind="input",
            session_date=date(2099, 1, 1),
        )
        terms = DecisionTerms(item_id, "تأمین مواد از سهمیهٔ استان.", [cast.smt_id], 10)
        await services.hq.decide(secretariat, terms)
    listing = await cast.officer.say("/decisions")
    assert _button_count(listing.buttons) <= 100
    first_page = fa("common.page", page=1, pages=12)
    assert [t for t in listing.button_texts if first_page in t], listing.button_texts
    await cast.officer.press_only(listing, "بعدی")
    second_page = fa("common.page", page=2, pages=12)
    await emulator.wait_until(
        lambda: any(second_page in t for t in emulator.messages(cast.officer.id)[-1].button_texts)
    )
    assert _button_count(emulator.messages(cast.officer.id)[-1].buttons) <= 100


async def test_a_forged_hq_button_naming_another_provinces_item_is_refused(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    services = services_of(app)
    ids = await _escalate_all(app, 1, cast, clock)
    async with services.database.transaction() as session:
        other = Province(code="isfahan", name_fa="اصفهان", name_en="Isfahan", strategy_year=1405)
        session.add(other)
        await session.flush()
        item = AgendaItem(
            province_id=other.id,
            title="موضوع اصفهان",
            cause_kind="law",
            session_date=date(2099, 1, 1),
            status="scheduled",
        )
        session.add(item)
        await session.flush()
        foreign = item.id
    hq = cast.secretariat
    agenda = await hq.say("/agenda")
    await hq.press_only(agenda, "۱۴۰۵-۰۰۰۱")  # selected, so "+" has something to add
    await emulator.wait_until(lambda: "☑" in " ".join(emulator.messages(hq.id)[-1].button_texts))
    for data in (f"hq:i:{foreign}", f"hq:d:{foreign}", f"hq:+:{foreign}"):
        answer = await press_data(emulator, hq, agenda, data)
        assert answer.show_alert, data
    assert "موضوع اصفهان" not in " ".join(hq.texts())
    async with services.database.session() as session:
        tracking = await session.get(ReportTracking, ids[0])
        status = await session.scalar(select(Report.status).where(Report.id == ids[0]))
        row = await session.get(AgendaItem, foreign)
    assert tracking is None or tracking.agenda_item_id is None
    assert status == "escalated"
    assert row is not None
    assert row.status == "scheduled"
    secretariat = (await services.users.profile(hq.id)).principal
    with pytest.raises(WorkflowError) as refused:
        await services.hq.item(secretariat, foreign)
    assert refused.value.reason == "item_not_found"
    with pytest.raises(WorkflowError) as refused:
        await services.hq.decide(
            secretariat, DecisionTerms(foreign, "متن مصوبه", [cast.smt_id], 10)
        )
    assert refused.value.reason == "item_not_found"


async def test_officers_read_the_owners_status_as_the_owners(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    officer = (await services_of(app).users.profile(cast.officer.id)).principal
    await services_of(app).workflow.act(
        officer, ReportAction.ASK, report.id, note="فاکتور خرید را بفرستید."
    )
    staff_view = await cast.officer.say("1405-0001")
    for_staff, for_owner = fa("status.awaiting_owner_staff"), fa("status.awaiting_owner")
    assert for_staff in staff_view.text
    assert for_owner not in staff_view.text
    inbox = await cast.officer.say("/inbox")
    assert for_staff in inbox.text
    assert for_owner not in inbox.text
    owner_view = await cast.owner.say("1405-0001")
    assert for_owner in owner_view.text


async def test_prompt_text_is_normalised_and_survives_a_redelivered_command(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    officer = cast.officer
    await officer.say("/inbox")
    old_command = emulator.update_ids("message")[-1]
    view = await officer.say("1405-0001")
    await officer.press(view, "یادداشت داخلی")  # the prompt now waits for the note
    emulator.redeliver(old_command)  # Telegram sends the old /inbox again
    # Arabic yeh and kaf, and a right-to-left override, as pasted from elsewhere.
    done = await officer.say("\u202eتأمين كننده در فهرست سياه است")
    assert says(done.text, "workflow.done_note")
    async with services_of(app).database.session() as session:
        notes = list(
            await session.scalars(
                select(ReportEvent.note).where(
                    ReportEvent.report_id == report.id, ReportEvent.kind == "note"
                )
            )
        )
    assert notes == ["تأمین کننده در فهرست سیاه است"]
    assert not alerts(emulator, officer.id)
