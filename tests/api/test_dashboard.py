"""The dashboard's pages: every page and chart renders, in both languages, with no personal
data; its figures are the /stats figures, in Persian digits and Jalali dates by default."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pytest

from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import get_translator
from tests.api.kit import (
    OWNER_LAST,
    OWNER_NAME,
    PHONE,
    UNIT_NAME,
    Client,
    seed_reports,
    seed_unit,
)

PAGES = ("/", "/session", "/print")
CHARTS = ("categories", "agencies", "weekly")


async def test_every_page_renders_without_personal_data(client: Client, services: Services) -> None:
    unit = await seed_unit(services)
    await seed_reports(services, unit, 4)
    # The units' owners and the people in the chat: none of them may show.
    private = [OWNER_NAME, OWNER_LAST, UNIT_NAME, PHONE, PHONE[-10:], "0" + PHONE[-10:]]
    for lang in ("fa", "en"):
        for page in PAGES:
            response = await client.get(f"{page}?lang={lang}")
            assert response.status == 200
            assert response.content_type == "text/html"
            html = await response.text()
            for fact in private:
                assert fact not in html, (page, lang, fact)
        for name in CHARTS:
            response = await client.get(f"/charts/{name}.svg?lang={lang}")
            assert response.status == 200
            assert response.content_type == "image/svg+xml"
            svg = await response.text()
            assert svg.lstrip().startswith("<?xml")
            for fact in private:
                assert fact not in svg


async def test_persian_by_default_right_to_left_with_the_stats_figures(
    client: Client, services: Services
) -> None:
    unit = await seed_unit(services)
    await seed_reports(services, unit, 12)
    html = await (await client.get("/")).text()
    assert 'dir="rtl"' in html
    fa = Presenter(lang="fa", tz=services.settings.tz)
    snapshot = await services.stats.snapshot()
    assert f'<td class="value">{fa.number(snapshot.total)}</td>' in html
    assert fa.number(12) == "۱۲"
    assert get_translator("fa").t("stats.as_of", when=fa.datetime(snapshot.computed_at)) in html
    english = await (await client.get("/?lang=en")).text()
    assert 'dir="ltr"' in english
    assert '<td class="value">12</td>' in english
    assert (await client.get("/charts/nope.svg")).status == 404


async def test_an_empty_database_says_so_under_every_heading(client: Client) -> None:
    """Seen on a first look at a new deployment: "Obstacles by type" and "Obstacles by
    agency" were headings over nothing, as if the page had failed to load, while the
    median-time topic beside them said that no agency had answered yet. Every topic on
    every page has something under its heading; with no report, the sentence /stats says."""
    for lang in ("fa", "en"):
        empty = get_translator(lang).t("stats.empty")
        for page in PAGES:
            html = await (await client.get(f"{page}?lang={lang}")).text()
            topics = re.findall(r'<section class="[^"]*" data-topic="(\w+)">(.*?)</section>', html)
            assert topics, html
            for key, inner in topics:
                body = re.sub(r"<h2>.*?</h2>", "", inner, count=1)
                assert re.sub(r"<[^>]+>", "", body).strip(), (page, lang, key)
            by_key = dict(topics)
            for key in ("categories", "agencies"):
                assert escape(empty) in by_key[key], (page, lang, key)


async def page_at(browser: Any, client: Client, path: str, width: int, height: int) -> Any:
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    await page.goto(str(client.make_url(path)))
    await page.wait_for_load_state("networkidle")
    return page


@pytest.mark.slow
async def test_on_a_phone_every_topic_fits_the_screen(
    client: Client, services: Services, browser: Any
) -> None:
    """Seen on a 375-pixel phone: each topic's card was wider than the screen (a column
    could not be narrower than 22rem), so it ran off one edge and left a gap at the other,
    and the page scrolled sideways by a pixel."""
    unit = await seed_unit(services)
    await seed_reports(services, unit, 4)
    for lang in ("fa", "en"):
        page = await page_at(browser, client, f"/?lang={lang}", 375, 740)
        width = await page.evaluate("document.documentElement.clientWidth")
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        cards = await page.locator(".topic").evaluate_all(
            "cs => cs.map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right]; })"
        )
        assert cards
        for left, right in cards:
            assert left >= 0
            assert right <= width
            assert abs(left - (width - right)) <= 1, (lang, left, right)  # centred


@pytest.mark.slow
async def test_every_session_screen_fits_a_projector_and_a_tap_moves_on(
    client: Client, services: Services, browser: Any
) -> None:
    """Seen on a 1024x768 projector and a 1920x1080 screen: the weekly topic's chart, under
    its eight rows, ran off the bottom (its dates cut), and the English loans text did too;
    a room cannot scroll a projector. And on a phone or with a mouse the session view could
    not be moved at all: only arrow keys turned it."""
    unit = await seed_unit(services)
    await seed_reports(services, unit, 6)
    for width, height in ((1024, 768), (1920, 1080), (1280, 720)):
        for lang in ("fa", "en"):
            page = await page_at(browser, client, f"/session?lang={lang}", width, height)
            count = await page.locator(".slide").count()
            for n in range(1, count + 1):
                current = page.locator(".slide.current")
                sizes = await current.evaluate(
                    "s => [s.scrollHeight, s.clientHeight, s.scrollWidth, s.clientWidth]"
                )
                key = await current.get_attribute("data-topic")
                assert sizes[0] <= sizes[1], (width, height, lang, n, key, sizes)
                assert sizes[2] <= sizes[3], (width, height, lang, n, key, sizes)
                await page.keyboard.press("PageDown")
    for lang, forward_x, back_x in (("fa", 40, 335), ("en", 335, 40)):
        page = await page_at(browser, client, f"/session?lang={lang}", 375, 740)
        await page.mouse.click(forward_x, 370)
        await page.wait_for_function("location.hash === '#2'")
        assert await page.locator(".slide.current").get_attribute("data-topic") == "categories"
        await page.mouse.click(forward_x, 370)
        await page.wait_for_function("location.hash === '#3'")
        await page.mouse.click(back_x, 370)  # the starting edge goes back
        await page.wait_for_function("location.hash === '#2'")


async def test_the_language_is_read_as_the_api_reads_it(client: Client) -> None:
    """Seen: /?lang=EN (and en-US, as a link from an English portal wrote it) showed the
    Persian page while the API took the same ?lang=EN as English."""
    for asked in ("EN", "en-US", "en"):
        html = await (await client.get(f"/?lang={asked}")).text()
        assert 'lang="en" dir="ltr"' in html, asked
    assert 'dir="rtl"' in await (await client.get("/?lang=xx")).text()
