"""Odd input that is not a step's text: commands with arguments for every role, forged and
stale buttons of every prefix pressed by someone who may use that screen, replayed
buttons, and loan spreadsheets that are not what they claim. Over real HTTP; each gets a
clear answer in the user's language, the error handler records nothing, and the database
holds what it held (or, for the formula-looking cell, exactly what was sent, exported
quoted).
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import zipfile
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.context import RounaqApp
from bot.services.hq import DecisionTerms
from emulator import BotApiEmulator, SentMessage
from storage.models import Report, ReportEvent, Role, RoutingRule, UserRole
from storage.models_loans import LoanFacility
from storage.models_programs import Program, ProgramReportLink, ProgramUpdate
from storage.models_workflow import AgendaItem, Decision, DecisionAgency
from tests.e2e.workflow_kit import services_of
from tests.hardening.conftest import clear, describe, judged, unhandled
from tests.hardening.flows import new_person
from tests.hardening.steps_more import (
    FA,
    agenda_item,
    new_report,
    principal,
    staff,
)
from tests.loan_files import GOOD_ROWS, make_csv, make_xlsx, rows_with
from tests.people import Person

_ids = itertools.count(890_001)
UPLOAD_LIMIT = 50_000

# Everything a database snapshot compares: what no odd input may change.
TABLES: tuple[Any, ...] = (
    Report, ReportEvent, UserRole, RoutingRule, AgendaItem, Decision, ProgramUpdate,
    ProgramReportLink, LoanFacility,
)  # fmt: skip


async def snapshot(app: RounaqApp) -> dict[str, object]:
    async with services_of(app).database.session() as session:

        async def rows(model: Any, *columns: str) -> list[tuple[object, ...]]:
            found = await session.scalars(select(model))
            return sorted((tuple(getattr(r, c) for c in columns) for r in found), key=str)

        counts: dict[str, object] = {
            t.__tablename__: await session.scalar(select(func.count()).select_from(t))
            for t in TABLES
        }
        counts["statuses"] = await rows(Report, "id", "status", "agency_id")
        counts["answers"] = await rows(DecisionAgency, "decision_id", "agency_id", "state")
        counts["programs"] = await rows(
            Program, "id", "title_fa", "agency_id", "progress", "due_on"
        )
        counts["rules"] = await rows(RoutingRule, "category_id", "sector_id", "agency_id")
    return counts


def changed(label: str, before: dict[str, object], after: dict[str, object]) -> list[str]:
    """The failure for what differs between two snapshots, by table or listing."""
    return [
        f"{label} changed {k}: {before[k]} -> {after[k]}" for k in before if before[k] != after[k]
    ]


class World:
    """One of each role, with a report at each stage worth probing and an HQ decision."""

    def __init__(self, app: RounaqApp, emulator: BotApiEmulator) -> None:
        self.app, self.emulator = app, emulator
        self.people: dict[str, Person] = {}

    async def build(self) -> World:
        app, emu = self.app, self.emulator
        for role, agency in (
            ("owner", None), ("officer", "smt"), ("official", None), ("secretariat", None),
            ("admin", None),
        ):  # fmt: skip
            person = await new_person(app, emu, next(_ids))
            if role != "owner":
                await staff(app, person, Role(role), agency)
            self.people[role] = person
        owner = self.people["owner"]
        self.report = await new_report(app, owner, owner=owner)  # 1405-0001, referred
        self.item = await agenda_item(app, self.people["secretariat"])  # an escalated report on it
        smt = services_of(app).directory.agency_by_code("smt")
        assert smt is not None
        self.smt = smt.id
        terms = DecisionTerms(self.item, "مواد اولیه با نرخ مصوب تأمین شود.", [smt.id], 10)
        secretariat = await principal(app, self.people["secretariat"].id)
        self.decision, _ = await services_of(app).hq.decide(secretariat, terms)
        return self


@pytest.fixture
async def world(app: RounaqApp, emulator: BotApiEmulator) -> World:
    return await World(app, emulator).build()


# --- commands with arguments ---------------------------------------------------------------

COMMANDS = (
    "/status 999", "/status abc", "/status -1", "/status ۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹",
    "/status 1 2 3", "/loans 9999", "/loans abc", "/loans 99999999999999999999999",
    "/loans ۱۳۹۸ extra", "/link", "/link garbage", "/link 999 1405-0001", "/link 1 1405-9999",
    "/link 1 <b>x</b>", "/unlink abc def", "/admin 99999999999999999999999999999",
    "/admin @", "/admin ²³", "/admin '; DROP TABLE users; --", "/admin group smt",
    "/status 99999999999999999999", "/link 99999999999999999999 1405-0001",
    "/editprogram", "/editprogram abc", "/editprogram 999", "/editprogram 99999999999999999999",
    "/myreports 2", "/inbox 3 x", "/agenda x", "/decisions 9", "/laws all",
    "/digest_settings now", "/subscribe 123", "/unsubscribe @foo", "/senddigest x",
    "/export zzz", "/stats 1405", "/start inv_garbage", "/start inv_", "/report x",
    "/progress 200", "/importloans now", "/routing 1", "/help me", "/language xx",
    "/cancel extra", "1405-0001", "۱۴۰۵/۰۰۰۱",
)  # fmt: skip


ROLES = ("owner", "officer", "official", "secretariat", "admin")


@pytest.mark.settings(max_updates_per_minute=0)
async def test_commands_with_arguments(
    app: RounaqApp, world: World, unhandled_errors: list[logging.LogRecord]
) -> None:
    # Every role in one world (a test per role, each building the world on a bot of its
    # own, before): each role is a different person, and the database is compared after
    # each role's commands, so what a role's commands changed is still told apart.
    failures = []
    for role in ROLES:
        person = world.people[role]
        before = await snapshot(app)
        for text in COMMANDS:
            cursor = person.emu.cursor(person.id)
            await person.send(text)
            try:
                answer = await person.emu.wait_for_message(person.id, after=cursor)
            except TimeoutError:
                failures.append(f"{role}, {text}: no answer")
                continue
            failures += judged(f"{role}, {text}", answer.text, unhandled_errors)
        failures += changed(f"{role}'s commands", before, await snapshot(app))
    assert not failures, "\n".join(failures)


# --- forged and stale buttons, by people who may use the screen ------------------------------

# {id} the report, {item} the agenda item, {dc} the decision, {smt} the SMT agency.
FORGED: dict[str, tuple[str, ...]] = {
    "owner": (
        "wf:wd",
        "wf:wd:abc",
        "wf:wdy:999999",
        "wf:ans:{id}",
        "wf:ok:{id}",
        "wf:nr:{id}",
        "wf:inf:{id}:1",
        "my:o:999999",
        "my:o:abc",
        "my:p:0",
        "my:p:99999999999999999999",
        "my:f:{id}",
        "my:f:999999",
        "menu:nothing",
        "reg:prm:superuser",
        "rep:cat:999999",
        "lang:",
        "dg:t:2500",
        "dg:t:abc",
        "dg:s:nope:1",
        "dg:x",
    ),
    "officer": (
        "wf:acc:999999",
        "wf:acc:abc",
        "wf:zz:{id}",
        "wf:rsg:{id}:999999",
        "wf:rsg:{id}:x",
        "wf:acc:{id}:1:2",
        "wf:ok:{id}",
        "wf:wdy:{id}",
        "wf:res:-1",
        "ib:x",
        "ib:9:9:9:9:9",
        "ib:0:0:0:99999999999999999999",
        "dc:o:{dc}:999",
        "dc:i:999999:{smt}",
        "dc:v:abc",
        "dc:p:-1",
        "dc:zz:1",
        "pg:u:999999",
        "pg:u:abc",
        "pgf:s",
        "pgf:p:999999",
        "pgf:t",
    ),
    "official": (
        "pg:o:999",
        "pg:o:abc",
        "pg:e:999999",
        "pg:l:-1",
        "pg:l:99999",
        "pg:c:1",
        "ln:sum:Q:9999",
        "ln:zzz:r:1404",
        "ln:sum:r:abc",
        "lnc:zzz:r:1404",
        "lnc:bank:r:-5",
        "st:c:1",
        "st:zz",
        "ex:zzz:csv",
        "ex:reports:pdf",
        "ex:loans",
        "hq:csv:1",
    ),
    "secretariat": (
        "hq:i:999999",
        "hq:d:999999",
        "hq:a:{item}:999",
        "hq:a:999999:{smt}",
        "hq:dl:{item}:7",
        "hq:dl:{item}:abc",
        "hq:n:{item}",
        "hq:k:nonsense",
        "hq:+:999999",
        "hq:t:abc",
        "hq:pg:0",
        "hq:pg:-1",
        "hq:zz",
        "dc:v:999999",
        "dc:p:99999",
    ),
    "admin": (
        "adm:g:{id}:zz",
        "adm:ga:1:999",
        "adm:ia:999999",
        "adm:ir:superuser",
        "adm:go:abc",
        "adm:r:1:owner:9",
        "adm:zz",
        "rt:d:1:4",
        "rt:d:999:7",
        "rt:s:1:0:999",
        "rt:c:999",
        "rt:a:1:999",
        "rt:sp:abc",
        "pge:f:nope",
        "pge:a:999",
        "rt:home:1",
    ),
}


@pytest.mark.settings(max_updates_per_minute=0)
async def test_forged_buttons_of_every_prefix(
    app: RounaqApp, world: World, unhandled_errors: list[logging.LogRecord]
) -> None:
    # Every role in one world, as test_commands_with_arguments.
    values = {"id": world.report.id, "item": world.item, "dc": world.decision.id, "smt": world.smt}
    failures = []
    for role, templates in FORGED.items():
        person = world.people[role]
        anchor = await person.say("/help")
        before = await snapshot(app)
        for template in templates:
            data = template.format(**values)
            cursor = person.emu.cursor(person.id)
            query = await person.emu.press_raw(person.id, person.id, anchor.message_id, data)
            answer = await person.emu.wait_for_answer(query)
            text = answer.text or ""
            if not answer.show_alert:
                # Answered quietly: the button was taken as valid, and a message says what.
                try:
                    text = (await person.emu.wait_for_message(person.id, after=cursor)).text
                except TimeoutError:
                    text = ""
            failures += judged(f"{role}, {data}", text, unhandled_errors)
        failures += changed(f"{role}'s forged buttons", before, await snapshot(app))
        # Nobody was left waiting to type something a forged button asked for.
        if "pending_input" in app.user_data.get(person.id, {}):
            failures.append(f"{role}: left waiting for input")
    assert not failures, "\n".join(failures)


# --- replayed buttons ------------------------------------------------------------------------


async def _press_twice(person: Person, message: SentMessage, data: str) -> list[str]:
    texts = []
    for _ in range(2):
        query = await person.emu.press_raw(person.id, person.id, message.message_id, data)
        texts.append((await person.emu.wait_for_answer(query)).text or "")
    return texts


@pytest.mark.settings(max_updates_per_minute=0)
async def test_replayed_buttons_act_once(
    app: RounaqApp, world: World, unhandled_errors: list[logging.LogRecord]
) -> None:
    officer, hq = world.people["officer"], world.people["secretariat"]
    # The officer's "accept", pressed twice: accepted once, the second press refused.
    anchor = await officer.say("/help")
    first, second = await _press_twice(officer, anchor, f"wf:acc:{world.report.id}")
    assert first == FA.t("workflow.done_acc")
    assert clear(second)
    # The secretariat's deadline (which records the decision), pressed twice.
    item = await agenda_item(app, hq)
    prompt = await hq.emu.press_raw(hq.id, hq.id, anchor.message_id, f"hq:d:{item}")
    await hq.emu.wait_for_answer(prompt)
    await hq.next("/cancel")
    await hq.send("بانک‌ها وثیقهٔ سفته را بپذیرند.")
    picker = await hq.next(FA.t("hq.pick_agencies"))
    query = await hq.emu.press_raw(hq.id, hq.id, picker.message_id, f"hq:n:{item}")
    await hq.emu.wait_for_answer(query)
    deadlines = await hq.next(FA.t("hq.pick_deadline"))
    answers = await _press_twice(hq, deadlines, f"hq:dl:{item}:10")
    assert all(clear(a) or a == "" for a in answers), answers
    async with services_of(app).database.session() as session:
        events = await session.scalars(
            select(ReportEvent.kind).where(ReportEvent.report_id == world.report.id)
        )
        assert list(events).count("accepted") == 1
        decisions = await session.scalar(
            select(func.count()).select_from(Decision).where(Decision.agenda_item_id == item)
        )
        assert decisions == 1
    assert not unhandled_errors, describe(unhandled_errors)


# --- loan spreadsheets -----------------------------------------------------------------------


def _damaged_xlsx(part: str) -> bytes:
    good = make_xlsx(rows_with())
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, b"<<not xml" if name.startswith(part) else source.read(name))
    return out.getvalue()


WORKING = FA.t("loans.import_working", name="").split("«")[0]
FORMULA = '=HYPERLINK("http://example.com/x","open")'
# (file name, bytes, a fragment of the expected answer: the file is refused, or not taken)
BAD_FILES: tuple[tuple[str, bytes, str], ...] = (
    ("loans.xlsx", b"MZ\x90\x00\x03" + b"\x00" * 200, "نشد"),
    ("loans.xlsx", make_xlsx(rows_with())[:3000], "نشد"),
    ("loans.xlsx", _damaged_xlsx("xl/worksheets/"), "نشد"),
    ("loans.xlsx", _damaged_xlsx("xl/workbook.xml"), "نشد"),
    ("loans.xlsm", _damaged_xlsx("[Content_Types]"), "نشد"),
    ("loans.csv", bytes(range(256)) * 20, "نشد"),
    ("loans.csv", b'a,b,c\n"' + b"x" * 40_000 + b'",2,3\n', "نشد"),
    ("loans.csv", b"", "نشد"),
    ("loans.csv", "نام واحد,بانک عامل\nفقط,دو ستون\n".encode(), "نشد"),
    ("loans.csv", make_csv(rows_with()) + b"x" * UPLOAD_LIMIT, "بزرگ"),
    ("loans.pdf", b"%PDF-1.4\n", ""),  # not a spreadsheet: not the importer's
    ("loans.exe", b"MZ\x90\x00", ""),
)


@pytest.mark.settings(max_upload_bytes=UPLOAD_LIMIT, max_updates_per_minute=0)
async def test_odd_loan_files_are_refused_and_store_nothing(
    app: RounaqApp, world: World, unhandled_errors: list[logging.LogRecord]
) -> None:
    admin = world.people["admin"]
    before = await snapshot(app)
    failures = []
    for name, data, expected in BAD_FILES:
        cursor = admin.emu.cursor(admin.id)
        await admin.emu.send_document(admin.id, data, name)
        # What the importer concluded ("working on it" comes first for a file it reads).
        answer = await admin.emu.wait_for_message(
            admin.id, lambda m: not m.text.startswith(WORKING), after=cursor
        )
        if not clear(answer.text) or expected not in answer.text:
            failures.append(f"{name} ({len(data)} bytes): {answer.text[:120]!r}")
        failures += unhandled(name, unhandled_errors)
    assert not failures, "\n".join(failures)
    assert await snapshot(app) == before


@pytest.mark.settings(max_updates_per_minute=0)
async def test_a_formula_looking_cell_is_stored_as_sent_and_exported_quoted(
    app: RounaqApp, world: World, unhandled_errors: list[logging.LogRecord]
) -> None:
    admin = world.people["admin"]
    row = list(GOOD_ROWS[0])
    row[1] = FORMULA
    await admin.emu.send_document(admin.id, make_csv(rows_with(row)), "loans.csv")
    await admin.next("وارد شد")
    async with services_of(app).database.session() as session:
        names = set(await session.scalars(select(LoanFacility.unit_name)))
    assert FORMULA in names
    choose = await admin.say("/export")
    query = await admin.emu.press_raw(admin.id, admin.id, choose.message_id, "ex:loans:csv")
    await admin.emu.wait_for_answer(query)
    sent = await admin.emu.wait_for_message(admin.id, lambda m: m.document is not None)
    assert sent.document is not None
    text = admin.emu.file_bytes(sent.document.file_id).decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(text)) for cell in line]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert not unhandled_errors, describe(unhandled_errors)
