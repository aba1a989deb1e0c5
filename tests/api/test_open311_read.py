"""GeoReport v2 reads: names, filters, paging, languages, Tehran times and the error format."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.api.open311 import MAX_PAGE
from bot.clock import ManualClock
from bot.container import Services
from bot.i18n import get_translator
from bot.text import format_tracking_number
from storage.models import ReportStatus
from tests.api.kit import PRIVATE, Client, seed_reports, seed_unit

BASE = "/open311/v2"
PUBLIC_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
}
TEHRAN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:30$")


async def get_json(client: Client, path: str, status: int = 200, **kw: Any) -> Any:
    response = await client.get(path, **kw)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


def assert_error(body: Any, code: int) -> None:
    assert isinstance(body, list)
    assert body
    assert body[0]["code"] == code
    assert set(body[0]) == {"code", "description"}


async def test_discovery_names_the_json_endpoint(client: Client) -> None:
    body = await get_json(client, f"{BASE}/discovery.json")
    assert body["endpoints"][0]["formats"] == ["application/json"]
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")


async def test_services_in_the_asked_language(client: Client, services: Services) -> None:
    categories = services.directory.categories
    fa = await get_json(client, f"{BASE}/services.json")
    en = await get_json(client, f"{BASE}/services.json", headers={"Accept-Language": "en-US"})
    by_query = await get_json(client, f"{BASE}/services.json?lang=en")
    assert [s["service_code"] for s in fa] == [c.code for c in categories]
    assert [s["service_name"] for s in fa] == [c.name_fa for c in categories]
    assert [s["service_name"] for s in en] == [c.name_en for c in categories]
    assert by_query == en
    assert {s["type"] for s in fa} == {"realtime"}
    first_agency = services.directory.agency(categories[0].default_agency_id)
    assert en[0]["group"] == get_translator("en").t(f"open311.kind_{first_agency.kind}")


async def test_service_definition_asks_amount_only_for_financial(
    client: Client, services: Services
) -> None:
    for category in services.directory.categories:
        body = await get_json(client, f"{BASE}/services/{category.code}.json?lang=en")
        codes = [a["code"] for a in body["attributes"]]
        assert codes[:2] == ["unit", "sector"]
        assert ("amount" in codes) == category.financial
    assert_error(await get_json(client, f"{BASE}/services/nope.json", 404), 404)


async def test_requests_show_public_fields_only_with_tehran_times(
    client: Client, services: Services
) -> None:
    unit = await seed_unit(services)
    await seed_reports(services, unit, 3)
    body = await get_json(client, f"{BASE}/requests.json")
    assert len(body) == 3
    for item in body:
        assert set(item) == PUBLIC_FIELDS
        assert item["status"] == "open"
        assert TEHRAN.match(item["requested_datetime"])
        assert TEHRAN.match(item["expected_datetime"])
        assert item["address"] == services.directory.counties[0].name_fa
    text = str(body)
    for private in PRIVATE:
        assert private not in text
    one = await get_json(client, f"{BASE}/requests/{body[0]['service_request_id']}.json")
    assert one == [body[0]]


async def test_filters_and_paging(client: Client, services: Services, clock: ManualClock) -> None:
    unit = await seed_unit(services)
    await seed_reports(services, unit, 2)
    clock.advance(timedelta(days=3))
    await seed_reports(services, unit, 3)
    all_ = await get_json(client, f"{BASE}/requests.json")
    assert len(all_) == 5
    page_1 = await get_json(client, f"{BASE}/requests.json?page_size=2")
    page_3 = await get_json(client, f"{BASE}/requests.json?page_size=2&page=3")
    assert page_1 == all_[:2]
    assert page_3 == all_[4:]
    cutoff = (clock.now() - timedelta(days=1)).isoformat()
    recent = await get_json(client, f"{BASE}/requests.json", params={"start_date": cutoff})
    older = await get_json(client, f"{BASE}/requests.json", params={"end_date": cutoff})
    assert (len(recent), len(older)) == (3, 2)
    code = all_[0]["service_code"]
    same = await get_json(client, f"{BASE}/requests.json?service_code={code}")
    assert same
    assert {r["service_code"] for r in same} == {code}
    # Closing one report moves it from open to closed.
    report = await services.reports.get(1)
    assert report is not None
    async with services.database.transaction() as session:
        from sqlalchemy import update

        from storage.models import Report

        await session.execute(
            update(Report).where(Report.id == 1).values(status=ReportStatus.RESOLVED.value)
        )
    closed = await get_json(client, f"{BASE}/requests.json?status=closed")
    assert [r["service_request_id"] for r in closed] == [
        format_tracking_number(report.year, report.seq)
    ]
    assert closed[0]["expected_datetime"] is None
    assert len(await get_json(client, f"{BASE}/requests.json?status=open")) == 4
    assert len(await get_json(client, f"{BASE}/requests.json?status=open,closed")) == 5


async def test_bad_parameters_answer_in_the_spec_error_format(client: Client) -> None:
    for query in (
        "status=pending",
        "start_date=yesterday",
        "page=0",
        "page_size=1000",
        "page=abc",
        "page=10001",
    ):
        assert_error(await get_json(client, f"{BASE}/requests.json?{query}", 400), 400)
    # The words name the whole range, the upper bound too (it was "from 1." alone).
    for lang in ("en", "fa"):
        beyond = await get_json(client, f"{BASE}/requests.json?page=10001&lang={lang}", 400)
        assert beyond[0]["description"] == get_translator(lang).t("open311.error_page")
    assert f"to {MAX_PAGE:,}." in get_translator("en").t("open311.error_page")
    assert_error(await get_json(client, f"{BASE}/requests/1405-9999.json", 404), 404)
    assert_error(await get_json(client, f"{BASE}/requests/abc.json", 404), 404)
    assert_error(await get_json(client, f"{BASE}/tokens/none.json", 404), 404)
    assert_error(await get_json(client, f"{BASE}/nothing.json", 404), 404)
    response = await client.delete(f"{BASE}/requests.json")
    assert response.status == 405
    assert_error(await response.json(), 405)
