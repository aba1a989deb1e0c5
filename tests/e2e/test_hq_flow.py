"""Overdue → escalated → bundled → decided → objected → implemented, every party's messages.

Time moves by a ManualClock; the deadline job is run by the JobQueue's own Job.run, so
the test exercises exactly what the scheduler calls.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import Presenter
from emulator import BotApiEmulator, SentMessage
from handlers.deadlines import JOB_NAME
from storage.models import Report
from storage.models_workflow import DecisionAgency
from tests.e2e.expect import EN, T1, fa, heard, piece, replied, says
from tests.e2e.workflow_kit import Cast, event_kinds, file_report, services_of
from tests.people import Person

FA = Presenter("fa")


# What both reports' histories share: late at their agency, then through the HQ's session
# (SMT objects, both agencies implement).
LATE = ["submitted", "routed", "overdue", "reminded"]
DECIDED = [
    "bundled",
    "decided",
    "decision_objected",
    "decision_implemented",
    "decision_implemented",
]


async def run_deadline_job(app: RounaqApp) -> None:
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name(JOB_NAME)
    await job.run(app)


async def statuses(app: RounaqApp) -> dict[int, str]:
    async with services_of(app).database.session() as session:
        return {r.id: r.status for r in await session.scalars(select(Report))}


async def answer_decision(
    officer: Person, notice: SentMessage, button: str, reply: str, answer: str, lang: str = "fa"
) -> None:
    """An agency answers a decision ("objected" or "implemented"): the button, the prompt
    for why or how, the reply and its confirmation, in the officer's language."""
    prompt = await officer.press(notice, button)
    asks = "hq.ask_objection" if answer == "objected" else "hq.ask_evidence"
    assert says(prompt.text, asks, lang=lang), prompt.text
    await replied(officer, reply, f"hq.responded_{answer}", lang=lang)


