"""Defects the random walk (tests/walk) found, each kept as a regular end-to-end test.

Each test names the walk that found it; the steps are the walk's shrunk reproducer,
written out by hand.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.access import Principal
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.i18n import get_translator
from emulator import BotApiEmulator, SentMessage
from storage.models import Role
from storage.models_workflow import CauseKind
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import report_up_to_attachments
from tests.e2e.workflow_kit import SECRETARIAT_ID, Cast, press_and_answer, services_of
from tests.hardening.flows import give_unit, press_data, wait_buttons
from tests.hardening.steps_more import _reach_percent
from tests.people import Person


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_cancel_in_another_flow_does_not_break_an_open_report(
    app: RounaqApp,
    emulator: BotApiEmulator,
    people: dict[str, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Walk seed 1, step 749: a report at its description step, a registration begun
    beside it and cancelled (/cancel discards every draft), then the description and
    "continue": the report flow failed on its lost draft (KeyError 'category_id') and the
    owner got "an error occurred". Now /cancel ends the report too: the text is no
    description, only a stray message."""
    owner = people["owner"]
    await services_of(app).users.touch(owner.id, first_name="رضا", last_name=None, username=None)
    await services_of(app).users.set_language(owner.id, "fa")
    await give_unit(app, owner)
    categories = await owner.say("/report")
    await press_data(owner, categories, "rep:cat:")
    await owner.next("شرح")
    await owner.say("/start")
    await press_data(owner, await wait_buttons(owner, "menu:register"), "menu:register")
    await owner.next("نام واحد")
    assert (await owner.say("/cancel")).text == get_translator("fa").t("common.cancelled")
    answer = await owner.say("تأمین نخ و رنگ با قیمت سه برابر از بازار آزاد")
    assert answer.text == get_translator("fa").t("common.stray_message"), answer.text
    assert not errors(caplog)
    # And the next /report starts afresh.
    assert (await owner.say("/report")).find_button("rep:cat:1") is not None


