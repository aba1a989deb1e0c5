"""The HQ's typed buttons: data no kind takes (an older format still on a phone, a cause
or a deadline never offered, a word where an id belongs) gets the stale-button answer,
also for the secretariat, whose presses pass the permission; nothing is selected or
asked."""

from __future__ import annotations

import pytest

from bot.context import RounaqApp
from bot.i18n import get_translator
from bot.services.workflow import WorkflowError
from bot.views.common import workflow_error
from emulator import BotApiEmulator
from handlers.agenda import SELECTION_KEY
from storage.dto import ReportDTO
from tests.e2e.workflow_kit import Cast, press_data

STALE = get_translator("fa").t("common.stale_button")


@pytest.mark.parametrize(
    "data",
    [
        "hq:t:1",  # the toggle before it carried its page
        "hq:k:weather",
        "hq:dl:1:15",
        "hq:a:1:1",  # no decision being drafted
        "hq:zz",
        "dc:v:abc",
        "dc:i:1",
    ],
)
@pytest.mark.usefixtures("report")
async def test_stale_hq_buttons_get_the_stale_answer(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, data: str
) -> None:
    hq = cast.secretariat
    anchor = await hq.say("/agenda")
    answer = await press_data(emulator, hq, anchor, data)
    assert answer.show_alert, (data, answer.text)
    assert answer.text == STALE, data
    assert not app.user_data[hq.id].get(SELECTION_KEY)
    assert len(hq.texts()) == 1  # only /agenda's answer: nothing asked, nothing sent


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("hq:i:999999", "item_not_found"),
        ("hq:d:999999", "item_not_found"),
        ("hq:+:999999", "item_not_found"),
    ],
)
async def test_a_refused_hq_press_is_answered_with_the_reason(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, data: str, reason: str, report: ReportDTO
) -> None:
    """The HQ service's refusal is the press's alert (handlers/declare.button), not an error."""
    hq = cast.secretariat
    anchor = await hq.say("/agenda")
    app.user_data[hq.id][SELECTION_KEY] = [report.id]
    answer = await press_data(emulator, hq, anchor, data)
    assert answer.show_alert
    assert answer.text == workflow_error(get_translator("fa"), WorkflowError(reason)), data
    assert len(hq.texts()) == 1
