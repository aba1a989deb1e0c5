"""A browser portal calling the API: its CORS preflight (OPTIONS) and the grant on the
answers. Seen: a province's web portal posted a report from the page's script; the
browser's preflight got 405 ("method not allowed", in the API's error format), so the
browser never sent the report and the portal's developer read it as the API refusing
POST."""

from __future__ import annotations

import dataclasses

from bot.api.server import ApiContext
from bot.settings import Settings
from tests.api.kit import Client, client_for

URL = "/open311/v2/requests.json"
PORTAL = "https://portal.example.ir"
PREFLIGHT = {
    "Origin": PORTAL,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


async def test_a_configured_portals_preflight_is_granted_and_so_are_the_answers(
    context: ApiContext,
) -> None:
    client = await client_for(dataclasses.replace(context, cors_origins=frozenset({PORTAL})))
    try:
        response = await client.options(URL, headers=PREFLIGHT)
        assert response.status == 204, await response.text()
        assert response.headers["Access-Control-Allow-Origin"] == PORTAL
        assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST"
        assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
        read = await client.get("/open311/v2/services.json", headers={"Origin": PORTAL})
        assert read.status == 200
        assert read.headers["Access-Control-Allow-Origin"] == PORTAL
        assert read.headers["Vary"] == "Origin"
        # A refusal is readable by the portal's script too (it says what was wrong).
        refused = await client.post(f"{URL}?lang=en", headers={"Origin": PORTAL})
        assert refused.status == 400
        assert refused.headers["Access-Control-Allow-Origin"] == PORTAL
    finally:
        await client.close()


async def test_another_origin_is_told_the_methods_and_granted_nothing(client: Client) -> None:
    response = await client.options(URL, headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert response.status == 204
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert "Access-Control-Allow-Origin" not in response.headers
    one = await client.options("/open311/v2/requests/1405-0001.json")
    assert one.headers["Allow"] == "GET, HEAD, OPTIONS"
    read = await client.get("/open311/v2/services.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in read.headers
    # An address that does not exist is still the API's 404.
    missing = await client.options("/open311/v2/nothing.json")
    assert missing.status == 404
    assert (await missing.json())[0]["code"] == 404


def test_the_origins_setting_reads_a_list() -> None:
    settings = Settings(api_cors_origins="https://a.example.ir/, https://b.example.ir")
    assert settings.api_cors_origins == frozenset({"https://a.example.ir", "https://b.example.ir"})
