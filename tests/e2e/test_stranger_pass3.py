"""Defects found on the third stranger's pass (after the handler packages were split): each
pinned by what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

import asyncio

from bot.context import RounaqApp
from bot.i18n import get_translator
from emulator import BotApiEmulator
from tests.e2e.workflow_kit import Cast

FA = get_translator("fa")


async def test_an_empty_compliance_board_offers_no_chart_of_nothing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /compliance before any HQ decision said "no decisions in this period" above a
    "📊 نمودار" button; pressed, it sent a picture with a title and no bars. /stats hides
    its chart until there is something to draw; the board now does the same, and an older
    board's chart button says why there is no chart instead of sending an empty one."""
    official = cast.official
    board = await official.say("/compliance")
    assert FA.t("sessions.board_empty") in board.text
    assert FA.t("sessions.btn_chart") not in board.button_texts
    month = await official.press(board, FA.t("sessions.period_month"))
    assert FA.t("sessions.btn_chart") not in month.button_texts

    sent = len(emulator.messages(official.id))
    query = await emulator.press_raw(official.id, official.id, board.message_id, "cp:c:year")
    answer = await emulator.wait_for_answer(query)
    assert answer.show_alert
    assert answer.text == FA.t("sessions.board_empty")
    await asyncio.sleep(0.5)  # an empty chart would be on its way by now
    assert not [m for m in emulator.messages(official.id)[sent:] if m.kind == "photo"]


async def test_the_loans_summary_has_no_summary_button_that_does_nothing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /loans opens on the summary with a "خلاصه" (summary) button beside "به تومان";
    pressed, nothing at all happened (the same summary, no word): a button that leads
    nowhere. Its place is on the breakdowns, to come back to the summary."""
    official = cast.official
    loans = await official.say("/loans")
    assert FA.t("loans.btn_toman") in loans.button_texts
    assert FA.t("loans.btn_summary") not in loans.button_texts
    tomans = await official.press(loans, FA.t("loans.btn_toman"))
    assert FA.t("loans.btn_rial") in tomans.button_texts
    assert FA.t("loans.btn_summary") not in tomans.button_texts
