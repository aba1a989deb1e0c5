"""State that survives a restart, reports committed before the owner is told, and the
same update delivered twice — through the real HTTP path against the emulator."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator, SentMessage
from storage.models import Report, Unit
from tests.e2e.durability_helpers import (
    bot_with_owner,
    count,
    texts_with,
)
from tests.e2e.expect import T1, fa, piece, says
from tests.e2e.report_steps import (
    DESCRIPTION,
    finish_report,
    report_up_to_attachments,
    summary_after,
)
from tests.e2e.workflow_kit import services_of
from tests.people import Person

NEW_REPORT_NOTICE = piece("agency.new_report")
RECEIPT = piece("report.submitted")  # the owner's receipt


async def test_a_restart_mid_report_resumes_at_the_same_step_with_what_was_typed(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    async with bot_with_owner(settings, emulator, clock) as (_app, owner, officer):
        ask_files = await report_up_to_attachments(owner)
    # A graceful stop confirms every handled update to the Bot API before leaving.
    assert emulator.pending_updates() == []

    report = await _filed_after_a_restart(settings, clock, owner, ask_files)
    assert report.description == DESCRIPTION
    assert report.amount_rials == 500_000_000
    await emulator.wait_for_message(officer.id, lambda m: T1 in m.text)


async def _filed_after_a_restart(
    settings: Settings, clock: ManualClock, owner: Person, ask_files: SentMessage
) -> Report:
    """A new process (nothing in memory: the conversation and the draft come from the
    database) takes the owner from the attachments prompt to the receipt; the report."""
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        confirmation = await finish_report(owner, ask_files)
        assert says(confirmation.text, "report.submitted", number=T1)
        async with services_of(app).database.session() as session:
            return (await session.scalars(select(Report))).one()


async def test_the_report_is_committed_before_the_owner_is_told(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    async with bot_with_owner(settings, emulator, clock) as (app, owner, _officer):
        services = services_of(app)
        ask_files = await report_up_to_attachments(owner)
        summary = await summary_after(owner, ask_files)
        # Hold the next sendMessage (the confirmation) at the server, and look at the
        # database while the bot is telling the owner.
        sent_before = emulator.stats.calls["sendMessage"]
        emulator.delay_method("sendMessage", 1.0, times=1)
        await owner.press_only(summary, "ثبت گزارش")
        await emulator.wait_until(lambda: emulator.stats.calls["sendMessage"] > sent_before)
        assert await count(services, Report) == 1
        assert not texts_with(owner, RECEIPT)  # not told yet, already stored
        await owner.next("شمارهٔ پیگیری")


async def test_the_same_update_delivered_twice_changes_nothing(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    async with bot_with_owner(settings, emulator, clock) as (app, owner, officer):
        services = services_of(app)
        contact_update = emulator.update_ids("message")[-1]  # the shared contact
        ask_files = await report_up_to_attachments(owner)
        await finish_report(owner, ask_files)
        submit_update = emulator.update_ids("callback_query")[-1]
        await emulator.wait_for_message(officer.id, lambda m: T1 in m.text)
        seen_by_owner = len(owner.texts())
        # Only the new-report notice counts: the officer is subscribed to the daily digest,
        # and a restart past the digest time rightly catches that up.
        seen_by_officer = len(texts_with(officer, NEW_REPORT_NOTICE))
        assert seen_by_officer == 1

        for update_id in (submit_update, contact_update):
            emulator.redeliver(update_id)
        # Whatever the bot does with the copies happens before it answers this.
        assert T1 in (await owner.say("/myreports")).text
        assert len(owner.texts()) == seen_by_owner + 1
        assert len(texts_with(officer, NEW_REPORT_NOTICE)) == seen_by_officer

    # After a restart the process has forgotten what it handled; the database has not.
    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        services = services_of(app)
        for update_id in (submit_update, contact_update):
            emulator.redeliver(update_id)
        assert T1 in (await owner.say("/myreports")).text
        assert len(owner.texts()) == seen_by_owner + 2
        assert len(texts_with(officer, NEW_REPORT_NOTICE)) == seen_by_officer
        assert await count(services, Report) == 1
        assert await count(services, Unit) == 1
        assert len(texts_with(owner, RECEIPT)) == 1


async def _stored_as_an_older_bot_left_it(
    app: RounaqApp, owner: Person, draft: dict[str, object]
) -> None:
    """The owner's report draft replaced by `draft`, as a version of the bot before this
    one stored it, and written to the database as the graceful stop would."""
    user_data = app.user_data[owner.id]
    user_data["report_draft"] = draft
    assert app.persistence is not None
    await app.persistence.update_user_data(owner.id, dict(user_data))


async def test_a_draft_stored_by_an_older_version_goes_on_after_the_upgrade(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    """Upgraded mid-report: the draft in the database is the untyped dict of before (no
    "skipped" flag, a key since retired). It still loads: unknown keys are ignored, missing
    ones take their defaults, and the report is filed with what was typed."""
    async with bot_with_owner(settings, emulator, clock) as (app, owner, _officer):
        ask_files = await report_up_to_attachments(owner)
        stored = dict(app.user_data[owner.id]["report_draft"])
        old = {k: stored[k] for k in ("unit_id", "category_id", "description")}
        await _stored_as_an_older_bot_left_it(app, owner, {**old, "attachments": [], "step": 4})

    report = await _filed_after_a_restart(settings, clock, owner, ask_files)
    assert report.description == DESCRIPTION


async def test_a_draft_that_no_longer_fits_after_an_upgrade_is_restarted_politely(
    settings: Settings, emulator: BotApiEmulator, clock: ManualClock
) -> None:
    """Upgraded mid-report, with a stored value the new version cannot trust (text where
    the unit's id was): the draft is dropped, the owner is told to start again (no error),
    and /report does start afresh."""
    async with bot_with_owner(settings, emulator, clock) as (app, owner, _officer):
        ask_files = await report_up_to_attachments(owner)
        stored = dict(app.user_data[owner.id]["report_draft"])
        await _stored_as_an_older_bot_left_it(app, owner, {**stored, "unit_id": "واحد ۱"})

    async with running_bot(settings, clock=clock, poll_timeout=1) as app:
        await owner.press_only(ask_files, fa("report.btn_continue"))
        assert (await owner.next(fa("report.restart")[:20])).text == fa("report.restart")
        assert "report_draft" not in app.user_data[owner.id]
        categories = await owner.say("/report")
        assert says(categories.text, "report.ask_category")
