"""Subscribing, the settings screen, groups, the admin's trigger and the daily schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from storage.models_digest import DigestDelivery, DigestSubscription
from tests.e2e.digest_world import (
    FRIDAY,
    TEHRAN,
    ensure_user,
    grant,
    make_official,
    move,
    run_digest,
    runner,
    subscribed_owners_report,
    tehran,
    thursdays_report,
)
from tests.e2e.expect import FA_P, fa, piece, saying, says
from tests.e2e.workflow_kit import services_of
from tests.people import Person

HEADER = piece("digest.header")
GROUP = -1001234567890


async def subscription(app: RounaqApp, chat_id: int) -> DigestSubscription:
    """The chat's subscription row as stored now; the test stops here if there is none."""
    async with services_of(app).database.session() as session:
        found = await session.scalar(
            select(DigestSubscription).where(DigestSubscription.chat_id == chat_id)
        )
    assert found is not None, chat_id
    return found


def digest_count(emulator: BotApiEmulator, chat_id: int) -> int:
    return sum(HEADER in m.text for m in emulator.messages(chat_id))


async def test_subscribe_choose_time_and_sections_unsubscribe(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    owner = people["owner"]
    await ensure_user(services_of(app), owner.id, "رضا")
    await owner.send("/subscribe")
    await owner.next("گزارش روزانه فعال شد")
    screen = await owner.next("تنظیمات گزارش روزانه")
    eight, ten = FA_P.digits("08:00"), FA_P.digits("10:00")
    # START is Saturday 10:30 in Tehran: today's 08:00 has passed, so Sunday's.
    sunday = tehran(2026, 11, 29, 8)
    next_one = f"{FA_P.weekday(sunday)} {FA_P.datetime(sunday)}"
    assert fa("digest.settings_on", time=eight, next=next_one) in screen.text
    assert fa("digest.btn_time_current", time=eight) in screen.button_texts

    await owner.press_only(screen, ten)
    ten_chosen = fa("digest.btn_time_current", time=ten)
    edited = await emulator.wait_for_message(owner.id, lambda m: ten_chosen in m.button_texts)
    sub = await subscription(app, owner.id)
    assert sub.send_time == "10:00"

    mine = fa("digest.section_mine")
    await owner.press_only(edited, mine)
    mine_off = fa("digest.btn_section_off", name=mine)
    muted = await emulator.wait_for_message(owner.id, lambda m: mine_off in m.button_texts)
    sub = await subscription(app, owner.id)
    assert sub.muted_sections == "mine"

    # A forged time or section is refused and changes nothing.
    await emulator.press_raw(owner.id, owner.id, muted.message_id, "dg:t:0315")
    await emulator.press_raw(owner.id, owner.id, muted.message_id, "dg:s:nosuch")
    await emulator.wait_until(lambda: len(emulator.callback_answers(owner.id)) >= 4)
    assert [a.show_alert for a in emulator.callback_answers(owner.id)][-2:] == [True, True]
    sub = await subscription(app, owner.id)
    assert (sub.send_time, sub.muted_sections) == ("10:00", "mine")

    await owner.send("/unsubscribe")
    await owner.next("غیرفعال شد")
    sub = await subscription(app, owner.id)
    assert not sub.active
    # Granting a role later does not sign them up again against their choice.
    await grant(services_of(app), owner.id, Role.OFFICIAL)
    sub = await subscription(app, owner.id)
    assert not sub.active


async def test_the_schedule_follows_tehran_time_and_working_days(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    official, owner = people["official"], people["owner"]
    await make_official(services, official.id, "سارا")
    report = await subscribed_owners_report(services, clock, owner.id, "tax")
    await services.digest.set_time(owner.id, "10:00")
    await move(services, report, "in_progress", actor=official.id, when=FRIDAY)

    # The daily jobs fire at each slot's wall-clock time in Tehran.
    job_queue = app.job_queue
    assert job_queue is not None
    jobs = {job.name: job for job in job_queue.jobs()}
    assert {"digest 08:00", "digest 10:00"} <= set(jobs)
    next_eight = jobs["digest 08:00"].next_t
    assert next_eight is not None
    local = next_eight.astimezone(TEHRAN)
    assert (local.hour, local.minute) == (8, 0)

    async def run_at(when: datetime) -> None:
        clock.set(when)
        await run_digest(app)

    await run_at(tehran(2026, 11, 27, 9))  # Friday: the weekend, no digest
    assert digest_count(emulator, official.id) == 0
    await run_at(tehran(2026, 11, 28, 7, 59))  # Saturday, a minute early
    assert digest_count(emulator, official.id) == 0
    await run_at(tehran(2026, 11, 28, 8, 0))  # 04:30 UTC
    assert digest_count(emulator, official.id) == 1
    assert digest_count(emulator, owner.id) == 0  # their time is 10:00
    await run_at(tehran(2026, 11, 28, 10, 0))
    assert digest_count(emulator, owner.id) == 1
    assert digest_count(emulator, official.id) == 1
    # Next time from Saturday 10:00: Sunday 08:00 for the official.
    sub = await services.digest.subscription(official.id)
    assert services.digest.next_digest_at(sub) == tehran(2026, 11, 29, 8, 0)


async def test_a_daily_job_leaves_a_bot_on_a_test_clock_alone(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    """The jobs fire on the wall clock, the test's clock stands elsewhere: a job that fired
    while a test ran (at 04:30 UTC, 08:00 in Tehran) prepared at the test's time and sent
    digests the test never asked for."""
    services = services_of(app)
    official = people["official"]
    await make_official(services, official.id, "سارا")
    await thursdays_report(services, clock, people["owner"].id, "tax")
    clock.set(tehran(2026, 11, 28, 9))  # Saturday: the official's 08:00 digest is due
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("digest 08:00")
    await job.run(app)
    await runner(app).wait()
    assert digest_count(emulator, official.id) == 0
    await run_digest(app)  # the test's own run, as before
    assert digest_count(emulator, official.id) == 1


async def test_a_group_subscribed_by_an_admin_gets_the_province_digest(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    admin, official = people["admin"], people["official"]
    emulator.add_group(GROUP, "ستاد استان", members=[admin.id, official.id])
    await thursdays_report(services, clock, people["owner"].id, "tax")
    clock.set(tehran(2026, 11, 28, 9))

    await emulator.send_text(official.id, "/subscribe", chat_id=GROUP)
    refused = await emulator.wait_for_message(GROUP)
    assert says(refused.text, "digest.admins_only")
    await emulator.send_text(admin.id, "/subscribe@rounaq_test_bot", chat_id=GROUP)
    done = await emulator.wait_for_message(GROUP)
    assert says(done.text, "digest.chat_subscribed", title="ستاد استان")

    await run_digest(app)
    [digest] = [m for m in emulator.messages(GROUP) if HEADER in m.text]
    assert fa("digest.by_agency") in digest.text
    assert fa("digest.section_mine") not in digest.text
    # Anyone in the group may press a detail button; /myreports' access check decides.
    assert any(d and d.startswith("my:o:") for row in digest.buttons for _, d in row)


async def test_an_admin_sends_the_digest_now_to_everyone(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    admin, official, officer = people["admin"], people["official"], people["officer"]
    await ensure_user(services, official.id, "سارا")
    await ensure_user(services, officer.id, "مریم")
    await grant(services, official.id, Role.OFFICIAL)
    await services.digest.set_time(official.id, "14:00")
    await thursdays_report(services, clock, people["owner"].id, "tax")
    clock.set(tehran(2026, 11, 28, 9))

    denied = await officer.say("/senddigest")
    assert says(denied.text, "common.not_allowed")
    started = await admin.say("/senddigest")
    assert says(started.text, "digest.send_started")
    await emulator.wait_for_message(admin.id, saying("digest.admin_report"))
    assert digest_count(emulator, official.id) == 1  # before their 14:00: an admin's call
    async with services.database.session() as session:
        rows = (await session.scalars(select(DigestDelivery))).all()
    assert [(r.chat_id, r.state) for r in rows] == [(official.id, "sent")]


async def test_an_admin_signs_up_a_channel_from_their_own_chat(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    admin, official = people["admin"], people["official"]
    channel = -1009876543210
    emulator.add_group(channel, "اخبار ستاد", chat_type="channel")
    await thursdays_report(services, clock, people["owner"].id, "tax")
    clock.set(tehran(2026, 11, 28, 9))

    refused = await official.say(f"/subscribe {channel}")
    assert says(refused.text, "digest.admins_only")
    unknown = await admin.say("/subscribe -100111")
    assert says(unknown.text, "digest.chat_not_found")
    done = await admin.say(f"/subscribe {channel}")
    assert says(done.text, "digest.chat_subscribed", title="اخبار ستاد")
    sub = await subscription(app, channel)
    assert (sub.kind, sub.active) == ("channel", True)

    await run_digest(app)
    assert digest_count(emulator, channel) == 1

    off = await admin.say(f"/unsubscribe {channel}")
    assert says(off.text, "digest.chat_unsubscribed", title="اخبار ستاد")
    sub = await subscription(app, channel)
    assert not sub.active
