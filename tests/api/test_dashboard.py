"""The dashboard's pages: every page and chart renders, in both languages, with no personal
data; its figures are the /stats figures, in Persian digits and Jalali dates by default."""

from __future__ import annotations

import re
from html import escape

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
