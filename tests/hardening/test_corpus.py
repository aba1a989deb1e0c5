"""Every odd input, at every text-taking step of every flow, over real HTTP.

Each gets an answer (a message or a button alert) in the user's language, or is ignored by
design; the error handler records nothing; the flow still works afterwards; what is
stored is normalised and within its limits. Steps are data: the foundation's are here,
the later flows' (report actions, HQ, admin, programs) in steps_more.py; each step names
its inputs (the whole corpus on representative steps, a sharp subset on the rest).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.services.hq import TEXT_MAX, TEXT_MIN, TITLE_MAX, TITLE_MIN
from bot.services.programs import NOTE_MAX as PROGRAM_NOTE_MAX
from bot.services.reports import DESCRIPTION_MAX, DESCRIPTION_MIN
from bot.services.units import UNIT_NAME_MAX
from bot.services.workflow import EVENT_OF, NOTE_MAX, NOTE_MIN, TRANSITIONS
from bot.text import normalize_text
from emulator import BotApiEmulator, SentMessage
from storage.models import Report, ReportEvent, ReportStatus, Unit
from storage.models_programs import Program, ProgramUpdate
from storage.models_workflow import AgendaItem, Decision, DecisionAgency
from tests.conftest import START, bot_settings, new_emulator
from tests.e2e.workflow_kit import services_of
from tests.hardening import steps_more
from tests.hardening.conftest import clear, describe, unhandled
from tests.hardening.corpus import Input
from tests.hardening.flows import (
    Step,
    give_unit,
    has_button,
    in_turn,
    new_person,
    press_data,
    press_for_new,
    press_then_buttons,
    submit_report,
    to_report_description,
    type_then_buttons,
    wait_buttons,
)
from tests.people import Person

ANSWER_TIMEOUT = 5.0


async def _reach_idle(app: RounaqApp, person: Person) -> None:
    await give_unit(app, person)
    await person.say("/help")


async def _idle_go_on(app: RounaqApp, person: Person) -> None:
    assert "/report" in (await person.say("/help")).text


async def _reach_name(app: RounaqApp, person: Person) -> None:
    await person.say("/register")


_name_go_on = type_then_buttons("کارگاه سالم", "reg:sec:")


_reach_sector = in_turn(_reach_name, _name_go_on)


_sector_go_on = press_then_buttons("reg:sec:", "reg:cty:")


async def _county_and_permit(person: Person) -> None:
    """From the county buttons: the first county, then a licensed permit; the bot asks for
    the phone number with a reply keyboard."""
    counties = await wait_buttons(person, "reg:cty:")
    permits = await press_for_new_or_edit(person, counties, "reg:cty:", "reg:prm:")
    await press_data(person, permits, "reg:prm:licensed")
    await person.emu.wait_for_message(person.id, lambda m: m.reply_keyboard is not None)


async def _reach_phone(app: RounaqApp, person: Person) -> None:
    await _reach_sector(app, person)
    await _sector_go_on(app, person)
    await _county_and_permit(person)


async def press_for_new_or_edit(
    person: Person, message: SentMessage, prefix: str, expect: str
) -> SentMessage:
    await press_data(person, message, prefix)
    return await wait_buttons(person, expect)


async def _phone_go_on(app: RounaqApp, person: Person) -> None:
    await person.emu.share_contact(person.id)
    await wait_buttons(person, "menu:report")


async def _reach_description(app: RounaqApp, person: Person) -> None:
    await give_unit(app, person)
    await to_report_description(app, person, "permits")


_description_go_on = type_then_buttons("شرح معتبر یک مانع تولید برای ادامهٔ کار", "rep:next")


async def _reach_amount(app: RounaqApp, person: Person) -> None:
    await give_unit(app, person)
    await to_report_description(app, person, "raw_materials")
    ask_files = await person.say("نخ و رنگ با قیمت سه برابر از بازار آزاد تهیه می‌شود.")
    await press_for_new(person, ask_files, "rep:next")
    await wait_buttons(person, "rep:skip")


_amount_go_on = type_then_buttons("۵۰۰ میلیون تومان", "rep:submit")


async def _reach_confirm(app: RounaqApp, person: Person) -> None:
    await _reach_description(app, person)
    await _description_go_on(app, person)
    ask_files = await wait_buttons(person, "rep:next")
    await press_data(person, ask_files, "rep:next")
    await wait_buttons(person, "rep:submit")


_confirm_go_on = press_then_buttons("rep:submit", "my:o:")


async def _finish_registration(app: RounaqApp, person: Person) -> None:
    await _sector_go_on(app, person)
    await _county_and_permit(person)
    await _phone_go_on(app, person)


async def _finish_description(app: RounaqApp, person: Person) -> None:
    ask_files = await wait_buttons(person, "rep:next")
    await press_data(person, ask_files, "rep:next")
    await _confirm_go_on(app, person)


# Commands that start another flow: the user leaves the step on purpose.
OTHER_FLOWS = frozenset({"register_with_args", "myreports_with_args", "command_with_args"})

FOUNDATION_STEPS: tuple[Step, ...] = (
    Step("idle", _reach_idle, lambda m: False, _idle_go_on),
    Step(
        "registration.name",
        _reach_name,
        lambda m: has_button(m, "reg:sec:"),
        _name_go_on,
        OTHER_FLOWS,
        _finish_registration,
    ),
    Step("registration.sector", _reach_sector, lambda m: False, _sector_go_on, OTHER_FLOWS),
    Step("registration.phone", _reach_phone, lambda m: False, _phone_go_on, OTHER_FLOWS),
    Step(
        "report.description",
        _reach_description,
        lambda m: has_button(m, "rep:next"),
        _description_go_on,
        OTHER_FLOWS,
        _finish_description,
    ),
    Step(
        "report.amount",
        _reach_amount,
        lambda m: has_button(m, "rep:submit"),
        _amount_go_on,
        OTHER_FLOWS,
        _confirm_go_on,
    ),
    Step(
        "report.confirm",
        _reach_confirm,
        lambda m: has_button(m, "my:o:"),
        _confirm_go_on,
        OTHER_FLOWS,
    ),
)

STEPS = FOUNDATION_STEPS + steps_more.STEPS

_ids = itertools.count(800_001)


async def answer_to(emu: BotApiEmulator, person: Person, item: Input) -> SentMessage | str:
    """Feed one input; the bot's first message, or the text of a button alert."""
    cursor = emu.cursor(person.id)
    query = await item.send(emu, person.id)
    if query is not None:
        # This press's own answer: an earlier press answered late must not pass for it.
        alert = (await emu.wait_for_answer(query, timeout=ANSWER_TIMEOUT)).text
        if alert:
            return alert
        # A silent answer: the button worked, and the real answer is a message.
    return await emu.wait_for_message(person.id, after=cursor, timeout=ANSWER_TIMEOUT)


