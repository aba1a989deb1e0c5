"""Every demo person can play their part: the roles bot.demo grants open their commands."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from bot.access import Principal
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.demo import (
    DEMO_SESSION_AGENCIES,
    DEMO_SESSION_CHAIR,
    DEMO_SESSION_ITEMS,
    seed_demo_figures,
    seed_demo_session,
)
from bot.formatting import Presenter
from bot.i18n import get_translator
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.digest_world import tehran
from tests.e2e.expect import FA_P, T1, fa, piece, saying, says
from tests.e2e.workflow_kit import demo_people, file_report, services_of
from tests.services_kit import seeded_agency

DENIED = fa("common.not_allowed")
TR = get_translator("fa")


def shown(key: str, **values: str) -> str:
    """A catalog text as the chat shows it (the emulator keeps the text, not the tags)."""
    return re.sub(r"<[^>]+>", "", TR.t(key, **values))


FA = Presenter("fa")
# What each demo person comes to do, by user id.
PARTS: dict[int, list[str]] = {
    1001: ["/myreports", "/report"],
    2001: ["/inbox", "/decisions"],
    2002: ["/inbox", "/decisions"],
    3001: ["/decisions", "/laws", "/status", "/loans", "/stats", "/compliance"],
    5001: ["/agenda", "/decisions", "/laws", "/session", "/compliance"],
    4001: ["/admin", "/routing"],
    6001: ["/national", "/status", "/loans"],
}
HEADER = piece("digest.header")


async def test_demo_personas_play_their_parts(app: RounaqApp, emulator: BotApiEmulator) -> None:
    people = await demo_people(app, emulator)
    assert set(people) == set(PARTS)
    for user_id, commands in PARTS.items():
        for command in commands:
            reply = await people[user_id].say(command)
            assert reply.text != DENIED, (user_id, command)

    # A report from the owner reaches the SMT officer's inbox, then the HQ's agenda.
    await file_report(app, people[1001], "raw_materials")
    inbox = await people[2001].say("/inbox")
    opened = await people[2001].press(inbox, "۱۴۰۵-۰۰۰۱")
    await people[2001].press(opened, "ارجاع به ستاد")
    await people[2001].say("ریشهٔ مشکل سهمیهٔ ارزی است و در اختیار استان نیست.")
    notice = await people[5001].next("به ستاد ارجاع شد")
    assert says(notice.text, "notify.secretariat_escalated", number=T1)
    agenda = await people[5001].say("/agenda")
    assert f"☐ {Presenter('fa').tracking(1405, 1)}" in agenda.button_texts
    # ...and the bank officer sees nothing of SMT's.
    bank_inbox = await people[2002].say("/inbox")
    assert T1 not in bank_inbox.text


async def test_the_demo_walkthrough_ends_with_each_person_getting_their_digest(
    app: RounaqApp, emulator: BotApiEmulator
) -> None:
    people = await demo_people(app, emulator)
    services = services_of(app)
    await seed_demo_figures(services)
    await seed_demo_figures(services)  # a second demo start: already imported, not doubled
    overview = await services.loans.overview()
    assert overview.all_count == 5

    # The owner reports; the SMT officer accepts it from the inbox.
    await file_report(app, people[1001], "raw_materials")
    inbox = await people[2001].say("/inbox")
    opened = await people[2001].press(inbox, "۱۴۰۵-۰۰۰۱")
    await people[2001].press(opened, "✋ پذیرش")
    await people[1001].next("پذیرفت")

    # The official's figures, with the demo loans broken down by bank.
    official = people[3001]
    assert says((await official.say("/status")).text, "programs.title")
    loans = await official.say("/loans")
    paid = FA_P.money(4_500 * 10**9)  # the demo's paid facilities
    assert says(loans.text, "loans.records_paid", amount=paid)
    by_bank = await official.press(loans, "بانک")
    assert "بانک ملی" in by_bank.text
    assert says((await official.say("/stats")).text, "stats.total", count=1)
    # The ministry sees the roll-up across provinces.
    assert says((await people[6001].say("/loans")).text, "national_figures.loans_title")
    assert T1 not in (await people[5001].say("/agenda")).text  # not escalated

    # The admin sends today's digest: each person with news gets their own.
    await people[4001].say("/senddigest")
    figures = fa("digest.section_figures")
    expected = {
        1001: fa("digest.section_mine"),  # the owner: their report was accepted
        2001: fa("digest.section_agency"),  # the SMT officer: the agency's inbox
        3001: figures,  # the official, the secretariat, the admin, the ministry
        5001: figures,
        4001: figures,
        6001: figures,
    }
    digests = {}
    for user_id, section in expected.items():
        digests[user_id] = await emulator.wait_for_message(user_id, lambda m: HEADER in m.text)
        assert section in digests[user_id].text, user_id
    assert fa("digest.section_agency") not in digests[3001].text
    # The demo loans, imported today.
    assert fa("digest_figures.section_loans") in digests[6001].text
    await emulator.wait_for_message(4001, saying("digest.admin_report"))
    # The bank officer had nothing new: no digest at all.
    assert not [m for m in emulator.messages(2002) if HEADER in m.text]


async def test_the_demo_secretariat_finds_a_scheduled_session_with_its_agenda(
    app: RounaqApp, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    """A stranger playing the secretariat opens /session and finds the demo's session:
    scheduled, two agencies invited, two items on its agenda, ready to be decided."""
    people = await demo_people(app, emulator)
    services = services_of(app)
    await seed_demo_session(services)
    await seed_demo_session(services)  # a second demo start: the same one session
    hq = people[5001]
    listing = await hq.say("/session")
    assert shown("sessions.list_title", count=FA.number(1)) in listing.text
    view = await hq.press(listing, TR.t("sessions.btn_open", number=FA.plain_int(1)))
    assert TR.t("sessions.status_scheduled") in view.text
    assert DEMO_SESSION_CHAIR in view.text
    for code in DEMO_SESSION_AGENCIES:
        assert services.directory.agency_by_code(code).name("fa") in view.text  # type: ignore[union-attr]
    for n, (title, _) in enumerate(DEMO_SESSION_ITEMS, start=1):
        assert shown("sessions.item_head", number=FA.plain_int(n), title=title) in view.text
    assert view.text.count(TR.t("sessions.doc_no_reports")) == 2
    # On the day, once held, the first item can be decided as any other.
    (session,) = await services.sessions.sessions(
        Principal(5001, frozenset({Role.SECRETARIAT}), frozenset())
    )
    clock.set(session.starts_at + timedelta(minutes=5))
    await hq.press(view, TR.t("sessions.btn_decide", n=FA.plain_int(1)))
    picker = await hq.say("صمت فهرست واحدهای نیازمند مواد اولیه را ظرف ۳۰ روز اعلام کند.")
    smt = seeded_agency(services, "smt")
    picker = await hq.press(picker, f"☐ {FA.shorten(smt.short_name('fa'), 36)}")
    deadlines = await hq.press(picker, TR.t("hq.btn_next"))
    decided = await hq.press(deadlines, TR.t("hq.days", days=FA.number(30)))
    assert shown("sessions.decided", id=FA.plain_int(1), deadline="")[:10] in decided.text


async def test_a_demo_started_on_a_friday_schedules_its_session_on_a_working_day(
    app: RounaqApp, clock: ManualClock
) -> None:
    """A week after a Friday is a Friday, the Iranian weekend: the session moves to Saturday."""
    services = services_of(app)
    clock.set(tehran(2026, 12, 4, 10))  # Friday 13 Azar 1405
    await seed_demo_session(services)
    hq = Principal(5001, frozenset({Role.SECRETARIAT}), frozenset())
    (session,) = await services.sessions.sessions(hq)
    starts = session.starts_at.astimezone(services.settings.tz)
    assert (starts.date(), starts.time()) == (date(2026, 12, 12), time(10, 0))