async def test_cancel_ends_a_session_decision_and_a_report_together(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """A secretary who also owns a unit: an HQ session's decision picked half-way (its
    agencies shown), then a report begun beside it. /cancel ends both, with one answer:
    the session's decision draft used to survive it (it was missing from a hand-kept
    list of drafts), so its picker still worked after "cancelled"."""
    hq, tr = cast.secretariat, get_translator("fa")
    view = await _secretary_with_a_unit_and_a_session(app, cast, clock)
    await hq.press(view, tr.t("sessions.btn_decide", n=Presenter("fa").plain_int(1)))
    picker = await hq.say("بانک‌ها وثیقهٔ واحدهای دارای پروانه را به صد درصد کاهش دهند.")
    assert picker.text == tr.t("hq.pick_agencies")
    categories = await hq.say("/report")
    await press_data(hq, categories, "rep:cat:")
    await hq.next("شرح")
    held = app.user_data[SECRETARIAT_ID]
    assert {"session_decision_draft", "report_draft"} <= held.keys()

    mark = emulator.cursor(hq.id)
    assert (await hq.say("/cancel")).text == tr.t("common.cancelled")
    assert not {"session_decision_draft", "report_draft"} & held.keys()
    # The picker's next step finds no draft now: a stale button, as its toggles are.
    alert = await press_and_answer(emulator, hq, picker, tr.t("hq.btn_next"))
    assert alert == tr.t("common.stale_button")
    # Told once, not once per flow.
    later = [m.text for m in emulator.messages(hq.id) if m.created_seq > mark]
    assert later.count(tr.t("common.cancelled")) == 1
    assert tr.t("hq.pick_deadline") not in later


async def _secretary_with_a_unit_and_a_session(
    app: RounaqApp, cast: Cast, clock: ManualClock
) -> SentMessage:
    """The secretary owns a unit and has a session scheduled with one item; returns the
    session's view, opened over the chat."""
    hq, services = cast.secretariat, services_of(app)
    await give_unit(app, hq)
    principal = Principal(SECRETARIAT_ID, frozenset({Role.SECRETARIAT}), frozenset())
    when = clock.now() + timedelta(days=3)
    session = await services.sessions.schedule(
        principal, number=1, starts_at=when, place="تالار استانداری", chair="استاندار قم"
    )
    await services.sessions.add_own_item(
        principal, session.id, title="تأمین مالی واحدهای کوچک", cause_kind=CauseKind.ALL[0]
    )
    clock.set(when + timedelta(minutes=5))  # held: its items' outcomes can be recorded
    listing = await hq.say("/session")
    opened = get_translator("fa").t("sessions.btn_open", number=Presenter("fa").plain_int(1))
    return await hq.press(listing, opened)


async def test_cancel_ends_a_report_and_a_pending_prompt_together(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    """Two flows open at once: a report at its description step (a conversation with a
    typed draft) and a prompt waiting for a decision's text (a one-text conversation,
    flow.prompt). /cancel ends both, with one answer: the text sent
    next is neither the decision nor the report's description."""
    hq, tr = cast.secretariat, get_translator("fa")
    view = await _secretary_with_a_unit_and_a_session(app, cast, clock)
    categories = await hq.say("/report")
    await press_data(hq, categories, "rep:cat:")
    await hq.next("شرح")
    # A button (not a command, which would drop the prompt): the prompt waits beside it.
    asked = await hq.press(view, tr.t("sessions.btn_decide", n=Presenter("fa").plain_int(1)))
    assert asked.text == tr.t("hq.ask_decision")
    held = app.user_data[SECRETARIAT_ID]
    # The prompt is kept once its question is sent.
    await emulator.wait_until(lambda: "pending_input" in held)
    assert "report_draft" in held

    mark = emulator.cursor(hq.id)
    assert (await hq.say("/cancel")).text == tr.t("common.cancelled")
    assert not {"pending_input", "report_draft"} & held.keys()
    answer = await hq.say("بانک‌ها وثیقهٔ واحدهای دارای پروانه را به صد درصد کاهش دهند.")
    later = [m.text for m in emulator.messages(hq.id) if m.created_seq > mark]
    assert later.count(tr.t("common.cancelled")) == 1
    assert answer.text not in {tr.t("hq.pick_agencies"), tr.t("common.flow_lost")}
    # Neither flow's: what text outside any flow is answered.
    assert answer.text == tr.t("common.stray_message_staff", role=tr.t("roles.secretariat"))
    assert not any(t.startswith(tr.t("report.ask_attachments", max="")[:15]) for t in later)
    assert not {"pending_input", "report_draft", "session_decision_draft"} & held.keys()


async def test_cancel_with_nothing_open_is_not_an_unknown_command(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    """Walk seed 1, step 10 (and most walks since): /cancel, offered by /help and the
    menu, was answered "I don't know that command" when no flow was open."""
    owner = people["owner"]
    await services_of(app).users.touch(owner.id, first_name="رضا", last_name=None, username=None)
    await services_of(app).users.set_language(owner.id, "fa")
    answer = await owner.say("/cancel")
    assert answer.text == get_translator("fa").t("common.nothing_to_cancel")


async def test_a_report_waiting_at_a_button_leaves_another_flows_text_alone(
    app: RounaqApp,
    emulator: BotApiEmulator,
    people: dict[str, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Walk seed 1, step 755: an officer with a unit left /report at its category buttons
    for /progress; the percentage typed there was taken by the report flow as a wrong
    answer ("please choose one of the buttons", with no buttons: /progress had replaced
    them). The text now reaches the flow that asked for it."""
    officer = people["officer"]
    services = services_of(app)
    await services.users.touch(officer.id, first_name="مریم", last_name=None, username=None)
    await services.users.set_language(officer.id, "fa")
    await give_unit(app, officer)
    await officer.send("/report")
    await wait_buttons(officer, "rep:cat:")
    await _reach_percent(app, officer)
    answer = await officer.say("۴۵٪")
    fa = get_translator("fa")
    assert answer.text.startswith(fa.t("programs.ask_note")[:20]), answer.text
    assert not errors(caplog)


async def test_cancel_ends_two_open_flows_and_neither_takes_the_next_text(
    app: RounaqApp,
    emulator: BotApiEmulator,
    people: dict[str, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Long walk seed 910446 (SQLite), step 473: an officer began registering a unit, then
    a progress update (/progress) beside it, and sent /cancel: it ended the registration and
    discarded every draft, the progress flow's too, while that flow stayed at its step. The
    percentage, note, "no evidence" and "today" then crashed on the lost program
    (KeyError 'program_id') and the officer got "an error occurred"; later the flow said
    the update was lost, still taking the text. Now /cancel ends both conversations, with
    one answer: the percentage is neither flow's (a stray message), and a second /cancel
    finds nothing open."""
    officer = people["officer"]
    services = services_of(app)
    await services.users.touch(officer.id, first_name="مریم", last_name=None, username=None)
    await services.users.set_language(officer.id, "fa")
    fa = get_translator("fa")
    await officer.say("/register")
    await _reach_percent(app, officer)
    mark = emulator.cursor(officer.id)
    assert (await officer.say("/cancel")).text == fa.t("common.cancelled")
    answer = await officer.say("۴۵٪")
    stray = fa.t("common.stray_message_staff", role=fa.t("roles.officer"))
    assert answer.text == stray, answer.text
    later = [m.text for m in emulator.messages(officer.id) if m.created_seq > mark]
    assert later.count(fa.t("common.cancelled")) == 1
    assert not {"unit_draft", "progress_draft"} & app.user_data[officer.id].keys()
    # An open conversation would be ended (and "cancelled" said) by this one.
    reply = await officer.say("/cancel")
    assert reply.text.startswith(fa.t("common.nothing_to_cancel")[:20]), reply.text
    assert not errors(caplog)
    # And the next /progress starts afresh.
    assert (await officer.say("/progress")).text == fa.t("programs.choose_program")


async def test_a_long_flood_that_the_update_retry_absorbs_logs_no_error(
    app: RounaqApp,
    emulator: BotApiEmulator,
    people: dict[str, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Long walk seed 856480 (SQLite), step 1842: two bursts of 429 in a row (six refused
    sendMessage calls) outlasted the rate limiter's five retries. The update was handled
    again and answered (bot.delivery), yet python-telegram-bot's limiter had logged an
    ERROR for it. A flood the bot recovers from is a warning."""
    owner = people["owner"]
    await services_of(app).users.touch(owner.id, first_name="رضا", last_name=None, username=None)
    emulator.fail_method("sendMessage", 429, times=6, retry_after=1)
    await owner.send("/help")
    # Six refusals a second apart, then the update handled again: answered in the end.
    answer = await emulator.wait_for_message(owner.id, timeout=30)
    assert answer.text
    assert not errors(caplog)


async def test_a_reprompt_after_switching_language_mid_report_has_its_buttons_relabelled(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Long walk, seed 366204 (PostgreSQL): a Persian owner at the attachments step switched
    to English and sent a contact; the re-prompt said, in English, to press "Continue", but
    the button it carried was the remembered Persian "ادامه"."""
    owner = cast.owner
    await register_unit(app, owner)
    ask_files = await report_up_to_attachments(owner)
    assert get_translator("fa").t("report.btn_continue") in ask_files.button_texts[0]
    choice = await owner.say("/language")
    await owner.press_only(choice, "lang:en")
    await emulator.send_contact(owner.id, "09120000000", contact_user_id=owner.id)
    en = get_translator("en")
    reprompt = await emulator.wait_for_message(
        owner.id, lambda m: en.t("report.btn_continue") in " ".join(m.button_texts)
    )
    assert "ادامه" not in " ".join(reprompt.button_texts)
