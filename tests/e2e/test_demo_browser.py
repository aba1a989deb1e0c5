"""The demo chat page in a real browser: headless Chromium (Debian's package) via Playwright.

An owner chooses a language, registers a unit and reports an obstacle by clicking and
typing on the page; the SMT officer persona accepts it and asks a question, which the owner
answers; the official persona sees it counted in /stats. In Persian (right to left) and in
English. Waits are on conditions (Playwright's auto-waiting locators and `expect`), never
sleeps. Screenshots of failures go to
test-artifacts/. Outside CI the test is skipped when Chromium or Playwright is missing;
in CI (.ci/run installs chromium) it must run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo import demo_session
from bot.formatting import Presenter
from bot.i18n import Translator, get_translator
from tests.conftest import demo_settings

CHROMIUM = "/usr/bin/chromium"
# Debian's package; elsewhere whatever `chromium` is on PATH.
EXECUTABLE = CHROMIUM if Path(CHROMIUM).exists() else (shutil.which("chromium") or CHROMIUM)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 10_000

pytestmark = pytest.mark.slow


def _browser_available() -> None:
    missing = []
    if not Path(EXECUTABLE).exists():
        missing.append("chromium (apt-get install chromium)")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[dev]')")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test; missing: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)}")


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[str]:
    """The demo (emulator + bot + personas) on a free port with a temp SQLite file."""
    # Not warmed at start: the official's /stats must be computed after the report.
    async with demo_session(demo_settings(tmp_path), host="127.0.0.1", port=0) as (emulator, _):
        yield emulator.url


@pytest.fixture
async def page(request: pytest.FixtureRequest, demo: str) -> AsyncIterator[Any]:
    _browser_available()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=EXECUTABLE,
            args=BROWSER_ARGS,
        )
        context = await browser.new_context(viewport={"width": 1100, "height": 800})
        page = await context.new_page()
        # The page shows button alerts with window.alert; a test clicks them away.
        page.on("dialog", lambda dialog: dialog.accept())
        await page.goto(demo)
        try:
            yield page
        finally:
            failed = getattr(request.node, "rep_call", None)
            if (failed is not None and failed.failed) or os.environ.get("ROUNAQ_SCREENSHOTS"):
                ARTIFACTS.mkdir(exist_ok=True)
                name = re.sub(r"[^\w.-]+", "_", request.node.name)
                await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            await browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


async def snapshot(page: Any, name: str) -> None:
    """With ROUNAQ_SCREENSHOTS set, keep a picture of this moment for a human to look at."""
    if os.environ.get("ROUNAQ_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def persona(page: Any, user_id: int) -> None:
    await page.locator(f'[data-testid="persona-button"][data-user-id="{user_id}"]').click()
    await page.locator(f'#persona-{user_id}[aria-current="true"]').wait_for(timeout=WAIT_MS)


async def say(page: Any, text: str) -> None:
    await page.get_by_test_id("message-input").fill(text)
    await page.get_by_test_id("send-button").click()


async def click_button(page: Any, label: str) -> None:
    """Click the newest inline button showing ``label``."""
    button = page.get_by_test_id("inline-button").filter(has_text=label).last
    await button.wait_for(timeout=WAIT_MS)
    await button.click()


async def bot_says(page: Any, text: str) -> Any:
    message = page.get_by_test_id("bot-message").filter(has_text=text).last
    await message.wait_for(timeout=WAIT_MS)
    return message


async def expect_direction(message: Any, direction: str) -> None:
    """The bubble's computed direction, retried until it holds: the page re-renders a chat
    while it polls, and a bubble caught between two renders has no style yet."""
    from playwright.async_api import expect

    await expect(message).to_have_css("direction", direction, timeout=WAIT_MS)


def visible(html: str) -> str:
    """A catalog string as the page shows it: without its tags, up to its first newline."""
    return re.sub(r"<[^>]+>", "", html).splitlines()[0].strip()


def label(tr: Translator, key: str) -> str:
    """A button's words without its leading emoji (headless Chromium may lack the font)."""
    return tr.t(key).split(" ", 1)[-1]


