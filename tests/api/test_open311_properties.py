"""Property-based API tests against the OpenAPI document (Hypothesis, our own strategies).

For any query, path or form the strategies make: the answer is a status the document lists
for that operation, its body matches the documented schema, nothing answers 5xx, and no
answer carries a private fact (owner name, phone, unit name, description).
"""

from __future__ import annotations

import asyncio
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.api.keys import NewKey
from bot.api.openapi import openapi_document
from bot.clock import ManualClock
from bot.container import Services, build_services
from bot.settings import Settings
from storage.dto import UnitDTO
from tests.api.kit import (
    PHONE,
    PRIVATE,
    Client,
    Recorder,
    api_context,
    client_for,
    seed_reports,
    seed_unit,
)
from tests.api.schema_check import problems, response_schema

DOCUMENT = openapi_document()
BASE = "/open311/v2"
EXAMPLES = 150
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    services: Services
    client: Client
    key: NewKey
    unit: UnitDTO

    def assert_documented(self, method: str, template: str, path: str, **kw: Any) -> None:
        """The answer is not a 5xx, is JSON, matches the documented schema for its status
        and shows no private fact."""
        self.loop.run_until_complete(self._assert_documented(method, template, path, **kw))

    async def _assert_documented(self, method: str, template: str, path: str, **kw: Any) -> None:
        response = await self.client.request(method, BASE + path, **kw)
        text = await response.text()
        assert response.status < 500, text
        assert response.content_type == "application/json", text
        schema = response_schema(DOCUMENT, template, method.lower(), response.status)
        assert schema is not None, f"{method} {path}: {response.status} is not documented"
        body = await response.json()
        assert problems(body, schema, DOCUMENT) == [], (path, body)
        for private in PRIVATE:
            assert private not in text


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    path: Path = tmp_path_factory.mktemp("open311") / "rounaq.sqlite3"

    async def build() -> World:
        services = await build_services(
            Settings(
                _env_file=None,
                database_url=f"sqlite+aiosqlite:///{path}",
                max_reports_per_day=10_000,
            ),
            clock=ManualClock(datetime(2026, 11, 28, 7, 0, tzinfo=UTC)),
        )
        context = api_context(services, Recorder())
        unit = await seed_unit(services)
        await seed_reports(services, unit, 6)
        key = await context.keys.create(
            "property tests", created_by=1, per_minute=100_000, per_day=100_000
        )
        return World(loop, services, await client_for(context), key, unit)

    built = loop.run_until_complete(build())
    try:
        yield built
    finally:
        loop.run_until_complete(built.client.close())
        loop.run_until_complete(built.services.close())
        loop.close()


# Values that mean something to the API, mixed with anything at all.
VALID = st.sampled_from(
    [
        "open",
        "closed",
        "open,closed",
        "1405-0001",
        "1405-0003,1405-9999",
        "2026-11-01",
        "2026-11-28T10:30:00+03:30",
        "2026-11-28T10:30:00",
        "1",
        "2",
        "0",
        "-1",
        "200",
        "201",
        "raw_materials",
        "en",
        "fa",
        "",
        ",",
    ]
)
ANY_TEXT = st.text(max_size=40)
VALUE = st.one_of(VALID, ANY_TEXT)
QUERY_NAMES = st.sampled_from(
    [
        "service_code",
        "status",
        "start_date",
        "end_date",
        "page",
        "page_size",
        "service_request_id",
        "lang",
        "junk",
    ]
)
HEADER_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-,;=.* ", max_size=30)
SEGMENT = st.one_of(VALID, st.text(min_size=1, max_size=30)).map(lambda s: quote(s, safe=""))


@PROPERTY_SETTINGS
@given(query=st.dictionaries(QUERY_NAMES, VALUE, max_size=5), accept=HEADER_TEXT)
def test_requests_json_for_any_query(world: World, query: dict[str, str], accept: str) -> None:
    world.assert_documented(
        "GET", "/requests.json", "/requests.json", params=query, headers={"Accept-Language": accept}
    )


@PROPERTY_SETTINGS
@given(segment=SEGMENT, lang=VALUE)
def test_paths_with_any_segment(world: World, segment: str, lang: str) -> None:
    params = {"lang": lang}
    world.assert_documented(
        "GET", "/requests/{service_request_id}.json", f"/requests/{segment}.json", params=params
    )
    world.assert_documented(
        "GET", "/services/{service_code}.json", f"/services/{segment}.json", params=params
    )
    world.assert_documented("GET", "/tokens/{token}.json", f"/tokens/{segment}.json", params=params)


def test_fixed_documents_match(world: World) -> None:
    for path in ("/discovery.json", "/services.json", "/openapi.json"):
        world.assert_documented("GET", path, path)
        world.assert_documented("GET", path, path, params={"lang": "en"})


@PROPERTY_SETTINGS
@given(data=st.data())
def test_post_for_any_form(world: World, data: st.DataObject) -> None:
    good = {
        "api_key": world.key.secret,
        "service_code": "raw_materials",
        "description": "The electricity is cut every afternoon since last month",
        "phone": PHONE,
        "attribute[unit]": str(world.unit.id),
        "attribute[amount]": "250000000",
        "attribute[sector]": world.services.directory.sector(world.unit.sector_id).code,
        "token": "t-1",
    }
    form: dict[str, str] = {}
    for name, value in good.items():
        choice = data.draw(st.sampled_from(["good", "other", "absent"]), label=name)
        if choice == "good":
            form[name] = value
        elif choice == "other":
            form[name] = data.draw(VALUE, label=f"{name} value")
    world.assert_documented("POST", "/requests.json", "/requests.json", data=form)
