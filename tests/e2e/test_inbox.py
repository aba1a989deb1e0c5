"""/inbox: overdue first, then the newest; filters by status, category and lateness; pages."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.access import ReportAction
from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import strip_isolates
from emulator import BotApiEmulator
from tests.e2e.workflow_kit import Cast, file_report, services_of


def order(text: str) -> list[str]:
    # Each report's line starts with its number, isolated so it reads in one order.
    return [m.group() for m in re.finditer("۱۴۰۵-[۰-۹]{4}", strip_isolates(text))]


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
    assert "(۶)" in inbox.text
    # The overdue one first, then the newest.
    assert order(inbox.text) == ["۱۴۰۵-۰۰۰۱", "۱۴۰۵-۰۰۰۶", "۱۴۰۵-۰۰۰۵", "۱۴۰۵-۰۰۰۴", "۱۴۰۵-۰۰۰۳"]
    assert "⏰" in inbox.text
    assert "مهلت پاسخ گذشته" in inbox.text
    assert "۱۴۰۵-۰۰۰۷" not in inbox.text

    await officer.press_only(inbox, "بعدی")
    page2 = await emulator.wait_for_message(
        officer.id, lambda m: "۲ از ۲" in " ".join(m.button_texts)
    )
    assert order(page2.text) == ["۱۴۰۵-۰۰۰۲"]

    await officer.press_only(page2, "☐ گذشته از مهلت")
    late = await emulator.wait_for_message(
        officer.id, lambda m: "☑ گذشته از مهلت" in m.button_texts
    )
    assert order(late.text) == ["۱۴۰۵-۰۰۰۱"]

    await officer.press_only(late, "☑ گذشته از مهلت")
    every = await emulator.wait_for_message(
        officer.id, lambda m: "☐ گذشته از مهلت" in m.button_texts
    )
    await officer.press_only(every, "وضعیت:")  # all open → referred
    referred = await emulator.wait_for_message(
        officer.id, lambda m: "وضعیت: ارجاع‌شده" in " ".join(m.button_texts)
    )
    assert "۱۴۰۵-۰۰۰۲" not in order(referred.text)  # accepted: in progress now
    await officer.press_only(referred, "وضعیت:")  # → in progress
    in_progress = await emulator.wait_for_message(
        officer.id, lambda m: "وضعیت: در دست بررسی" in " ".join(m.button_texts)
    )
    assert order(in_progress.text) == ["۱۴۰۵-۰۰۰۲"]

    await officer.press_only(in_progress, "نوع مانع")
    categories = await emulator.wait_for_message(
        officer.id, lambda m: "همهٔ انواع" in " ".join(m.button_texts)
    )
    await officer.press_only(categories, "تأمین مواد اولیه")
    raw = await emulator.wait_for_message(officer.id, lambda m: "نوع: تأمین مواد اولیه" in m.text)
    assert order(raw.text) == []  # in progress and raw materials: none
    assert "گزارشی نیست" in raw.text