@pytest.mark.parametrize(
    ("lang", "unit", "sector", "county", "category", "description", "answer"),
    [
        ("fa", "فرش <دستباف> ممتاز", "فرش", "قم", "مجوزها", "پروانهٔ ما ماه‌هاست معطل است",
         "نامهٔ ۱۲۳ مورخ ۱۴۰۵/۰۹/۰۱"),
        ("en", "Qom Carpet & Sons", "Carpet", "Qom", "Permits", "Our licence is months late",
         "Letter 123 of 1 Azar"),
    ],
    ids=["fa", "en"],
)  # fmt: skip
async def test_owner_reports_in_the_browser_and_the_officer_sees_it(
    page: Any,
    lang: str,
    unit: str,
    sector: str,
    county: str,
    category: str,
    description: str,
    answer: str,
) -> None:
    tr, fa = get_translator(lang), get_translator("fa")
    owner, officer, official = 1001, 2001, 3001
    await persona(page, owner)
    await say(page, "/start")
    command = page.get_by_test_id("user-message").filter(has_text="/start").last
    await expect_direction(command, "ltr")
    await click_button(page, tr.t("start.language_name"))
    greeting = await bot_says(page, tr.t("start.language_set"))
    await expect_direction(greeting, "rtl" if lang == "fa" else "ltr")

    await click_button(page, tr.t("start.btn_register"))
    await bot_says(page, tr.t("registration.ask_name").splitlines()[-1][:12])
    await say(page, unit)
    await click_button(page, sector)
    await click_button(page, county)
    await click_button(page, tr.t("registration.permit_licensed"))
    share = page.get_by_test_id("share-contact-button")
    await share.click(timeout=WAIT_MS)
    await bot_says(page, tr.t("registration.done"))
    # The unit's name is shown as typed, never as markup.
    await bot_says(page, unit)

    await click_button(page, tr.t("start.btn_report"))
    await click_button(page, category)
    await say(page, description)
    await click_button(page, tr.t("report.btn_continue"))
    await click_button(page, tr.t("report.btn_submit"))
    first_line = tr.t("report.submitted", number="", agency="", due="").splitlines()[0]
    submitted = await bot_says(page, first_line)
    number = "۱۴۰" if lang == "fa" else "140"  # a Jalali year, in the language's digits
    assert number in await submitted.inner_text()
    await snapshot(page, f"demo-{lang}-owner")

    # The SMT officer (the agency for permits) has the report waiting, with a badge.
    badge = page.locator(f"#persona-{officer} [data-testid='unread-badge']")
    await badge.wait_for(state="visible", timeout=WAIT_MS)
    await persona(page, officer)
    notice = await bot_says(page, fa.t("agency.btn_open"))
    assert unit in await notice.inner_text()
    await expect_direction(notice, "rtl")
    # The officer (Persian) accepts it, then asks the owner a question.
    await click_button(page, label(fa, "workflow.btn_acc"))
    # The notice is the report's card: it is redrawn in place, "in progress".
    await bot_says(page, fa.t("status.in_progress"))
    await click_button(page, label(fa, "workflow.btn_ask"))
    await bot_says(page, visible(fa.t("workflow.ask_ask", number="")).split("<")[0][:20])
    await say(page, "لطفاً شمارهٔ نامهٔ درخواست پروانه را بفرستید.")
    await bot_says(page, fa.t("workflow.done_ask"))
    await snapshot(page, f"demo-{lang}-officer")

    # The owner sees the question in their language and answers it.
    await persona(page, owner)
    await bot_says(page, "لطفاً شمارهٔ نامهٔ درخواست پروانه")
    await click_button(page, label(tr, "workflow.btn_ans"))
    await bot_says(page, visible(tr.t("workflow.ask_ans", number=""))[:20])
    await say(page, answer)
    await bot_says(page, tr.t("workflow.done_ans"))
    status = await bot_says(page, tr.t("status.in_progress"))
    await expect_direction(status, "rtl" if lang == "fa" else "ltr")

    # Back with the officer: the owner's answer has arrived.
    await persona(page, officer)
    await bot_says(page, answer)

    # The official sees the report counted, in progress, in their language.
    await persona(page, official)
    await say(page, "/start")
    await click_button(page, tr.t("start.language_name"))
    await bot_says(page, tr.t("roles.official"))
    await expect_title(page, "Official")
    # The report itself, looked up by its number: in progress, as staff read it.
    await say(page, "1405-0001")
    card = await bot_says(page, tr.t("status.in_progress"))
    assert unit in await card.inner_text()
    await say(page, "/stats")
    one = Presenter(lang).number(1)
    figures = await bot_says(page, visible(tr.t("stats.total", count=one)))
    text = await figures.inner_text()
    assert visible(tr.t("stats.line", label=tr.t("status.in_progress"), count=one)) in text, text
    await expect_direction(figures, "rtl" if lang == "fa" else "ltr")
    await snapshot(page, f"demo-{lang}-official")


async def expect_title(page: Any, text: str) -> None:
    title = page.get_by_test_id("chat-title")
    await title.filter(has_text=text).wait_for(timeout=WAIT_MS)
