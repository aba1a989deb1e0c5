"""Defects found on a third stranger's pass over the staff side (agency officers, the HQ
secretariat, officials, admins), in Persian and English, each pinned by what the person
saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import FA, fa
from tests.e2e.workflow_kit import Cast, services_of


async def test_the_routing_picker_marks_agencies_without_anyone_and_says_why(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin routing raw-material reports of carpet makers picked the tax office
    from /routing's agency picker: nothing there said that nobody from it is on the bot,
    while the officers' reassign picker marks such agencies ⚠️ and says what the mark
    means. Routed there, every such report would go to the HQ instead. The routing picker
    marks them and says so too."""
    admin = cast.admin
    table = await admin.say("/routing")
    card = await admin.press(table, "تأمین مواد اولیه")
    agencies = await admin.press(card, fa("admin.btn_route_all"))
    mark = FA.t("admin.routing_unstaffed_mark")
    assert agencies.text.split("\n") == [
        fa("admin.pick_agency"),
        fa("workflow.pick_agency_unstaffed", mark=mark),
    ]
    marked = {str(data).rsplit(":", 1)[1] for row in agencies.buttons for text, data in row
              if text.startswith(mark)}  # fmt: skip
    tax = services_of(app).directory.agency_by_code("tax")
    assert tax is not None
    assert str(tax.id) in marked
    assert str(cast.smt_id) not in marked  # SMT has its officer
