"""The dashboard in headless Chromium (as the demo's browser test): it loads, its figures
are the ones the chat's /stats and /loans give for the same data, the session view moves
with the keys, and the printable page fits A4. The bot runs with API_PORT set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.settings import Settings
from emulator import BotApiEmulator
from tests.e2e.expect import FA_P, fa
from tests.e2e.ports import free_port
from tests.e2e.test_demo_browser import BROWSER_ARGS, EXECUTABLE, _browser_available, snapshot
from tests.e2e.workflow_kit import Cast, file_report

pytestmark = pytest.mark.slow
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"api_port": free_port()})


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    _browser_available()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=EXECUTABLE, args=BROWSER_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def words(text: str) -> str:
    return " ".join(text.split())


async def test_dashboard_figures_session_keys_and_a4(
    app: Any, emulator: BotApiEmulator, cast: Cast, settings: Settings, browser: Any
) -> None:
    for category in ("raw_materials", "raw_materials", "customs"):
        await file_report(app, cast.owner, category)
    stats = await cast.official.say("/stats")
    loans = await cast.official.say("/loans")
    base = f"http://127.0.0.1:{settings.api_port}"

    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await page.goto(f"{base}/")
    assert await page.locator("html").get_attribute("dir") == "rtl"
    await snapshot(page, "dashboard")
    # Every figure the dashboard shows by agency and in total is the chat's.
    total = await page.locator('[data-topic="overview"] td.value').first.inner_text()
    assert fa("stats.total", count=total) in stats.text
    agency_rows = page.locator('[data-topic="agencies"] tr')
    assert await agency_rows.count() >= 1
    for i in range(await agency_rows.count()):
        label = await agency_rows.nth(i).locator("td").first.inner_text()
        value = await agency_rows.nth(i).locator("td.value").inner_text()
        assert f"• {label.strip()}: {value}" in stats.text
    loans_text = words(await page.locator('[data-topic="loans"] .chat-text').inner_text())
    for line in loans.text.splitlines():
        assert words(line) in loans_text
    # The charts (SVG) load.
    charts = page.locator("img.chart")
    assert await charts.count() == 3
    for i in range(3):
        width = await charts.nth(i).evaluate("img => img.complete && img.naturalWidth")
        assert width > 0

    # The session view: one topic at a time; in Persian the left arrow goes forward.
    await page.goto(f"{base}/session")
    current = page.locator(".slide.current")
    assert await current.get_attribute("data-topic") == "overview"
    await page.keyboard.press("ArrowLeft")
    assert await current.get_attribute("data-topic") == "categories"
    await page.keyboard.press("ArrowRight")
    assert await current.get_attribute("data-topic") == "overview"
    await page.keyboard.press("PageDown")
    await page.keyboard.press("PageDown")
    assert await current.get_attribute("data-topic") == "agencies"
    assert page.url.endswith("#3")
    assert await page.locator(".slide:visible").count() == 1
    assert FA_P.number(3) in await page.locator(".counter").inner_text()
    await snapshot(page, "dashboard-session")
    # The 27 programs take three screens of large type, each fitting the projector.
    await page.keyboard.press("End")
    assert await current.get_attribute("data-topic") == "loans"
    programs = page.locator('.slide[data-topic="programs"]')
    assert await programs.count() == 3
    await page.keyboard.press("ArrowRight")
    assert await current.get_attribute("data-topic") == "programs"
    fits = "s => s.scrollHeight <= s.clientHeight"
    assert await current.evaluate(fits)
    english = await (await browser.new_context()).new_page()
    await english.goto(f"{base}/session?lang=en")
    await english.keyboard.press("ArrowRight")
    assert await english.locator(".slide.current").get_attribute("data-topic") == "categories"

    # The printable page: nothing wider than A4, and Chromium prints it on A4 sheets.
    printing = await (
        await browser.new_context(viewport={"width": A4_WIDTH_PX, "height": 1123})
    ).new_page()
    await printing.goto(f"{base}/print")
    await printing.emulate_media(media="print")
    await snapshot(printing, "dashboard-print")
    width = await printing.evaluate("document.documentElement.scrollWidth")
    assert width <= A4_WIDTH_PX
    pdf: bytes = await printing.pdf(format="A4")
    assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox [0 0 594" in pdf
