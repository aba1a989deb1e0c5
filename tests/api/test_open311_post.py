"""POST requests.json: a channel files through the report service; tokens, keys and limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.api.server import ApiContext
from bot.clock import ManualClock
from bot.container import Services
from storage.dto import UnitDTO
from storage.models import Report, ReportEvent
from storage.repositories.open311 import Open311Repository
from tests.api.kit import PHONE, PRIVATE, Client, Recorder, seed_unit

URL = "/open311/v2/requests.json"


def plain_category(services: Services) -> str:
    return next(c.code for c in services.directory.categories if not c.financial)


def request_form(
    services: Services, secret: str, unit: UnitDTO, description: str, **more: str
) -> dict[str, str]:
    """A POST for a category that asks no amount, the unit's owner by the registered phone."""
    return {
        "api_key": secret,
        "service_code": plain_category(services),
        "description": description,
        "phone": PHONE,
        "attribute[unit]": str(unit.id),
        **more,
    }


async def post(client: Client, form: dict[str, str], status: int) -> Any:
    response = await client.post(URL, data=form)
    assert response.status == status, await response.text()
    return response, await response.json()


async def test_a_channel_files_a_report_once_per_token(
    client: Client, context: ApiContext, services: Services, recorder: Recorder
) -> None:
    unit = await seed_unit(services)
    new = await context.keys.create("111 call centre", created_by=4001)
    form = {
        "api_key": new.secret,
        "service_code": plain_category(services),
        "description": "The gas pressure dropped for the third week",
        "phone": "09121234567",  # the registered +98 912... in another spelling
        "attribute[unit]": str(unit.id),
        "token": "call-42",
    }
    _, first = await post(client, form, 201)
    number = first[0]["service_request_id"]
    assert first[0]["token"] == "call-42"
    _, again = await post(client, form, 200)
    assert again[0]["service_request_id"] == number
    assert [f.submission.duplicate for f in recorder.filed] == [False, True]
    assert {f.channel for f in recorder.filed} == {"111 call centre"}
    async with services.database.session() as session:
        reports = (await session.scalars(select(Report))).all()
        assert [(r.channel, r.owner_id) for r in reports] == [("111 call centre", unit.owner_id)]
        events = (await session.scalars(select(ReportEvent))).all()
        assert {e.kind: e.channel for e in events}["submitted"] == "111 call centre"
    # Routed as a chat report would be: the same agency, deadline and status.
    agency = services.reports.routed_agency(reports[0].category_id, unit.sector_id, unit.county_id)
    shown = await (await client.get(f"/open311/v2/requests/{number}.json?lang=en")).json()
    assert shown[0]["agency_responsible"] == agency.name_en
    assert shown[0]["status"] == "open"
    tokens = await (await client.get("/open311/v2/tokens/call-42.json")).json()
    assert tokens == [{"service_request_id": number, "token": "call-42"}]
    for private in PRIVATE:
        assert private not in str(first) + str(shown)


async def test_keys_phone_and_attributes_are_checked(
    client: Client, context: ApiContext, services: Services
) -> None:
    unit = await seed_unit(services)
    new = await context.keys.create("portal", created_by=4001, per_minute=1000, per_day=1000)
    good = request_form(services, new.secret, unit, "Customs has held our raw material for a month")
    await post(client, {**good, "api_key": "rq_forged"}, 403)
    await post(client, {**good, "phone": "+989120000000"}, 400)
    await post(client, {**good, "attribute[unit]": "999999"}, 400)
    await post(client, {**good, "service_code": "nope"}, 400)
    await post(client, {**good, "description": "short"}, 400)
    await post(client, {**good, "attribute[sector]": "no-such-sector"}, 400)
    financial = next(c.code for c in services.directory.categories if c.financial)
    # The amount is asked for, not required: the chat offers "No amount" as well.
    await post(client, {**good, "service_code": financial}, 201)
    await post(client, {**good, "service_code": financial, "attribute[amount]": "0"}, 400)
    await post(client, {**good, "service_code": financial, "attribute[amount]": "5000000"}, 201)
    for field in ("api_key", "service_code", "description", "phone", "attribute[unit]"):
        await post(client, {k: v for k, v in good.items() if k != field}, 400)
    # A refused POST does not use up its token: fixed, the same token files.
    await post(client, {**good, "phone": "+989120000000", "token": "t1"}, 400)
    await post(client, {**good, "token": "t1"}, 201)
    assert await context.keys.revoke(new.key.id)
    await post(client, good, 403)


async def test_limits_per_key_answer_429_with_retry_after(
    client: Client, context: ApiContext, services: Services, clock: ManualClock
) -> None:
    unit = await seed_unit(services)
    new = await context.keys.create("estate office", created_by=4001, per_minute=100, per_day=2)
    form = request_form(services, new.secret, unit, "Electricity is cut every afternoon")
    for token in ("d1", "d2"):  # distinct filings (the same words untokened are one)
        await post(client, {**form, "token": token}, 201)
    response, body = await post(client, {**form, "token": "d3"}, 429)
    assert body[0]["code"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 86400
    # A new token is a new report, refused as well.
    await post(client, {**form, "token": "x"}, 429)
    clock.advance(timedelta(days=1, seconds=1))
    await post(client, {**form, "token": "d3"}, 201)

    burst = await context.keys.create("burst", created_by=4001, per_minute=2, per_day=100)
    bad = {**form, "api_key": burst.secret, "phone": "+989120000000"}
    await post(client, bad, 400)
    await post(client, bad, 400)
    response, _ = await post(client, bad, 429)
    assert 0 < int(response.headers["Retry-After"]) <= 60
    clock.advance(timedelta(seconds=61))
    await post(client, bad, 400)


async def test_a_key_is_stored_hashed(context: ApiContext, services: Services) -> None:
    new = await context.keys.create("hashing", created_by=4001)
    async with services.database.session() as session:
        keys = await Open311Repository(session).keys(services.directory.province_id)
    assert new.secret not in str(keys)
    assert keys[0].key_prefix == new.secret[:8]
    assert await context.keys.authenticate(new.secret) == new.key


async def test_the_same_token_at_the_same_moment_files_one_report(
    client: Client, context: ApiContext, services: Services
) -> None:
    unit = await seed_unit(services)
    new = await context.keys.create("twins", created_by=4001)
    form = request_form(
        services, new.secret, unit, "Two clerks pressed send on the same call", token="same"
    )
    answers = await asyncio.gather(*(client.post(URL, data=form) for _ in range(3)))
    assert sorted(a.status for a in answers) == [200, 200, 201]
    numbers = {(await a.json())[0]["service_request_id"] for a in answers}
    assert len(numbers) == 1
    async with services.database.session() as session:
        assert len((await session.scalars(select(Report))).all()) == 1
