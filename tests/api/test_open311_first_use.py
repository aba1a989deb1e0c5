"""A developer's first calls to the API, as a stranger makes them: a JSON body, the notice
read out to a caller, Arabic letters from a Windows keyboard. Each was seen answering wrong."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.api.server import ApiContext
from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import get_translator
from storage.models import Report
from tests.api.kit import PHONE, Client, seed_unit
from tests.api.test_open311_post import plain_category, request_form

URL = "/open311/v2/requests.json"
EN = get_translator("en")


async def test_a_json_body_is_told_to_be_sent_as_a_form(
    client: Client, context: ApiContext, services: Services
) -> None:
    """Seen: a developer posted the fields as JSON (as most APIs take them) and was told
    "api_key is required" about the api_key the body carried; then spent the afternoon on
    the key. aiohttp read the body as an empty form. Any body that is not a form is 415,
    saying a form is wanted; an empty POST still names the first missing field."""
    unit = await seed_unit(services)
    new = await context.keys.create("web portal", created_by=4001)
    form = request_form(services, new.secret, unit, "The gas pressure dropped for a month")
    for kw in (
        {"json": form},
        {"data": json.dumps(form), "headers": {"Content-Type": "text/plain"}},
    ):
        response = await client.post(f"{URL}?lang=en", **kw)
        assert response.status == 415, await response.text()
        body = await response.json()
        assert body == [{"code": 415, "description": EN.t("open311.error_content_type")}]
    empty = await client.post(f"{URL}?lang=en")
    assert empty.status == 400
    missing = EN.t("open311.error_missing_api_key")
    assert await empty.json() == [{"code": 400, "description": missing}]
    filed = await client.post(URL, data=form)
    assert filed.status == 201, await filed.text()


async def test_the_service_notice_says_the_due_day_in_the_readers_calendar(
    client: Client, context: ApiContext, services: Services
) -> None:
    """Seen: the call centre's screen read the notice to the caller as "…مهلت پاسخ تا
    2026-12-09T23:59:59+03:30": a machine time, Latin digits unisolated in a Persian
    sentence. The notice is words; the day is the reader's (Jalali, Persian digits), the
    time for programs stays in expected_datetime."""
    unit = await seed_unit(services)
    new = await context.keys.create("111 call centre", created_by=4001)
    form = request_form(services, new.secret, unit, "The gas pressure dropped for a month")
    fa_answer = await (await client.post(URL, data={**form, "token": "a"})).json()
    en_answer = await (await client.post(f"{URL}?lang=en", data={**form, "token": "b"})).json()
    async with services.database.session() as session:
        report = (await session.scalars(select(Report).order_by(Report.id))).first()
    assert report is not None
    agency = services.directory.agency(report.agency_id)
    for lang, answer in (("fa", fa_answer), ("en", en_answer)):
        fmt = Presenter(lang=lang, tz=services.settings.tz)
        expected = get_translator(lang).t(
            "open311.service_notice", agency=agency.name(lang), due=fmt.date(report.due_at)
        )
        assert answer[0]["service_notice"] == expected
        assert "T23:59" not in answer[0]["service_notice"]
    assert "۱۴۰۵" in fa_answer[0]["service_notice"]


async def test_arabic_letters_and_bidi_marks_are_stored_as_the_chat_stores_them(
    client: Client, context: ApiContext, services: Services
) -> None:
    """Seen: a portal on an Arabic keyboard layout filed "كمبود مواد اوليه در كارخانه ي
    ما" and the officer's card showed the Arabic ك and dotted ي, where a report typed in
    the chat shows Persian ک and ی (the chat keeps text normalised; the API did not)."""
    unit = await seed_unit(services)
    new = await context.keys.create("portal", created_by=4001)
    typed = "\u202bكمبود مواد اوليه در كارخانه ي ما\u202c"
    form = {
        "api_key": new.secret,
        "service_code": plain_category(services),
        "description": typed,
        "phone": PHONE,
        "attribute[unit]": str(unit.id),
    }
    response = await client.post(URL, data=form)
    assert response.status == 201, await response.text()
    async with services.database.session() as session:
        stored = (await session.scalars(select(Report.description))).one()
    assert stored == "کمبود مواد اولیه در کارخانه ی ما"


async def test_an_xml_address_points_to_the_json_one(client: Client) -> None:
    """Seen: a GeoReport v2 client library asked for services.xml first (the spec's
    examples are XML) and got "There is nothing at this address", as for a typo; the
    developer thought the API was not mounted. Only JSON is served, and the answer says
    so; a real typo still gets the plain 404."""
    for path in ("services.xml", "requests.xml", "requests/1405-0001.xml"):
        response = await client.get(f"/open311/v2/{path}?lang=en")
        assert response.status == 404
        assert await response.json() == [{"code": 404, "description": EN.t("open311.error_xml")}]
    typo = await client.get("/open311/v2/servces.json?lang=en")
    assert await typo.json() == [{"code": 404, "description": EN.t("open311.error_not_found")}]


async def test_an_api_key_in_the_address_is_told_to_go_in_the_form(
    client: Client, context: ApiContext, services: Services
) -> None:
    """Seen: a developer put api_key in the query string (as many APIs take it) and was
    told "api_key is required". The key is not taken from the address, which proxies log,
    and the answer says where it goes; in the form it is taken."""
    unit = await seed_unit(services)
    new = await context.keys.create("web portal", created_by=4001)
    form = request_form(services, new.secret, unit, "The gas pressure dropped for a month")
    without_key = {k: v for k, v in form.items() if k != "api_key"}
    response = await client.post(f"{URL}?lang=en&api_key={new.secret}", data=without_key)
    assert response.status == 400, await response.text()
    told = [{"code": 400, "description": EN.t("open311.error_api_key_in_url")}]
    assert await response.json() == told
    async with services.database.session() as session:
        assert (await session.scalars(select(Report))).first() is None  # nothing filed
    filed = await client.post(URL, data=form)
    assert filed.status == 201, await filed.text()
