"""A stranger's pass over the API with only the README and the GeoReport v2 spec: what a
client library, curl and a retrying call centre do. Each was seen answering wrong."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.api.server import ApiContext
from bot.clock import ManualClock
from bot.container import Services
from bot.i18n import get_translator
from storage.models import Report
from tests.api.kit import Client, Recorder, seed_reports, seed_unit
from tests.api.test_open311_post import post, request_form

BASE = "/open311/v2"
URL = f"{BASE}/requests.json"
EN = get_translator("en")


async def report_count(services: Services) -> int:
    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


async def test_a_405_names_the_methods_the_address_takes(client: Client) -> None:
    """Seen: PUT and DELETE answered 405 in the spec's error format but with no Allow
    header, which HTTP requires on a 405; a client library retrying with "the allowed
    method" had nothing to read."""
    for method, path, allowed in (
        ("DELETE", URL, {"GET", "HEAD", "POST"}),
        ("PUT", URL, {"GET", "HEAD", "POST"}),
        ("POST", f"{BASE}/services.json", {"GET", "HEAD"}),
        ("POST", "/", {"GET", "HEAD"}),
    ):
        response = await client.request(method, path)
        assert response.status == 405, (method, path)
        assert (await response.json())[0]["code"] == 405
        named = {m.strip() for m in response.headers.get("Allow", "").split(",")}
        assert named == allowed, (method, path, response.headers.get("Allow"))


async def test_a_request_id_asked_twice_is_answered_once(
    client: Client, services: Services
) -> None:
    """Seen: service_request_id=1405-0001,1405-1 (the same report in two spellings, as a
    client joining two lists sends it) listed the report twice; a list of requests has
    each request once."""
    unit = await seed_unit(services)
    await seed_reports(services, unit, 2)
    asked = "1405-0001,1405-1,۱۴۰۵-۰۰۰۱,1405-0002,1405-0001"
    body = await (await client.get(URL, params={"service_request_id": asked})).json()
    assert [r["service_request_id"] for r in body] == ["1405-0001", "1405-0002"]


async def test_a_post_without_a_token_retried_after_a_timeout_files_once(
    client: Client, context: ApiContext, services: Services, recorder: Recorder, clock: ManualClock
) -> None:
    """Seen: the call centre's client posted without a token (GeoReport v2 has none to
    send), timed out waiting, and posted again: two reports of one obstacle in the
    agency's inbox, and two of the owner's ten a day used. The same channel's same unit,
    category and words within a day are the same filing: the first report again (200,
    its token), and no second notice. Other words, another unit's phone, or the next day
    file anew."""
    unit = await seed_unit(services)
    new = await context.keys.create("111 call centre", created_by=4001, per_minute=100, per_day=100)
    form = request_form(services, new.secret, unit, "The gas pressure dropped for the third week")
    _, first = await post(client, form, 201)
    _, again = await post(client, form, 200)
    assert again == first
    assert [f.submission.duplicate for f in recorder.filed] == [False, True]
    assert await report_count(services) == 1
    # The same words with a wrong phone are refused, not answered with the report.
    await post(client, {**form, "phone": "+989120000000"}, 400)
    # Twice at once (a client retrying while the first is still in flight): one report.
    twins = {**form, "description": "Customs has held our raw material for a month"}
    answers = await asyncio.gather(*(client.post(URL, data=twins) for _ in range(3)))
    assert sorted(a.status for a in answers) == [200, 200, 201]
    assert await report_count(services) == 2
    # Other words are another obstacle; a token given is the client's word that it is new.
    await post(client, {**form, "description": "The power is cut every afternoon now"}, 201)
    await post(client, {**form, "token": "call-2"}, 201)
    assert await report_count(services) == 4
    clock.advance(timedelta(days=1, seconds=1))
    _, later = await post(client, form, 201)
    assert later[0]["service_request_id"] != first[0]["service_request_id"]


async def test_lat_and_long_out_of_range_are_told_and_a_pasted_key_is_trimmed(
    client: Client, context: ApiContext, services: Services
) -> None:
    """Seen: a portal sent lat=999&long=abc (a map widget not yet loaded) and got 201, so
    its developer believed the point was on the map. The spec's lat/long, when sent, are
    WGS-84 degrees and come together; the place is the unit's county and they are not
    stored, which the refusal says. And an api_key pasted with its trailing newline (from
    the e-mail it came in) was "unknown or revoked"; a service_code with a space, "no
    such category"."""
    unit = await seed_unit(services)
    new = await context.keys.create("web portal", created_by=4001, per_minute=100, per_day=100)
    form = request_form(services, new.secret, unit, "The gas pressure dropped for the third week")
    told = [{"code": 400, "description": EN.t("open311.error_location")}]
    for lat, long in (("999", "50.88"), ("34.64", "abc"), ("34.64", None), ("nan", "50.88")):
        where = {"lat": lat} | ({"long": long} if long is not None else {})
        response = await client.post(f"{URL}?lang=en", data={**form, **where})
        assert response.status == 400, (lat, long)
        assert await response.json() == told
    assert await report_count(services) == 0
    await post(client, {**form, "lat": "34.6401", "long": "۵۰٫۸۷۶۴", "token": "a"}, 201)
    pasted = {**form, "api_key": f" {new.secret}\r\n", "service_code": f"{form['service_code']} "}
    await post(client, {**pasted, "token": "b"}, 201)


async def test_swapped_dates_are_told_not_answered_with_nothing(
    client: Client, services: Services
) -> None:
    """Seen: start_date=2026-12-04&end_date=2026-12-01 (the bounds swapped in a client's
    date picker) answered [], read as "no reports this week"."""
    unit = await seed_unit(services)
    await seed_reports(services, unit, 1)
    swapped = await client.get(
        URL, params={"start_date": "2026-12-04", "end_date": "2026-12-01", "lang": "en"}
    )
    assert swapped.status == 400
    assert await swapped.json() == [{"code": 400, "description": EN.t("open311.error_date_order")}]
    same_day = await client.get(URL, params={"start_date": "2000-01-01", "end_date": "2000-01-01"})
    assert (same_day.status, await same_day.json()) == (200, [])
