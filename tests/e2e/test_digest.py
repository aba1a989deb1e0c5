"""The daily digest end to end: content per role, subscriptions, and delivery guarantees."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role, User
from storage.models_digest import DeliveryState, DigestDelivery, DigestSubscription
from tests.e2e.digest_world import (
    FRIDAY,
    SATURDAY_0930,
    THURSDAY,
    days,
    ensure_user,
    file_report,
    grant,
    make_official,
    meet_the_readers,
    move,
    run_digest,
    subscribed_owners_report,
    tehran,
    thursdays_report,
    unit_for,
)
from tests.e2e.expect import EN_P, FA_P, fa, piece, saying, says
from tests.e2e.workflow_kit import services_of
from tests.people import Person

HEADER_FA = piece("digest.header")


def digests(emulator: BotApiEmulator, chat_id: int, lang: str = "fa") -> list[str]:
    """The digests a chat got, in the language it should read them in."""
    header = piece("digest.header", lang=lang)
    return [m.text for m in emulator.messages(chat_id) if header in m.text]


async def rows_by_chat(app: RounaqApp) -> dict[int, DigestDelivery]:
    async with services_of(app).database.session() as session:
        rows = (await session.scalars(select(DigestDelivery))).all()
    return {r.chat_id: r for r in rows}


async def sent_by_a_run(app: RounaqApp, emulator: BotApiEmulator) -> tuple[int, int]:
    """One digest run, and what it sent: its sendMessage calls and how many of them failed."""
    stats = emulator.stats
    calls, errors = stats.calls["sendMessage"], stats.errors["sendMessage"]
    await run_digest(app)
    return stats.calls["sendMessage"] - calls, stats.errors["sendMessage"] - errors


async def test_each_role_gets_its_own_digest_in_its_language(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    owner, stranger = people["owner"], people["other_owner"]
    officer, official, admin = people["officer"], people["official"], people["admin"]
    await meet_the_readers(services, people)
    unit = await unit_for(services, owner.id, "فرش <کاشان> و پسران")

    old = await file_report(services, clock, owner.id, unit, "permits", THURSDAY - days(30))
    fresh = await file_report(services, clock, owner.id, unit, "raw_materials", THURSDAY)
    bank = await file_report(services, clock, owner.id, unit, "bank_finance", FRIDAY)
    await move(services, fresh, "in_progress", actor=officer.id, when=FRIDAY + days(0.1))

    clock.set(SATURDAY_0930)
    await owner.send("/subscribe")
    await owner.next("گزارش روزانه فعال شد")
    await stranger.send("/subscribe")
    await stranger.next("Daily digest on")

    await run_digest(app)

    # The official: province figures, in Persian digits and Jalali dates, with buttons.
    [official_digest] = [m for m in emulator.messages(official.id) if HEADER_FA in m.text]
    text = official_digest.text
    today = FA_P.date(SATURDAY_0930)
    assert says(text, "digest.header", weekday=FA_P.weekday(SATURDAY_0930), date=today)
    # Thursday and Friday, not 30 days ago.
    assert fa("digest.new_total", since=FA_P.date(THURSDAY), n=2) in text
    assert "مواد اولیه" in text
    assert "بانک" in text
    assert fa("digest.figure_overdue", n=1) in text
    assert fa("digest.section_behind") in text
    assert "«" not in text
    assert "<کاشان>" not in text
    data = [d for _, d in (b for row in official_digest.buttons for b in row)]
    assert f"my:o:{fresh.id}" in data or f"my:o:{bank.id}" in data
    assert f"my:o:{old.id}" in data  # the most overdue report
    # The detail button is /myreports' own, with its access check: the official may look.
    detail = await official.press(official_digest, f"my:o:{bank.id}")
    assert FA_P.tracking(1405, 3) in detail.text

    # The officer: the SMT inbox only, not the province's figures.
    [officer_digest] = [m.text for m in emulator.messages(officer.id) if HEADER_FA in m.text]
    assert fa("digest.section_agency") in officer_digest
    smt = "سازمان صنعت، معدن و تجارت استان قم"
    assert fa("digest.agency_line", agency=smt, open=2, new=1) in officer_digest
    assert FA_P.tracking(1405, 1) in officer_digest  # the overdue permits report
    assert fa("digest.section_behind") not in officer_digest
    assert "بانک" not in officer_digest

    # The owner: what changed in their reports since the last digest.
    [owner_digest] = [m.text for m in emulator.messages(owner.id) if HEADER_FA in m.text]
    assert fa("digest.section_mine") in owner_digest
    in_progress = fa("status.in_progress")
    assert says(owner_digest, "digest.mine_line", number=FA_P.tracking(1405, 2), status=in_progress)
    # Nothing happened to the third but its own filing.
    assert FA_P.tracking(1405, 3) not in owner_digest

    # An owner with nothing new gets nothing at all; the admin gets the run's summary.
    assert digests(emulator, stranger.id, "en") == digests(emulator, stranger.id) == []
    summary = await emulator.wait_for_message(admin.id, saying("digest.admin_report"))
    assert says(summary.text, "digest.admin_report", sent=3, skipped=1)

    rows = await rows_by_chat(app)
    assert {c: r.state for c, r in rows.items()} == {
        official.id: "sent",
        officer.id: "sent",
        owner.id: "sent",
        stranger.id: "skipped",
    }
    assert rows[official.id].message_ids == str(official_digest.message_id)

    # Another trigger the same day sends nothing again.
    assert await sent_by_a_run(app, emulator) == (0, 0)


async def test_english_digest_and_preview_without_broadcast(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    owner, reader = people["owner"], people["other_owner"]
    await ensure_user(services, reader.id, "Sam", "en")
    await grant(services, reader.id, Role.SECRETARIAT)
    unit = await unit_for(services, owner.id, "Sohan Gaz")
    await file_report(services, clock, owner.id, unit, "tax", THURSDAY)
    clock.set(SATURDAY_0930)

    preview = await reader.say("/digest")
    weekday, today = EN_P.weekday(SATURDAY_0930), EN_P.date(SATURDAY_0930)
    assert says(preview.text, "digest.header", lang="en", weekday=weekday, date=today)
    assert says(preview.text, "digest.new_total", lang="en", since=EN_P.date(THURSDAY), n=1)
    assert "General Directorate of Tax Affairs" in preview.text
    assert await rows_by_chat(app) == {}  # a preview is not a delivery

    nothing = await owner.say("/digest")
    assert says(nothing.text, "digest.nothing_today")


async def test_blocked_and_deleted_chats_end_their_subscription(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    readers = [people["official"], people["officer"], people["other_owner"]]
    for person in readers:
        await make_official(services, person.id, person.user.first_name)
    await thursdays_report(services, clock, people["owner"].id, "tax")
    emulator.block(people["official"].id)
    emulator.delete_chat(people["officer"].id)
    clock.set(SATURDAY_0930)

    await run_digest(app)

    rows = await rows_by_chat(app)
    assert rows[people["official"].id].state == DeliveryState.BLOCKED
    assert "blocked" in (rows[people["official"].id].last_error or "")
    assert rows[people["officer"].id].state == DeliveryState.BLOCKED
    assert "chat not found" in (rows[people["officer"].id].last_error or "").lower()
    assert rows[people["other_owner"].id].state == DeliveryState.SENT
    assert len(digests(emulator, people["other_owner"].id)) == 1
    # One attempt each: a 403 or a vanished chat is never retried.
    assert rows[people["official"].id].attempts == 1
    async with services.database.session() as session:
        subs = {s.chat_id: s for s in (await session.scalars(select(DigestSubscription))).all()}
        blocked_user = await session.get(User, people["official"].id)
    assert not subs[people["official"].id].active
    assert "blocked" in (subs[people["official"].id].end_note or "")
    assert not subs[people["officer"].id].active
    assert subs[people["other_owner"].id].active
    assert blocked_user is not None
    assert blocked_user.blocked_at is not None
    summary = await emulator.wait_for_message(people["admin"].id, saying("digest.admin_report"))
    assert says(summary.text, "digest.admin_report", blocked=2)

    # Tomorrow's run does not try them again.
    clock.set(tehran(2026, 11, 29, 9))
    _, failed = await sent_by_a_run(app, emulator)
    assert failed == 0


async def test_a_429_storm_delivers_everything_exactly_once(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    readers = [emulator.add_user(6000 + i, f"Official {i}") for i in range(12)]
    for user in readers:
        await make_official(services, user.id, user.first_name)
    await thursdays_report(services, clock, people["owner"].id, "energy")
    clock.set(SATURDAY_0930)
    # Telegram answers 429 to every sendMessage for a while.
    emulator.fail_method("sendMessage", 429, retry_after=1, duration=1.5)

    await run_digest(app)

    assert emulator.stats.too_many_requests["sendMessage"] >= 1
    for user in readers:
        assert len(digests(emulator, user.id)) == 1, user.id
    rows = await rows_by_chat(app)
    assert {r.state for r in rows.values()} == {"sent"}


async def test_owner_digest_only_when_something_changed_since_the_last_one(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    owner, officer = people["owner"], people["officer"]
    report = await subscribed_owners_report(services, clock, owner.id, "raw_materials")
    await move(services, report, "in_progress", actor=officer.id, when=FRIDAY)

    clock.set(SATURDAY_0930)
    await run_digest(app)
    assert len(digests(emulator, owner.id)) == 1

    # Sunday: nothing changed since Saturday's digest, so no message.
    clock.set(tehran(2026, 11, 29, 9))
    await run_digest(app)
    assert len(digests(emulator, owner.id)) == 1

    # Monday: resolved on Sunday afternoon; that is news.
    await move(services, report, "resolved", actor=officer.id, when=tehran(2026, 11, 29, 15))
    clock.set(tehran(2026, 11, 30, 9))
    await run_digest(app)
    latest = digests(emulator, owner.id)
    assert len(latest) == 2
    assert fa("status.resolved") in latest[-1]
    async with services.database.session() as session:
        states = Counter(r.state for r in (await session.scalars(select(DigestDelivery))).all())
    assert states == Counter({"sent": 2, "skipped": 1})
