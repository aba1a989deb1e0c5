"""The text-taking steps of the flows added after the foundation: the agency's and the
owner's prompts on a report, the HQ's agenda and decisions, the admin's lookup, the
program progress flow and the program edit. Each is a `Step` for the corpus driver
(test_corpus.py); the setup goes through the services, the step itself is reached by
pressing its real button over HTTP.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import date

from bot.access import Principal, ReportAction
from bot.context import RounaqApp
from bot.i18n import get_translator
from bot.services.hq import DecisionTerms
from bot.services.reports import ReportDraft
from emulator import SentMessage
from storage.dto import ReportDTO
from storage.dto_figures import ProgramDTO
from storage.models import Role
from tests.e2e.workflow_kit import services_of
from tests.hardening.corpus import CORPUS, Input
from tests.hardening.flows import (
    Step,
    give_unit,
    has_button,
    in_turn,
    new_person,
    type_then_buttons,
    wait_buttons,
)
from tests.people import Person

A = ReportAction
FA = get_translator("fa")
_owners = itertools.count(870_001)
_staff = itertools.count(880_001)


def subset(*ids: str) -> tuple[Input, ...]:
    found = tuple(i for i in CORPUS if i.id in ids)
    assert len(found) == len(ids), set(ids) - {i.id for i in found}
    return found


# The inputs most likely to break a text step: markup, size, invisible and bidi marks,
# Arabic letters, digit scripts, SQL, nothing left after normalising, and non-text.
SHARP = subset(
    "html",
    "long_50k",
    "only_spaces",
    "zero_width",
    "rtl_marks",
    "arabic_letters",
    "mixed_digits",
    "sql",
    "nul_and_controls",
    "sticker",
    "voice",
    "photo_without_caption",
    "edited",
    "command_with_args",
    "callback_garbage",
)
DATES = tuple(i for i in CORPUS if i.id.startswith("date_"))
# A pending prompt is dropped by any command: the user moved on (handlers/asking.py).
COMMANDS = frozenset(i.id for i in CORPUS if i.text is not None and i.text.startswith("/"))


# --- the cast ------------------------------------------------------------------------------


async def principal(app: RounaqApp, user_id: int) -> Principal:
    return (await services_of(app).users.profile(user_id)).principal


async def staff(app: RounaqApp, person: Person, role: Role, agency: str | None = None) -> Person:
    """``person`` given a role (an officer of the agency with that code)."""
    services = services_of(app)
    agency_id = None
    if agency is not None:
        found = services.directory.agency_by_code(agency)
        assert found is not None
        agency_id = found.id
    await services.users.grant(person.id, role, agency_id=agency_id)
    return person


async def helper(app: RounaqApp, person: Person, role: Role, agency: str | None = None) -> int:
    """Someone else with a role, who acts through the services only."""
    other = await new_person(app, person.emu, next(_staff))
    await staff(app, other, role, agency)
    return other.id


async def new_report(
    app: RounaqApp, person: Person, category: str = "raw_materials", owner: Person | None = None
) -> ReportDTO:
    """A fresh report (raw materials go to the SMT organisation), by a fresh owner."""
    services = services_of(app)
    if owner is None:
        owner = await new_person(app, person.emu, next(_owners))
    units = await services.units.of_owner(owner.id)
    unit = units[0] if units else await give_unit(app, owner)
    found = services.directory.category_by_code(category)
    assert found is not None
    submission = await services.reports.submit(
        owner.id,
        ReportDraft(unit.id, found.id, "تأمین مواد اولیه با قیمت سه برابر انجام می‌شود."),
    )
    return submission.report


async def press(
    person: Person, message_id: int, data: str, expect: Callable[[SentMessage], bool]
) -> SentMessage:
    """Press ``data`` as a button of that message; the bot's message it brings, once the
    press itself has been answered (a late answer would pass for the next input's)."""
    cursor = person.emu.cursor(person.id)
    query = await person.emu.press_raw(person.id, person.id, message_id, data)
    await person.emu.wait_for_answer(query)
    return await person.emu.wait_for_message(person.id, expect, after=cursor)


async def ask_by_button(person: Person, data: str) -> SentMessage:
    """Press ``data`` (as a button of a fresh message) and wait for the prompt."""
    anchor = await person.say("/help")  # also the message an "edited" input edits
    return await press(person, anchor.message_id, data, lambda m: "/cancel" in m.text)


# --- the agency's and the owner's words on a report ------------------------------------------


def _officer_prompt(action: ReportAction) -> Callable[[RounaqApp, Person], Awaitable[None]]:
    async def reach(app: RounaqApp, person: Person) -> None:
        await staff(app, person, Role.OFFICER, "smt")
        report = await new_report(app, person)
        if action in (A.RESOLVE, A.REJECT):
            await services_of(app).workflow.act(
                await principal(app, person.id), A.ACCEPT, report.id
            )
        await ask_by_button(person, f"wf:{action.value}:{report.id}")

    return reach


def _owner_prompt(action: ReportAction) -> Callable[[RounaqApp, Person], Awaitable[None]]:
    async def reach(app: RounaqApp, person: Person) -> None:
        officer = await helper(app, person, Role.OFFICER, "smt")
        report = await new_report(app, person, owner=person)
        if action is A.ANSWER:
            await services_of(app).workflow.act(
                await principal(app, officer), A.ASK, report.id, note="فاکتور خرید را بفرستید."
            )
        await ask_by_button(person, f"wf:{action.value}:{report.id}")

    return reach


def _answer_is(key: str) -> Callable[[SentMessage], bool]:
    """The bot's answer holds the Persian text of catalog ``key``: the input was taken."""
    done = FA.t(key)
    return lambda m: done in m.text


async def _words_go_on(app: RounaqApp, person: Person) -> None:
    cursor = person.emu.cursor(person.id)
    await person.send("متن معتبر و کافی برای این گام")
    await person.emu.wait_for_message(person.id, lambda m: has_button(m, "my:o:"), after=cursor)


def _report_step(action: ReportAction, inputs: tuple[Input, ...] = SHARP) -> Step:
    owner = action in (A.ANSWER, A.ADD_INFO)
    return Step(
        f"report.{action.name.lower()}",
        _owner_prompt(action) if owner else _officer_prompt(action),
        _answer_is(f"workflow.done_{action.value}"),
        _words_go_on,
        COMMANDS,
        inputs=inputs,
    )


# --- the HQ: agenda item title and session date, decision text, objection and evidence -------


async def _escalated(app: RounaqApp, person: Person) -> ReportDTO:
    officer = await helper(app, person, Role.OFFICER, "smt")
    report = await new_report(app, person)
    outcome = await services_of(app).workflow.act(
        await principal(app, officer), A.ESCALATE, report.id, note="از اختیار دستگاه بیرون است."
    )
    return outcome.report


async def _reach_title(app: RounaqApp, person: Person) -> None:
    await staff(app, person, Role.SECRETARIAT)
    report = await _escalated(app, person)
    anchor = await person.say("/agenda")
    query = await person.emu.press_raw(
        person.id, person.id, anchor.message_id, f"hq:t:{report.id}:1"
    )
    await person.emu.wait_for_answer(query)
    assert _selected(app, person.id) == [report.id]
    await ask_by_button(person, "hq:k:law")


def _selected(app: RounaqApp, user_id: int) -> list[int] | None:
    from handlers.agenda import SELECTION_KEY

    value = app.user_data.get(user_id, {}).get(SELECTION_KEY)
    return list(value) if isinstance(value, list) else None


async def _title_go_on(app: RounaqApp, person: Person) -> None:
    await person.send("قانون مالیات بر ارزش افزوده، مادهٔ ۱۲")
    await person.emu.wait_for_message(person.id, lambda m: "/cancel" in m.text)


_reach_session_date = in_turn(_reach_title, _title_go_on)


async def _session_date_go_on(app: RounaqApp, person: Person) -> None:
    await person.send("۱۴۰۵/۰۹/۲۰")
    await person.next(FA.t("hq.bundled"))


async def agenda_item(app: RounaqApp, person: Person) -> int:
    secretariat = await principal(app, person.id)
    report = await _escalated(app, person)
    item_id, _ = await services_of(app).hq.bundle(
        secretariat, [report.id], title="وثیقهٔ بانکی", cause_kind="bank",
        session_date=date(2099, 1, 1),
    )  # fmt: skip
    return item_id


async def _reach_decision(app: RounaqApp, person: Person) -> None:
    await staff(app, person, Role.SECRETARIAT)
    await ask_by_button(person, f"hq:d:{await agenda_item(app, person)}")


_decision_go_on = type_then_buttons("بانک‌ها وثیقهٔ سفته را بپذیرند.", "hq:a:")


def _decision_response(verb: str) -> Callable[[RounaqApp, Person], Awaitable[None]]:
    async def reach(app: RounaqApp, person: Person) -> None:
        secretariat = await new_person(app, person.emu, next(_staff))
        await staff(app, secretariat, Role.SECRETARIAT)
        item_id = await agenda_item(app, secretariat)
        smt = services_of(app).directory.agency_by_code("smt")
        assert smt is not None
        terms = DecisionTerms(item_id, "مواد اولیه با نرخ مصوب تأمین شود.", [smt.id], 10)
        secretariat_principal = await principal(app, secretariat.id)
        decision, _ = await services_of(app).hq.decide(secretariat_principal, terms)
        await staff(app, person, Role.OFFICER, "smt")
        await ask_by_button(person, f"dc:{verb}:{decision.id}:{smt.id}")

    return reach


async def _response_go_on(app: RounaqApp, person: Person) -> None:
    await person.send("نامهٔ شمارهٔ ۱۲۳ مورخ ۱۴۰۵/۰۹/۰۵")
    await person.next("ستاد")


# --- the admin's lookup ------------------------------------------------------------------------


async def _reach_find(app: RounaqApp, person: Person) -> None:
    await staff(app, person, Role.ADMIN)
    await ask_by_button(person, "adm:f")


async def _find_go_on(app: RounaqApp, person: Person) -> None:
    await person.send(str(person.id))
    await wait_buttons(person, "adm:")


# --- programs: the progress flow and the admin's edit --------------------------------------


async def _program(app: RounaqApp) -> ProgramDTO:
    programs = await services_of(app).programs.all()
    return next(p for p in programs if p.agency_id is not None)


async def _reach_percent(app: RounaqApp, person: Person) -> None:
    program = await _program(app)
    assert program.agency_id is not None
    code = services_of(app).directory.agency(program.agency_id).code
    await staff(app, person, Role.OFFICER, code)
    anchor = await person.say("/help")
    await press(person, anchor.message_id, f"pg:u:{program.id}", lambda m: "۰ تا ۱۰۰" in m.text)


async def _percent_go_on(app: RounaqApp, person: Person) -> None:
    await person.send("۴۵٪")
    await person.next(FA.t("programs.ask_note")[:20])


_reach_note = in_turn(_reach_percent, _percent_go_on)


_note_go_on = type_then_buttons("قرارداد پیمانکار امضا شد.", "pgf:n")


async def _reach_progress_date(app: RounaqApp, person: Person) -> None:
    await _reach_note(app, person)
    await _note_go_on(app, person)
    ask = await wait_buttons(person, "pgf:n")
    await press(person, ask.message_id, "pgf:n", lambda m: has_button(m, "pgf:t"))


_progress_date_go_on = type_then_buttons("1405/9/1", "pgf:s")


async def _save_progress(app: RounaqApp, person: Person) -> None:
    confirm = await wait_buttons(person, "pgf:s")
    await press(person, confirm.message_id, "pgf:s", lambda m: has_button(m, "pg:o:"))


async def _finish_note(app: RounaqApp, person: Person) -> None:
    ask = await wait_buttons(person, "pgf:n")
    await press(person, ask.message_id, "pgf:n", lambda m: has_button(m, "pgf:t"))
    await _progress_date_go_on(app, person)
    await _save_progress(app, person)


def _reach_edit(field_name: str) -> Callable[[RounaqApp, Person], Awaitable[None]]:
    async def reach(app: RounaqApp, person: Person) -> None:
        await staff(app, person, Role.ADMIN)
        choose = await person.say("/editprogram 2")
        label = FA.t(f"programs.field.{field_name}")
        await press(person, choose.message_id, f"pge:f:{field_name}", lambda m: label in m.text)

    return reach


def _edited_program(m: SentMessage) -> bool:
    return FA.t("programs.edit_done", number="۲") in m.text


async def _edit_go_on(app: RounaqApp, person: Person) -> None:
    await person.send("۱۴۰۶/۰۱/۱۵")
    await person.next(FA.t("programs.edit_done", number="۲"))


async def _edit_title_go_on(app: RounaqApp, person: Person) -> None:
    await person.send("توسعهٔ صنایع تبدیلی")
    await person.next(FA.t("programs.edit_done", number="۲"))


# Conversations (not prompts): another flow's command leaves them, other commands do not.
OTHER_FLOWS = frozenset({"register_with_args", "myreports_with_args", "command_with_args"})

STEPS: tuple[Step, ...] = (
    # The officer's question is the representative prompt: it gets the whole corpus.
    _report_step(A.ASK, CORPUS),
    _report_step(A.NOTE),
    _report_step(A.RESOLVE),
    _report_step(A.REJECT),
    _report_step(A.ESCALATE),
    _report_step(A.ANSWER),
    _report_step(A.ADD_INFO),
    Step(
        "hq.title",
        _reach_title,
        lambda m: "/cancel" in m.text,
        _title_go_on,
        COMMANDS,
        inputs=SHARP,
    ),
    Step(
        "hq.session_date",
        _reach_session_date,
        lambda m: FA.t("hq.bundled") in m.text,
        _session_date_go_on,
        COMMANDS,
        inputs=SHARP + DATES,
    ),
    Step(
        "hq.decision",
        _reach_decision,
        lambda m: has_button(m, "hq:a:"),
        _decision_go_on,
        COMMANDS,
        inputs=SHARP,
    ),
    Step(
        "hq.objection",
        _decision_response("o"),
        _answer_is("hq.responded_objected"),
        _response_go_on,
        COMMANDS,
        inputs=SHARP,
    ),
    Step(
        "hq.evidence",
        _decision_response("i"),
        _answer_is("hq.responded_implemented"),
        _response_go_on,
        COMMANDS,
        inputs=SHARP,
    ),
    Step(
        "admin.find",
        _reach_find,
        lambda m: has_button(m, "adm:"),
        _find_go_on,
        COMMANDS,
        inputs=SHARP + subset("huge_number", "negative", "mention_and_link", "persian_separators"),
    ),
    # The progress flow's percent takes numbers: it gets the whole corpus.
    Step(
        "programs.percent",
        _reach_percent,
        lambda m: FA.t("programs.ask_note")[:20] in m.text,
        _percent_go_on,
        OTHER_FLOWS,
    ),
    Step(
        "programs.note",
        _reach_note,
        lambda m: has_button(m, "pgf:n"),
        _note_go_on,
        OTHER_FLOWS,
        _finish_note,
        inputs=SHARP,
    ),
    Step(
        "programs.date",
        _reach_progress_date,
        lambda m: has_button(m, "pgf:s"),
        _progress_date_go_on,
        OTHER_FLOWS,
        _save_progress,
        inputs=SHARP + DATES,
    ),
    Step(
        "programs.edit_title",
        _reach_edit("title_fa"),
        _edited_program,
        _edit_title_go_on,
        OTHER_FLOWS,
        inputs=SHARP,
    ),
    Step(
        "programs.edit_date",
        _reach_edit("due_on"),
        _edited_program,
        _edit_go_on,
        OTHER_FLOWS,
        inputs=SHARP + DATES,
    ),
)