class Corpus(NamedTuple):
    app: RounaqApp
    emulator: BotApiEmulator


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def corpus(module_database_url: str) -> AsyncIterator[Corpus]:
    """One bot for every step's test (per database): each step's people are new, and what
    one step stored is as sane for the next step's check as its own. A bot of its own per
    test cost 0.3 s of each one's 1-2 s."""
    async with new_emulator() as emulator:
        settings = bot_settings(
            module_database_url, emulator, max_upload_bytes=10_000, max_updates_per_minute=0
        )
        async with running_bot(settings, clock=ManualClock(START), poll_timeout=1) as app:
            yield Corpus(app, emulator)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
async def test_every_odd_input_at_every_step(
    corpus: Corpus, step: Step, unhandled_errors: list[logging.LogRecord]
) -> None:
    app, emulator = corpus
    # Someone else's report 1405-0001 exists, so their number is a real one to probe with.
    neighbour = await new_person(app, emulator, next(_ids))
    await give_unit(app, neighbour, "واحد همسایه")
    await submit_report(app, neighbour, "گزارش همسایه که دیگران نباید ببینند.")
    failures: list[str] = []
    person: Person | None = None
    for item in step.inputs:
        if person is None:
            # Refused inputs leave the user at the step, so one user takes them in turn;
            # after an accepted or flow-leaving input a new user is brought to the step.
            person = await new_person(app, emulator, next(_ids))
            await step.reach(app, person)
        try:
            answer = await answer_to(emulator, person, item)
        except TimeoutError:
            failures.append(f"{item.id}: no answer")
            person = None
            continue
        text = answer if isinstance(answer, str) else answer.text
        errors = unhandled(item.id, unhandled_errors)
        failures += [] if clear(text) else [f"{item.id}: unclear answer {text[:80]!r}"]
        if errors:
            failures += errors
            person = None
            continue
        accepted = isinstance(answer, SentMessage) and step.accepted(answer)
        if accepted and step.finish is not None:
            try:
                await step.finish(app, person)
            except (TimeoutError, LookupError) as exc:
                failures.append(f"{item.id}: accepted, but could not be carried through: {exc}")
            failures += unhandled(item.id, unhandled_errors)
        if accepted or item.id in step.leaves:
            person = None
    if person is not None:
        try:
            await step.go_on(app, person)  # after all those inputs, the step still works
        except (TimeoutError, LookupError) as exc:
            failures.append(f"the flow did not go on after the corpus: {exc}")
    assert not failures, "\n".join(failures)
    await assert_storage_is_sane(app)


