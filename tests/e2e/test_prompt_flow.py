"""A one-text prompt after a button is a conversation (handlers/flow.py `prompt`): what
ends it, and what it leaves alone. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from storage.dto import ReportDTO
from storage.models import ReportEvent
from tests.e2e.expect import fa
from tests.e2e.workflow_kit import Cast, services_of
from tests.people import Person

NOTE = "تأمین کننده در فهرست سیاه است"


def stray() -> str:
    """What an officer's text outside any flow is answered."""
    return fa("common.stray_message_staff", role=fa("roles.officer"))


async def asked_for_a_note(officer: Person, view: SentMessage | None = None) -> SentMessage:
    """The officer's card's "internal note" pressed; the card."""
    view = view or await officer.say("1405-0001")
    asked = await officer.press(view, "یادداشت داخلی")
    assert "/cancel" in asked.text, asked.text
    return view


async def notes(app: RounaqApp, report: ReportDTO) -> list[str | None]:
    async with services_of(app).database.session() as session:
        query = select(ReportEvent.note).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "note"
        )
        return list(await session.scalars(query))


async def test_another_command_ends_the_wait_and_the_text_is_nobodys(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    """The officer asked for a note moves on with /inbox: the note typed after it is a
    stray message, not the note; the conversation left at its step is deaf and over, so
    /cancel finds nothing under way."""
    officer = cast.officer
    await asked_for_a_note(officer)
    await officer.say("/inbox")
    assert "pending_input" not in app.user_data[officer.id]
    assert (await officer.say(NOTE)).text == stray()
    assert await notes(app, report) == []
    reply = await officer.say("/cancel")
    assert reply.text.startswith(fa("common.nothing_to_cancel")[:20]), reply.text


async def test_the_button_again_asks_again_and_the_answer_is_taken_once(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    """Pressed twice before answering (re-entry): one note, then the flow is over."""
    officer = cast.officer
    await asked_for_a_note(officer, await asked_for_a_note(officer))
    done = await officer.say(NOTE)
    assert done.text.startswith(fa("workflow.done_note")[:15]), done.text
    await officer.send(NOTE)
    assert (await officer.next(stray()[:12])).text == stray()
    assert await notes(app, report) == [NOTE]


async def test_cancel_ends_the_prompt_with_one_answer(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    officer = cast.officer
    await asked_for_a_note(officer)
    assert (await officer.say("/cancel")).text == fa("common.cancelled")
    assert (await officer.say(NOTE)).text == stray()
    assert await notes(app, report) == []


async def test_a_prompt_an_older_version_left_is_answered_once_as_lost(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    """A pending prompt of a kind this version no longer has (asked before an upgrade):
    the text is told the flow was lost, once; the next is a stray message."""
    officer = cast.officer
    await officer.say("/inbox")
    app.user_data[officer.id]["pending_input"] = {"kind": "retired_kind", "report": report.id}
    assert (await officer.say(NOTE)).text == fa("common.flow_lost")
    assert "pending_input" not in app.user_data[officer.id]
    assert (await officer.say(NOTE)).text == stray()
