"""An owner's answer typed without pressing "answer the question" is not lost: it is offered
as the answer, kept until confirmed, across a restart. Over HTTP (issue 11, item 4)."""

from __future__ import annotations

from sqlalchemy import select

from bot.access import ReportAction
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from storage.models import ReportEvent
from tests.conftest import cast_people
from tests.e2e.expect import FA, FA_P, labels, says
from tests.e2e.workflow_kit import Cast, file_report, make_cast, services_of
from tests.people import Person

ANSWER = "از شرکت نساجی البرز خریدیم؛ فاکتور را فردا می‌فرستم."


async def ask(app: RounaqApp, officer: Person, report: ReportDTO, question: str) -> None:
    services = services_of(app)
    principal = (await services.users.profile(officer.id)).principal
    await services.workflow.act(principal, ReportAction.ASK, report.id, note=question)


async def answers(app: RounaqApp, report_id: int) -> list[str | None]:
    async with services_of(app).database.session() as session:
        rows = await session.scalars(
            select(ReportEvent.note).where(
                ReportEvent.report_id == report_id, ReportEvent.kind == "answer"
            )
        )
        return list(rows)


async def test_a_typed_answer_is_offered_and_sent_with_one_tap(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    owner, officer = cast.owner, cast.officer
    # No question yet: the usual hint.
    hint = await owner.say("سلام، خبری نشد؟")
    assert FA.t("workflow.btn_send_answer") not in hint.button_texts
    assert FA_P.tracking(1405, 1) not in hint.text

    await ask(app, officer, report, "از کدام تأمین‌کننده خریدید؟")
    # Before: the generic hint, and the answer was lost.
    offer = await owner.say(ANSWER)
    assert says(offer.text, "workflow.offer_answer", number=FA_P.tracking(1405, 1), quote=ANSWER)
    assert FA.t("workflow.btn_send_answer") in offer.button_texts
    await owner.press_only(offer, FA.t("workflow.btn_send_answer"))
    told = await officer.next("پاسخ داد")
    assert ANSWER in told.text
    assert await answers(app, report.id) == [ANSWER]
    assert FA.t("workflow.done_ans") in offer.text  # the offer now says it was sent
    assert "unsent_answer" not in app.user_data.get(owner.id, {})
    # Pressing it again sends nothing twice.
    query = await emulator.press_raw(owner.id, owner.id, offer.message_id, f"oa:{report.id}")
    assert (await emulator.wait_for_answer(query)).show_alert
    assert await answers(app, report.id) == [ANSWER]


async def test_several_open_questions_ask_which_and_not_an_answer_is_dropped(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner, officer = cast.owner, cast.officer
    first = await file_report(app, owner, "raw_materials")
    second = await file_report(app, owner, "permits", "پروانهٔ بهره‌برداری شش ماه است معطل است.")
    await ask(app, officer, first, "فاکتور خرید را بفرستید.")
    await ask(app, officer, second, "شمارهٔ نامهٔ درخواست پروانه چیست؟")

    offer = await owner.say("شمارهٔ نامه ۱۲۳۴ مورخ ۱۴۰۵/۰۸/۰۱ است.")
    assert FA.t("workflow.offer_answer_which", quote="").split("\n")[0] in offer.text
    buttons = labels(offer)
    assert FA_P.tracking(1405, 1) in buttons
    assert FA_P.tracking(1405, 2) in buttons
    await owner.press_only(offer, "۱۴۰۵-۰۰۰۲")
    await officer.next("پاسخ داد")
    assert await answers(app, second.id) == ["شمارهٔ نامه ۱۲۳۴ مورخ ۱۴۰۵/۰۸/۰۱ است."]
    assert await answers(app, first.id) == []

    # Not an answer: nothing is sent, the kept text is dropped.
    offer = await owner.say("ببخشید اشتباه شد")
    # The only question left.
    assert says(offer.text, "workflow.offer_answer", number=FA_P.tracking(1405, 1))
    await owner.press_only(offer, FA.t("workflow.btn_not_an_answer"))
    await emulator.wait_until(lambda: FA.t("workflow.answer_dismissed") in offer.text)
    assert "unsent_answer" not in app.user_data.get(owner.id, {})
    assert await answers(app, first.id) == []


async def test_the_kept_answer_survives_a_restart(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    people = cast_people(emulator)
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        cast = await make_cast(app, emulator, people)
        report = await file_report(app, cast.owner, "raw_materials")
        await ask(app, cast.officer, report, "از کدام تأمین‌کننده خریدید؟")
        offer = await cast.owner.say(ANSWER)
        assert FA.t("workflow.btn_send_answer") in offer.button_texts

    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        await cast.owner.press_only(offer, FA.t("workflow.btn_send_answer"))
        await cast.officer.next("پاسخ داد")
        assert await answers(app, report.id) == [ANSWER]