async def test_overdue_escalated_bundled_decided_objected_implemented(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    owner, other = cast.owner, cast.other_owner
    smt, bank, hq, official = cast.officer, cast.bank_officer, cast.secretariat, cast.official
    first = await file_report(app, owner, "raw_materials")  # SMT, 7 working days
    one, two = FA.tracking(1405, 1), FA.tracking(1405, 2)
    second = await file_report(app, other, "bank_finance", "The bank wants 150% collateral.")

    # --- the first report runs out of time: one reminder, then the HQ ------------------
    clock.set(first.due_at + timedelta(minutes=1))
    await run_deadline_job(app)
    await heard(smt, "notify.agency_overdue", number=T1)
    assert (await statuses(app))[first.id] == "referred"
    smt_messages = len(smt.texts())
    clock.advance(timedelta(hours=6))
    await run_deadline_job(app)  # idempotent: no second reminder
    assert len(smt.texts()) == smt_messages

    clock.advance(timedelta(days=5))  # past the 3-working-day grace period
    await run_deadline_job(app)
    escalated = await heard(hq, "notify.secretariat_escalated", number=T1)
    assert "سازمان صنعت، معدن و تجارت" in escalated.text  # the seed's agency
    await heard(owner, "notify.owner_escalated", number=T1)
    await heard(smt, "notify.agency_escalated", number=T1)
    assert (await statuses(app))[first.id] == "escalated"
    assert await event_kinds(app, first.id) == [*LATE, "escalated"]

    # --- the bank sends the second one to the HQ itself ----------------------------------
    opened = await bank.say("1405-0002")
    await bank.press(opened, piece("workflow.btn_esc", lang="en"))
    await bank.say("Collateral rules come from the central bank circular; we cannot waive them.")
    await heard(hq, "notify.secretariat_escalated", number=two)
    await heard(other, "notify.owner_escalated", lang="en", number="1405-0002")

    # --- the secretariat bundles both into one systemic obstacle --------------------------
    agenda = await hq.say("/agenda")
    assert one in agenda.text
    assert two in agenda.text
    # The labels carry the number as every screen shows it (isolated, one order).
    await hq.press_only(agenda, f"☐ {one}")
    agenda = await emulator.wait_for_message(hq.id, lambda m: f"☑ {one}" in m.button_texts)
    await hq.press_only(agenda, f"☐ {two}")
    bundle = piece("hq.btn_bundle", count=2)
    agenda = await emulator.wait_for_message(hq.id, lambda m: bundle in " ".join(m.button_texts))
    causes = await hq.press(agenda, bundle)
    ask_title = await hq.press(causes, fa("hq.cause_law"))
    assert says(ask_title.text, "hq.ask_title")
    ask_date = await hq.say("بخشنامهٔ وثیقهٔ بانک مرکزی (۱۵۰ درصد)")
    assert says(ask_date.text, "hq.ask_date")
    past = await hq.say("1405/01/01")
    assert says(past.text, "workflow.error_date_past")
    created = await hq.say("۱۴۰۵/۱۰/۱۵")
    assert says(created.text, "hq.bundled")
    assert "۱۵ دی ۱۴۰۵" in created.text
    on_agenda = await heard(owner, "notify.owner_on_agenda", number=one)
    assert "بخشنامهٔ وثیقه" in on_agenda.text
    assert "۱۵ دی ۱۴۰۵" in on_agenda.text
    on_agenda_en = await heard(other, "notify.owner_on_agenda", lang="en", number="1405-0002")
    assert "5 Jan 2027" in on_agenda_en.text
    assert set((await statuses(app)).values()) == {"on_agenda"}

    # --- the session decides -------------------------------------------------------------
    ask_decision = await hq.press(created, fa("hq.btn_decide"))
    assert says(ask_decision.text, "hq.ask_decision")
    picker = await hq.say(
        "بانک‌ها وثیقهٔ واحدهای دارای پروانه را به ۱۰۰ درصد کاهش دهند و صمت سهمیه را اعلام کند."
    )
    chosen = [b for b in picker.button_texts if b.startswith("☑")]
    assert len(chosen) == 2  # the agencies of the two reports, preselected
    deadlines = await hq.press(picker, fa("hq.btn_next"))
    decided = await hq.press(deadlines, "۳۰ روز")
    assert says(decided.text, "hq.decided", id=FA.number(1))

    smt_notice = await heard(smt, "notify.agency_decision", decision=FA.number(1))
    assert fa("hq.btn_object") in smt_notice.button_texts
    bank_notice = await heard(bank, "notify.agency_decision", lang="en", decision=1)
    assert EN.t("hq.btn_object") in bank_notice.button_texts
    await heard(owner, "notify.owner_decided", number=one)
    await heard(other, "notify.owner_decided", lang="en", number="1405-0002")
    assert set((await statuses(app)).values()) == {"decided"}

    # --- SMT objects within the window; the bank implements ------------------------------
    reason = "تعیین سهمیه در اختیار وزارتخانه است، نه سازمان استانی."
    await answer_decision(smt, smt_notice, fa("hq.btn_object"), reason, "objected")
    objected = await heard(hq, "notify.secretariat_decision_objected", decision=FA.number(1))
    assert "وزارتخانه" in objected.text
    await heard(owner, "notify.owner_decision_objected", number=one)
    await heard(other, "notify.owner_decision_objected", lang="en", number="1405-0002")

    evidence = "Circular 1405/123 sent to all branches on 20 Azar."
    implemented_en = EN.t("hq.btn_implemented")
    await answer_decision(bank, bank_notice, implemented_en, evidence, "implemented", "en")
    implemented = await heard(hq, "notify.secretariat_decision_implemented", decision=FA.number(1))
    assert "1405/123" in implemented.text
    await heard(other, "notify.owner_decision_implemented", lang="en", number="1405-0002")

    listing = await official.say("/decisions")
    assert fa("hq.state_objected") in listing.text  # SMT's objection shows first
    assert "بانک‌های عامل: ۱ از ۱ (۱۰۰٪)" in listing.text
    assert "سازمان صنعت، معدن و تجارت استان قم: ۰ از ۱ (۰٪)" in listing.text

    # The objection window closes; SMT implements after all.
    clock.advance(timedelta(days=20))
    mine = await smt.say("/decisions")
    implement_1 = fa("hq.btn_implemented_n", id=FA.number(1))
    assert implement_1 in mine.button_texts
    assert fa("hq.btn_object_n", id=FA.number(1)) not in mine.button_texts
    await answer_decision(smt, mine, implement_1, "سهمیه در سامانهٔ بهین‌یاب ثبت شد.", "implemented")
    await heard(hq, "notify.secretariat_decision_implemented", decision=FA.number(1))
    final = await official.say("/decisions")
    assert says(final.text, "hq.decisions_title", implemented=FA.number(1))
    assert "سازمان صنعت، معدن و تجارت استان قم: ۱ از ۱ (۱۰۰٪)" in final.text
    async with services_of(app).database.session() as session:
        answers = list(await session.scalars(select(DecisionAgency)))
    assert {a.state for a in answers} == {"implemented"}
    assert next(a for a in answers if a.agency_id == cast.smt_id).objection is not None

    assert await event_kinds(app, first.id) == [*LATE, "escalated", *DECIDED]

    # The bank's report was late too (the reminder), then the bank sent it up itself.
    assert await event_kinds(app, second.id) == [*LATE, "escalation_requested", *DECIDED]

    # --- the obstructive-laws list, exported ---------------------------------------------
    laws = await official.say("/laws")
    assert says(laws.text, "hq.laws_title")
    assert "بخشنامهٔ وثیقهٔ بانک مرکزی" in laws.text
    export = await official.press(laws, "CSV")
    assert export.document is not None
    data = emulator.file_bytes(export.document.file_id).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][1] == fa("hq.cause_law")
    assert rows[1][1] == "بخشنامهٔ وثیقهٔ بانک مرکزی (۱۵۰ درصد)"
    assert rows[1][3] == "2"
    assert rows[1][5] == fa("hq.state_implemented")
