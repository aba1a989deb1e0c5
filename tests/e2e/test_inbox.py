"""/inbox: overdue first, then the newest; filters by status, category and lateness; pages."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.access import ReportAction
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import strip_isolates
from emulator import BotApiEmulator
from tests.e2e.expect import FA_P, fa, labels, piece, saying, says
from tests.e2e.workflow_kit import Cast, file_report, services_of


def order(text: str) -> list[str]:
    # Each report's line starts with its number, isolated so it reads in one order.
    return [m.group() for m in re.finditer("۱۴۰۵-[۰-۹]{4}", strip_isolates(text))]


def num(seq: int) -> str:
    """A tracking number as ``order`` lists it."""
    return strip_isolates(FA_P.tracking(1405, seq))


async def test_inbox_orders_filters_and_pages(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, clock: ManualClock
) -> None:
    officer = cast.officer
    services = services_of(app)
    old = await file_report(app, cast.owner, "raw_materials")  # 7 working days
    clock.advance(timedelta(days=3))
    for _ in range(5):
        await file_report(app, cast.owner, "permits")  # 10 working days
        clock.advance(timedelta(minutes=5))
    await file_report(app, cast.other_owner, "bank_finance")  # the banks': not in SMT's inbox
    clock.set(old.due_at + timedelta(hours=1))
    principal = (await services.users.profile(officer.id)).principal
    await services.workflow.act(principal, ReportAction.ACCEPT, old.id + 1)

    inbox = await officer.say("/inbox")
    assert says(inbox.text, "inbox.title", count=6)
    # The overdue one first, then the newest.
    assert order(inbox.text) == [num(1), num(6), num(5), num(4), num(3)]
    assert says(inbox.text, "inbox.line_overdue", number=FA_P.tracking(1405, 1))
    assert FA_P.tracking(1405, 7) not in inbox.text

    await officer.press_only(inbox, fa("common.next"))
    second = fa("common.page", page=2, pages=2)
    page2 = await emulator.wait_for_message(officer.id, lambda m: second in labels(m))
    assert order(page2.text) == [num(2)]

    overdue_off, overdue_on = fa("inbox.btn_overdue_off"), fa("inbox.btn_overdue_on")
    await officer.press_only(page2, overdue_off)
    late = await emulator.wait_for_message(officer.id, lambda m: overdue_on in m.button_texts)
    assert order(late.text) == [num(1)]

    await officer.press_only(late, overdue_on)
    every = await emulator.wait_for_message(officer.id, lambda m: overdue_off in m.button_texts)
    status_button = piece("inbox.btn_status")
    await officer.press_only(every, status_button)  # all open → referred
    referred_button = fa("inbox.btn_status", status=fa("status.referred"))
    referred = await emulator.wait_for_message(officer.id, lambda m: referred_button in labels(m))
    assert num(2) not in order(referred.text)  # accepted: in progress now
    await officer.press_only(referred, status_button)  # → in progress
    in_progress_button = fa("inbox.btn_status", status=fa("status.in_progress"))
    in_progress = await emulator.wait_for_message(
        officer.id, lambda m: in_progress_button in labels(m)
    )
    assert order(in_progress.text) == [num(2)]

    await officer.press_only(in_progress, fa("inbox.btn_category"))
    every_kind = fa("inbox.all_categories")
    categories = await emulator.wait_for_message(officer.id, lambda m: every_kind in labels(m))
    await officer.press_only(categories, "تأمین مواد اولیه")
    raw = await emulator.wait_for_message(
        officer.id, saying("inbox.filters", category="تأمین مواد اولیه")
    )
    assert order(raw.text) == []  # in progress and raw materials: none
    assert says(raw.text, "inbox.empty")