def _clean(text: str, low: int, high: int) -> None:
    """Stored free text is normalised (as every prompt normalises it) and within limits."""
    assert text == normalize_text(text), repr(text[:80])
    assert low <= len(text) <= high, (len(text), text[:80])


async def assert_storage_is_sane(app: RounaqApp) -> None:
    """Whatever got in is normalised and within its limits; every report has a history;
    statuses, percentages and dates are ones the flows can produce."""
    today = START.astimezone(ZoneInfo("Asia/Tehran")).date()
    async with services_of(app).database.session() as session:
        for name in await session.scalars(select(Unit.name)):
            _clean(name, 2, UNIT_NAME_MAX)
        for description in await session.scalars(select(Report.description)):
            _clean(description, DESCRIPTION_MIN, DESCRIPTION_MAX)
        statuses = set(await session.scalars(select(Report.status)))
        assert statuses <= {s.value for s in ReportStatus}, statuses
        reports = await session.scalar(select(func.count()).select_from(Report))
        histories = await session.scalar(
            select(func.count(func.distinct(ReportEvent.report_id))).where(
                ReportEvent.kind == "submitted"
            )
        )
        assert reports == histories
        # The agency's and the owner's words (system events carry no note or a fixed one).
        worded = {EVENT_OF[a] for a, t in TRANSITIONS.items() if t.needs_note}
        for note in await session.scalars(
            select(ReportEvent.note).where(ReportEvent.kind.in_(worded))
        ):
            assert note is not None
            _clean(note, NOTE_MIN, NOTE_MAX)
        for title in await session.scalars(select(AgendaItem.title)):
            _clean(title, TITLE_MIN, TITLE_MAX)
        for session_date in await session.scalars(select(AgendaItem.session_date)):
            assert session_date >= today, session_date
        for text in await session.scalars(select(Decision.text)):
            _clean(text, TEXT_MIN, TEXT_MAX)
        for answer in await session.scalars(select(DecisionAgency)):
            for words in (answer.objection, answer.evidence):
                if words is not None:
                    _clean(words, NOTE_MIN, NOTE_MAX)
        for update in await session.scalars(select(ProgramUpdate)):
            assert 0 <= update.percent <= 100, update.percent
            assert update.reported_on <= today, update.reported_on
            _clean(update.note, 1, PROGRAM_NOTE_MAX)
        for program in await session.scalars(select(Program)):
            assert 0 <= program.progress <= 100
            _clean(program.title_fa, 1, 500)
            for day in (program.starts_on, program.due_on):
                # Within the years a typed Jalali date may have (bot.text: 1300-1499).
                assert day is None or date(1921, 3, 21) <= day <= date(2121, 3, 20), day


async def test_replayed_buttons_change_nothing(
    app: RounaqApp, emulator: BotApiEmulator, unhandled_errors: list[logging.LogRecord]
) -> None:
    """Pressing an old button again: the submit of a sent report, a language long chosen."""
    person = await new_person(app, emulator, next(_ids))
    await give_unit(app, person)
    confirmation = await submit_report(app, person, "پروانه شش ماه است در انتظار است.")
    summary = next(m for m in emulator.messages(person.id) if "rep:submit" in _datas(m, True))
    for _ in range(2):
        await emulator.press_raw(person.id, person.id, summary.message_id, "rep:submit")
    await emulator.press_raw(person.id, person.id, confirmation.message_id, "lang:fa")
    await emulator.wait_until(lambda: len(emulator.callback_answers(person.id)) >= 6)
    alerts = [a for a in emulator.callback_answers(person.id) if a.show_alert]
    assert len(alerts) == 2  # the two replayed submits; the language button just works
    async with services_of(app).database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1
    assert not unhandled_errors, describe(unhandled_errors)


def _datas(message: SentMessage, edits: bool) -> list[str]:
    rows = list(message.buttons)
    if edits:
        for record in message.edits:
            rows += [
                [(b.get("text", ""), b.get("callback_data")) for b in row]
                for row in (record.reply_markup or {}).get("inline_keyboard") or []
            ]
    return [d for row in rows for _, d in row if d]
