"""Least privilege: every command and every report action × every role, over real HTTP.

The expectations are written out here, not derived from bot.access, so a change to the
rules has to be made (and seen) in two places.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.access import ReportAction
from bot.context import RounaqApp
from bot.services.hq import DecisionTerms
from emulator import BotApiEmulator
from storage.dto import ReportDTO
from storage.models import Report, RoutingRule, UserRole
from tests.e2e.expect import fa
from tests.e2e.workflow_kit import Cast, file_report, press_data, services_of
from tests.people import Person

ROLES = ("owner", "officer", "official", "secretariat", "admin")
DENIED = "شما به این بخش دسترسی ندارید."

# Who may run each command (everyone is an owner as well, so /myreports is for all).
COMMANDS: dict[str, set[str]] = {
    "myreports": set(ROLES),
    "inbox": {"officer"},
    "agenda": {"secretariat"},
    "decisions": {"officer", "official", "secretariat", "admin"},
    "laws": {"official", "secretariat", "admin"},
    "session": {"secretariat"},
    "compliance": {"official", "secretariat", "admin"},
    "admin": {"admin"},
    "routing": {"admin"},
    "apikeys": {"admin"},
    "digest": set(ROLES),
    "subscribe": set(ROLES),
    "unsubscribe": set(ROLES),
    "digest_settings": set(ROLES),
    "senddigest": {"admin"},
    "status": {"officer", "official", "secretariat", "admin"},
    "progress": {"officer"},
    "loans": {"official", "secretariat", "admin"},
    "stats": {"official", "secretariat", "admin"},
    "export": {"official", "secretariat", "admin"},
    "national": set(),  # the ministry's, a role none of these five holds
}
# Commands that work but stay out of the menu (admin tools with arguments).
UNLISTED: dict[str, set[str]] = {
    "editprogram": {"admin"},
    "link": {"secretariat", "admin"},
    "unlink": {"secretariat", "admin"},
    "importloans": {"admin"},
}
# What each role finds in its menu (the per-chat command list after /start).
MENUS: dict[str, set[str]] = {
    role: {c for c, allowed in COMMANDS.items() if role in allowed}
    | {"start", "help", "language", "cancel", "report", "register"}
    for role in ROLES
}

# On a freshly referred report of the owner's, routed to the officer's agency (SMT):
# "ok" = the action starts; "not_now" = that person's action, but not in this state.
AGENCY_OK = {"acc", "ask", "note", "res", "rej", "rsg", "esc"}
OWNER_OK = {"inf", "wd"}
OWNER_NOT_NOW = {"ans", "ok", "nr"}


def expected(role: str, code: str) -> str:
    if role == "officer" and code in AGENCY_OK:
        return "ok"
    if role == "owner" and code in OWNER_OK:
        return "ok"
    if role == "owner" and code in OWNER_NOT_NOW:
        return "not_now"
    return "denied"


async def test_commands_by_role(app: RounaqApp, emulator: BotApiEmulator, cast: Cast) -> None:
    people = cast.everyone()
    for role, person in people.items():
        await person.say("/start")

        def has_menu(p: Person = person) -> bool:
            return (f"chat:{p.id}", "") in emulator.commands

        await emulator.wait_until(has_menu)
        menu = {c["command"] for c in emulator.commands[(f"chat:{person.id}", "")]}
        assert menu == MENUS[role], role
        for command, allowed in (COMMANDS | UNLISTED).items():
            # Some commands answer with more than one message: read from a cursor, so a
            # late reply to the previous command is not taken for this one's.
            cursor = emulator.cursor(person.id)
            await person.send(f"/{command}")
            if role in allowed:
                reply = await emulator.wait_for_message(person.id, after=cursor)
                assert reply.text != DENIED, (role, command)
            else:
                await emulator.wait_for_message(person.id, lambda m: m.text == DENIED, after=cursor)


async def test_report_actions_by_role_with_forged_buttons(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    people = cast.everyone()
    # "acc" changes the state, so it goes last.
    codes = sorted((a.value for a in ReportAction), key=lambda c: c == "acc")
    for role, person in people.items():
        anchor = await person.say("/help")  # any message of the bot's in their chat
        for code in codes:
            query = await emulator.press_raw(
                person.id, person.id, anchor.message_id, f"wf:{code}:{report.id}"
            )
            answer = await emulator.wait_for_answer(query)
            want = expected(role, code)
            if want == "ok":
                assert not answer.show_alert, (role, code, answer.text)
            elif want == "not_now":
                assert answer.show_alert, (role, code)
                assert answer.text == fa("workflow.error_not_now"), (role, code)
            else:
                assert answer.show_alert, (role, code)
                assert answer.text == fa("workflow.error_not_found"), (role, code)
        # The owner's confirmed withdrawal, forged by anyone else.
        if role != "owner":
            query = await emulator.press_raw(
                person.id, person.id, anchor.message_id, f"wf:wdy:{report.id}"
            )
            answer = await emulator.wait_for_answer(query)
            assert answer.show_alert
            assert answer.text == fa("workflow.error_not_found")
    async with services_of(app).database.session() as session:
        row = await session.get(Report, report.id)
    assert row is not None
    assert row.status == "in_progress"
    assert row.agency_id == cast.smt_id


# Forged and guessed button data, pressed by an owner with nothing to do with any of it.
FORGED = (
    "wf:acc:999999",  # a report that does not exist
    "wf:acc:2",  # the next number, guessed
    "wf:acc:abc",
    "wf:zz:1",
    "wf:acc:1:2:3",
    "wf:rsg:1:99999",
    "my:o:1",  # someone else's report
    "ib:9:0:0:1",
    "ib:0:0:7:1",
    "hq:t:1",
    "hq:dl:1:30",
    "dc:o:1:1",
    "dc:i:1:1",
    "adm:g:1002:admin:0",
    "adm:ga:1002:1",
    "rt:s:1:0:2",
    "rt:d:1:99",
    "x" * 64,
)


@pytest.mark.usefixtures("report")
async def test_forged_and_guessed_callbacks_change_nothing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    # One bot for all of them (each was a test with a bot of its own, 17 starts per
    # database): a press that changed anything shows in the checks after it, and every
    # press is judged, each failure named by its data.
    stranger = cast.other_owner
    anchor = await stranger.say("/help")
    services = services_of(app)
    failures: list[str] = []
    for data in FORGED:
        async with services.database.session() as session:
            roles_before = await session.scalar(select(func.count()).select_from(UserRole))
            rules_before = await session.scalar(select(func.count()).select_from(RoutingRule))
        answer = await press_data(emulator, stranger, anchor, data)
        if not answer.show_alert:
            failures.append(f"{data}: no alert ({answer.text!r})")
        async with services.database.session() as session:
            roles = await session.scalar(select(func.count()).select_from(UserRole))
            rules = await session.scalar(select(func.count()).select_from(RoutingRule))
            report = (await session.scalars(select(Report))).one()
        if (roles, rules) != (roles_before, rules_before):
            failures.append(
                f"{data}: roles {roles_before} -> {roles}, rules {rules_before} -> {rules}"
            )
        if report.status != "referred":
            failures.append(f"{data}: the report became {report.status}")
        if len(stranger.texts()) != 1:  # only the /help answer: nothing was sent to them
            failures.append(f"{data}: sent {stranger.texts()[1:]}")
    assert not failures, "\n".join(failures)


HQ_VERBS = (
    "hq:home", "hq:t:1", "hq:t:1:1", "hq:pg:2", "hq:b", "hq:k:law", "hq:+:1", "hq:i:1",
    "hq:d:1", "hq:a:1:1", "hq:n:1", "hq:dl:1:10",
)  # fmt: skip
# Officials' and officers' screens (digest settings are everyone's own: not here).
OWNER_FORGERIES = (
    "ib:0:0:0:1", "ib:c:0:0", "ib:1:0:1:2",
    "pg:u:1", "pge:f:title", "pge:a:1",
    "ln:sum:X:1404", "ln:bank:X:1404", "lnc:bank:X:1404",
)  # fmt: skip


async def _refused(emulator: BotApiEmulator, person_id: int, anchor_id: int, data: str) -> None:
    query = await emulator.press_raw(person_id, person_id, anchor_id, data)
    answer = await emulator.wait_for_answer(query)
    assert answer.show_alert, (person_id, data, answer.text)


async def test_role_specific_forgeries_are_refused_and_change_nothing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    from storage.models_workflow import AgendaItem, DecisionAgency

    services = services_of(app)
    report = await file_report(app, cast.owner, "bank_finance")  # the banks' report
    async with services.database.transaction() as session:
        row = await session.get(Report, report.id)
        assert row is not None
        row.status = "escalated"
    hq = (await services.users.profile(cast.secretariat.id)).principal
    item_id, _ = await services.hq.bundle(
        hq, [report.id], title="وثیقهٔ بانکی", cause_kind="bank", session_date=_far_future()
    )
    terms = DecisionTerms(item_id, "بانک‌ها وثیقهٔ سفته بپذیرند.", [cast.banks_id], 10)
    decision, _ = await services.hq.decide(hq, terms)

    # An SMT officer answers for the banks: refused, nothing recorded, nothing asked.
    officer = cast.officer
    anchor = await officer.say("/help")
    for verb in ("o", "i"):
        await _refused(
            emulator, officer.id, anchor.message_id, f"dc:{verb}:{decision.id}:{cast.banks_id}"
        )
        await _refused(
            emulator, officer.id, anchor.message_id, f"dc:{verb}:{decision.id}:{cast.smt_id}"
        )
    # The HQ's agenda work, forged by an official and an officer.
    for person in (cast.official, cast.officer):
        anchor = await person.say("/help")
        for data in HQ_VERBS:
            await _refused(
                emulator, person.id, anchor.message_id, data.replace(":1", f":{item_id}", 1)
            )
    # The inbox, programs and loans, forged by an owner.
    owner = cast.owner
    anchor = await owner.say("/help")
    for data in OWNER_FORGERIES:
        await _refused(emulator, owner.id, anchor.message_id, data)

    async with services.database.session() as session:
        answers = list(await session.scalars(select(DecisionAgency)))
        item = await session.get(AgendaItem, item_id)
        row = await session.get(Report, report.id)
    assert [(a.agency_id, a.state) for a in answers] == [(cast.banks_id, "pending")]
    assert item is not None
    assert item.status == "decided"
    assert row is not None
    assert row.status == "decided"
    # Nobody was left waiting to type an objection or an answer.
    for person in (cast.officer, cast.official, cast.owner):
        assert "pending_input" not in app.user_data.get(person.id, {})


def _far_future() -> date:
    return date(2099, 1, 1)
