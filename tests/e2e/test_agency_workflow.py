"""An agency works a report end to end; the owner answers and judges the result. Over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import RounaqApp
from bot.views.common import status_label
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from storage.models import Report, ReportEvent
from storage.models_workflow import ReportTracking
from tests.e2e.expect import EN, EN_P, FA, T1, fa, labels, piece, says
from tests.e2e.workflow_kit import Cast, alerts, file_report, press_and_answer, services_of


async def events_of(app: RounaqApp, report_id: int) -> list[ReportEvent]:
    async with services_of(app).database.session() as session:
        rows = await session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
        )
        return list(rows)


async def report_row(app: RounaqApp, report_id: int) -> Report:
    async with services_of(app).database.session() as session:
        row = await session.get(Report, report_id)
        assert row is not None
        return row


SMT = "سازمان صنعت، معدن و تجارت استان قم"  # the seed's agency: data


async def test_accept_question_answer_note_resolve_confirm(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    owner, officer = cast.owner, cast.officer

    inbox = await officer.say("/inbox")
    assert says(inbox.text, "inbox.title", agency=SMT)
    assert T1 in inbox.text
    assert fa("status.referred") in inbox.text
    view = await officer.press(inbox, "۱۴۰۵-۰۰۰۱")
    assert says(view.text, "history.title")
    assert fa("workflow.btn_acc") in labels(view)

    toast = await press_and_answer(emulator, officer, view, fa("workflow.btn_acc"))
    assert toast == fa("workflow.done_acc")
    accepted = await owner.next(piece("notify.owner_accepted"))
    assert says(accepted.text, "notify.owner_accepted", agency=SMT, number=T1)
    assert fa("myreports.btn_open") in accepted.button_texts[0]

    # The officer's keyboard now offers the next steps, not "accept" again.
    opened = await officer.say("1405-0001")
    assert fa("workflow.btn_acc") not in labels(opened)
    prompt = await officer.press(opened, "پرسش از صاحب واحد")
    assert "/cancel" in prompt.text
    sent = await officer.say("لطفاً فاکتور خرید نخ را بفرستید؛ از کدام تأمین‌کننده <خریدید>؟")
    assert says(sent.text, "workflow.done_ask")
    question = await owner.next("پرسشی دارد")
    assert "&lt;خریدید&gt;" in (question.source_text or "")
    assert says(question.text, "notify.owner_question", agency=SMT, number=T1)
    assert fa("status.awaiting_owner") in question.text

    ask_answer = await owner.press(question, "پاسخ به پرسش")
    assert "/cancel" in ask_answer.text
    done = await owner.say("از شرکت نساجی البرز؛ فاکتور پیوست است.")
    assert says(done.text, "workflow.done_ans")
    answered = await officer.next("پاسخ داد")
    assert "نساجی البرز" in answered.text

    # An internal note: the agency sees it, the owner never does.
    opened = await officer.say("1405-0001")
    await officer.press(opened, "یادداشت داخلی")
    await officer.say("تأمین‌کننده در فهرست سیاه است؛ پیگیری حضوری.")
    staff_view = await officer.say("1405-0001")
    assert "فهرست سیاه" in staff_view.text
    assert "🔒" in staff_view.text
    assert "مریم" in staff_view.text  # who did what, for the agency
    owner_view = await owner.say("1405-0001")
    assert "فهرست سیاه" not in owner_view.text
    assert fa("workflow.btn_note") not in labels(owner_view)
    assert piece("history.note") not in owner_view.text
    assert "مریم" not in owner_view.text

    await officer.press(staff_view, "رفع شد")
    await officer.say("سهمیهٔ نخ از طریق بورس کالا تخصیص یافت.")
    resolved = await owner.next("رفع‌شده اعلام کرد")
    assert "بورس کالا" in resolved.text
    assert says(resolved.text, "notify.owner_resolved", agency=SMT, number=T1)
    assert fa("workflow.btn_ok") in labels(resolved)

    await owner.press_only(resolved, "مانع رفع شد")
    confirmed = await officer.next("تأیید کرد")
    assert says(confirmed.text, "notify.agency_confirmed", number=T1)
    # Pressing it twice (an old copy of the button) changes nothing.
    await emulator.press_raw(owner.id, owner.id, resolved.message_id, f"wf:ok:{report.id}")
    await emulator.wait_until(lambda: len(alerts(emulator, owner.id)) >= 1)
    assert alerts(emulator, owner.id)[-1] == fa("workflow.error_not_now")

    row = await report_row(app, report.id)
    assert row.status == "resolved"
    assert row.closed_at is not None
    events = await events_of(app, report.id)
    assert [e.kind for e in events] == [
        "submitted",
        "routed",
        "accepted",
        "question",
        "answer",
        "note",
        "resolved",
        "confirmed",
    ]
    by_kind = {e.kind: e for e in events}
    assert by_kind["accepted"].actor_id == officer.id
    assert (by_kind["accepted"].from_status, by_kind["accepted"].to_status) == (
        "referred",
        "in_progress",
    )
    assert by_kind["question"].to_status == "awaiting_owner"
    assert by_kind["answer"].actor_id == owner.id
    assert by_kind["note"].internal is True
    assert all(not e.internal for e in events if e.kind != "note")
    assert by_kind["resolved"].note == "سهمیهٔ نخ از طریق بورس کالا تخصیص یافت."
    assert by_kind["confirmed"].actor_id == owner.id


async def test_reassigned_report_goes_to_the_new_agency_and_routing_stays(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer, bank = cast.other_owner, cast.officer, cast.bank_officer
    services = services_of(app)
    rules_before = services.directory.rules
    report = await file_report(app, owner, "raw_materials", "We need working capital, not yarn.")
    opened = await officer.say("1405-0001")
    picker = await officer.press(opened, "ارجاع به دستگاه دیگر")
    assert says(picker.text, "workflow.pick_agency", number=T1)
    await officer.press_only(picker, "بانک‌های عامل")

    banks = "Lending banks"  # the seed's agency, in English
    arrived = await bank.next("referred to Lending banks")
    assert says(arrived.text, "notify.agency_reassigned", lang="en", agency=banks)
    assert EN_P.tracking(1405, 1) in arrived.text
    assert EN.t("workflow.btn_acc") in arrived.button_texts
    told = await owner.next("was referred to Lending banks")
    # English owner, English message, Latin digits.
    number = EN_P.tracking(1405, 1)
    assert says(told.text, "notify.owner_reassigned", lang="en", number=number, agency=banks)

    assert services.directory.rules == rules_before
    category = services.directory.category_by_code("raw_materials")
    assert category is not None
    assert services.reports.routed_agency(category.id, 1, 1).code == "smt"
    row = await report_row(app, report.id)
    assert row.agency_id == cast.banks_id
    assert row.status == "referred"

    # SMT has no say any more; the bank takes it from its own notice.
    await emulator.press_raw(officer.id, officer.id, opened.message_id, f"wf:acc:{report.id}")
    await emulator.wait_until(lambda: len(alerts(emulator, officer.id)) >= 1)
    assert alerts(emulator, officer.id)[-1] == fa("workflow.error_not_found")
    toast = await press_and_answer(emulator, bank, arrived, EN.t("workflow.btn_acc"))
    assert toast == EN.t("workflow.done_acc")
    kinds = [e.kind for e in await events_of(app, report.id)]
    assert kinds == ["submitted", "routed", "reassigned", "accepted"]
    reassigned = (await events_of(app, report.id))[2]
    assert reassigned.agency_id == cast.banks_id
    assert reassigned.actor_id == officer.id


async def test_owner_withdraws_and_adds_information(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer = cast.owner, cast.officer
    report = await file_report(app, owner, "permits")
    view = await owner.say("1405-0001")
    assert fa("workflow.btn_wd") in labels(view)
    assert fa("workflow.btn_acc") not in labels(view)  # no agency buttons for the owner
    await owner.press(view, "افزودن توضیح")
    await owner.say("پروانه از سال ۱۴۰۳ در جریان است.")
    info = await officer.next("توضیح افزود")
    assert says(info.text, "notify.agency_info", number=T1)
    assert "۱۴۰۳" in info.text

    confirm = await owner.press(view, "پس گرفتن گزارش")
    assert says(confirm.text, "workflow.withdraw_confirm", number=T1)
    # "No" keeps the report and shows it again.
    kept = await owner.press(confirm, "خیر")
    assert T1 in kept.text
    # Answered: the question loses its buttons (a later "yes" on it withdraws nothing).
    await emulator.wait_until(lambda: confirm.buttons == [])
    assert (await report_row(app, report.id)).status != "withdrawn"
    confirm = await owner.press(view, "پس گرفتن گزارش")
    await owner.press_only(confirm, "بله")
    await officer.next("پس گرفت")
    row = await report_row(app, report.id)
    assert row.status == "withdrawn"
    assert [e.kind for e in await events_of(app, report.id)][-2:] == ["info_added", "withdrawn"]


async def test_not_removed_reopens_once_then_goes_to_the_hq(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    owner, officer = cast.owner, cast.officer
    services = services_of(app)

    async def resolve(text: str) -> None:
        opened = await officer.say("1405-0001")
        await officer.press(opened, "رفع شد")
        await officer.say(text)

    await resolve("سهمیه تخصیص یافت.")
    resolved = await owner.next("رفع‌شده اعلام کرد")
    prompt = await owner.press(resolved, "مانع رفع نشد")
    assert says(prompt.text, "workflow.ask_nr", number=T1)
    await owner.say("سهمیه تخصیص یافت اما هنوز تحویل نشده است.")
    bounced = await officer.next("رفع نشده است")
    assert says(bounced.text, "notify.agency_not_removed", number=T1, agency=SMT)
    reopened = await owner.next("بازگشایی شد")
    assert says(reopened.text, "notify.owner_reopened", number=T1, agency=SMT)
    assert fa("status.reopened") in reopened.text
    row = await report_row(app, report.id)
    assert row.status == "reopened"
    assert row.closed_at is None
    assert row.due_at > services.clock.now()
    assert await services.workflow.not_removed_counts() == {cast.smt_id: 1}

    # The owner's old "not removed" button cannot be used twice: the report is already
    # where it leads, and the press is told so.
    again = await emulator.press_raw(owner.id, owner.id, resolved.message_id, f"wf:nr:{report.id}")
    answer = await emulator.wait_for_answer(again)
    reopened_now = status_label(FA, "reopened", staff=False)
    assert answer.text == FA.t("workflow.already_done", status=reopened_now)
    assert row.status == (await report_row(app, report.id)).status

    await resolve("تحویل انجام شد.")
    second = await owner.next("رفع‌شده اعلام کرد")
    await owner.press(second, "مانع رفع نشد")
    await owner.say("باز هم تحویل نشده است.")
    hq = await cast.secretariat.next("به ستاد ارجاع شد")
    assert says(hq.text, "notify.secretariat_escalated", number=T1, agency=SMT)
    await owner.next("دبیرخانهٔ ستاد")
    row = await report_row(app, report.id)
    assert row.status == "escalated"
    async with services.database.session() as session:
        tracking = await session.get(ReportTracking, report.id)
    assert tracking is not None
    assert tracking.reopen_count == 1
    kinds = [e.kind for e in await events_of(app, report.id)]
    assert kinds == [
        "submitted",
        "routed",
        "resolved",
        "not_removed",
        "reopened",
        "resolved",
        "not_removed",
        "escalated",
    ]
    assert await services.workflow.not_removed_counts() == {cast.smt_id: 2}
