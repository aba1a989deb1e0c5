"""The demo page in headless Chromium across a restart of the demo (bot and emulator).

Issue 11 items 15 and 16: an owner starts from the page's hint, registers and reports; the
demo is stopped and started again on the same port; the page still shows the history, an
old alert does not pop up again, and the tracking number copied from the page (its text
as rendered, bidi controls and all) and sent back finds the report. Times are Tehran's, in
Persian digits, under Jalali day headers; the contact button shows the bot's label once;
the icon is served; a "new person" gets a fresh id and the start hint.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from bot.context import RounaqApp
from bot.demo import demo_session
from bot.i18n import get_translator
from bot.settings import Settings
from emulator import BotApiEmulator, CallbackAnswer
from emulator.core import NEW_PERSON_FIRST_ID
from tests.conftest import demo_settings
from tests.e2e.test_demo_browser import (
    BROWSER_ARGS,
    EXECUTABLE,
    WAIT_MS,
    _browser_available,
    bot_says,
    click_button,
    say,
)

pytestmark = pytest.mark.slow

OWNER = 1001
TEHRAN = ZoneInfo("Asia/Tehran")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
BIDI = "\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e\u061c"
# A tracking number as the page renders it: Jalali year and sequence in either order,
# in any digits, with whatever bidi controls the bot put around or inside it.
TRACKING = re.compile(rf"[{BIDI}]*[0-9۰-۹]{{4}}[{BIDI}]*-[{BIDI}]*[0-9۰-۹]{{4}}[{BIDI}]*")


@dataclass
class Demo:
    """The demo on one port, to be stopped and started again like `rounaq demo`."""

    settings: Settings
    port: int = 0
    emulator: BotApiEmulator | None = None
    _session: AbstractAsyncContextManager[tuple[BotApiEmulator, RounaqApp]] | None = field(
        default=None, repr=False
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> BotApiEmulator:
        self._session = demo_session(self.settings, host="127.0.0.1", port=self.port)
        emulator, _ = await self._session.__aenter__()
        self.port = int(emulator.url.rsplit(":", 1)[1])
        self.emulator = emulator
        return emulator

    async def stop(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.__aexit__(None, None, None)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    running = Demo(demo_settings(tmp_path))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def browser_page(demo: Demo) -> AsyncIterator[tuple[Any, list[str]]]:
    _browser_available()
    from playwright.async_api import async_playwright

    alerts: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=EXECUTABLE, args=BROWSER_ARGS)
        context = await browser.new_context(viewport={"width": 1100, "height": 800})
        page = await context.new_page()

        async def on_dialog(dialog: Any) -> None:
            alerts.append(dialog.message)
            await dialog.accept()

        page.on("dialog", on_dialog)
        await page.goto(demo.url)
        try:
            yield page, alerts
        finally:
            await browser.close()


def tehran_clock(unix: int) -> str:
    return datetime.fromtimestamp(unix, TEHRAN).strftime("%H:%M")


async def polls(page: Any, count: int = 2) -> None:
    """Let the page poll the emulator ``count`` times (alerts would have popped by then)."""
    for _ in range(count):
        async with page.expect_response(lambda r: "/_emu/messages" in r.url, timeout=WAIT_MS):
            pass


async def test_the_page_survives_a_restart_and_a_copied_tracking_number_is_found(
    demo: Demo, browser_page: tuple[Any, list[str]]
) -> None:
    page, alerts = browser_page
    tr = get_translator("fa")
    from playwright.async_api import expect

    # The landing page says how to begin, in Persian and in English, and has an icon.
    hint = page.get_by_test_id("start-hint")
    await expect(hint).to_contain_text("/start", timeout=WAIT_MS)
    await expect(hint).to_contain_text("برای شروع")
    await expect(hint).to_contain_text("To begin")
    icon = await page.request.get(f"{demo.url}/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"] == "image/x-icon"
    await page.get_by_test_id("start-hint-button").click()
    await click_button(page, tr.t("start.language_name"))
    await bot_says(page, tr.t("start.language_set"))

    # Registration; the contact button reads the bot's label once ("📱 📱" before).
    await click_button(page, tr.t("start.btn_register"))
    await bot_says(page, tr.t("registration.ask_name").splitlines()[-1][:12])
    await say(page, "فرش ممتاز")
    await click_button(page, "فرش")
    await click_button(page, "قم")
    await click_button(page, tr.t("registration.permit_licensed"))
    share = page.get_by_test_id("share-contact-button")
    await expect(share).to_have_text(tr.t("registration.btn_share_contact"), timeout=WAIT_MS)
    await share.click()
    await bot_says(page, tr.t("registration.done"))

    await click_button(page, tr.t("start.btn_report"))
    await click_button(page, "مجوزها")
    await say(page, "پروانهٔ بهره‌برداری شش ماه است معطل مانده")
    await click_button(page, tr.t("report.btn_continue"))
    await click_button(page, tr.t("report.btn_submit"))
    first_line = tr.t("report.submitted", number="", agency="", due="").splitlines()[0]
    submitted = await bot_says(page, first_line)
    rendered = await submitted.text_content()
    found = TRACKING.search(rendered or "")
    assert found, rendered
    copied = found.group()

    # Times: Tehran's clock in Persian digits, under a Jalali day header.
    assert demo.emulator is not None
    sent = [m for m in demo.emulator.messages(OWNER) if first_line[:10] in m.text][-1]
    clock = tehran_clock(sent.date).translate(PERSIAN)
    await expect(submitted.get_by_test_id("message-time")).to_have_text(clock)
    # The person's own "/start" is in no language: its time follows the Persian chat's.
    start_bubble = page.get_by_test_id("user-message").filter(has_text="/start").first
    await expect(start_bubble.get_by_test_id("message-time")).to_have_text(
        re.compile("^[۰-۹]{2}:[۰-۹]{2}$")
    )
    day = jdatetime.date.fromgregorian(date=datetime.fromtimestamp(sent.date, TEHRAN).date())
    # "چهارشنبه ۱۱ آذر ۱۴۰۵": the day, then the year at the end, with no Latin comma.
    await expect(page.get_by_test_id("day-divider").last).to_have_text(
        re.compile(rf"^\S+ {day.day} \S+ {day.year}$".translate(PERSIAN))
    )

    # An alert (a button's answer) pops up once.
    demo.emulator.state.answers.setdefault(OWNER, []).append(
        CallbackAnswer("q-1", "این دکمه دیگر کار نمی‌کند.", True, None)
    )
    demo.emulator.state.pulse.fire()
    await polls(page)
    assert alerts == ["این دکمه دیگر کار نمی‌کند."]

    # The demo restarts, bot and emulator, on the same port; the open page carries on.
    before = await page.get_by_test_id("bot-message").count()
    await demo.stop()
    await demo.start()
    await polls(page)
    assert await page.get_by_test_id("bot-message").count() == before
    await bot_says(page, first_line)
    # A reload shows the history from the restarted emulator, and no old alert again.
    await page.reload()
    await bot_says(page, first_line)
    assert await page.get_by_test_id("bot-message").count() == before
    await polls(page)
    assert alerts == ["این دکمه دیگر کار نمی‌کند."]

    # The tracking number copied from the page is found, by the restarted bot.
    await say(page, copied)
    user_message = page.get_by_test_id("user-message").last
    await expect(user_message).to_contain_text(copied.strip(BIDI))
    answer = page.get_by_test_id("bot-message").nth(before)
    await answer.wait_for(timeout=WAIT_MS)
    await expect(answer).to_contain_text("فرش ممتاز")

    # A brand-new person: a fresh id, the start hint, and the bot answers their /start.
    await page.get_by_test_id("new-person-button").click()
    newcomer = page.locator(f'#persona-{NEW_PERSON_FIRST_ID}[aria-current="true"]')
    await newcomer.wait_for(timeout=WAIT_MS)
    await expect(page.get_by_test_id("start-hint")).to_be_visible()
    await page.get_by_test_id("start-hint-button").click()
    await bot_says(page, tr.t("start.language_name"))
