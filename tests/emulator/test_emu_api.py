"""The Bot API over real HTTP: envelopes, validation, limits, faults and getUpdates."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from emulator import BotApiEmulator, RateLimits
from tests.emulator.emu_helpers import ALI, TOKEN

Call = Any


async def call(emu: BotApiEmulator, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """POST like PTB does: form-encoded, complex values as JSON strings."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.base_url}{TOKEN}/{method}", data=form) as response,
    ):
        return response.status, await response.json()


async def test_envelopes_and_errors(emu: BotApiEmulator) -> None:
    status, body = await call(emu, "GETME")
    assert status == 200
    assert body["result"]["username"] == "rounaq_bot"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.base_url}9:nope/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False, "error_code": 401, "description": "Unauthorized",
            }  # fmt: skip
        async with session.post(
            f"{emu.base_url}{TOKEN}/sendMessage", json={"chat_id": ALI, "text": "json body"}
        ) as response:
            assert (await response.json())["result"]["text"] == "json body"
    assert (await call(emu, "noSuchMethod"))[1]["description"] == "Not Found: method not found"


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "a <foo>", "parse_mode": "HTML"},
         'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 2'),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "<b> </b>", "parse_mode": "HTML"}, "Bad Request: message text is empty"),
        ({"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "b",
                                                               "callback_data": "é" * 33}]]}},
         "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "b"}]]}},
         "Bad Request: can't parse inline keyboard button: "
         "Text buttons are unallowed in the inline keyboard"),
        ({"chat_id": 555, "text": "x"}, "Bad Request: chat not found"),
    ],
)  # fmt: skip
async def test_send_validation(
    emu: BotApiEmulator, params: dict[str, Any], description: str
) -> None:
    status, body = await call(emu, "sendMessage", **{"chat_id": ALI, **params})
    assert (status, body["description"]) == (400, description)
    assert emu.messages(ALI) == []


async def test_text_limit_is_after_entity_parsing(emu: BotApiEmulator) -> None:
    status, _ = await call(emu, "sendMessage", chat_id=ALI, text="<b>" + "x" * 4096 + "</b>",
                           parse_mode="HTML")  # fmt: skip
    assert status == 200


async def test_blocked_and_deleted_chats(emu: BotApiEmulator) -> None:
    emu.block(ALI)
    assert (await call(emu, "sendMessage", chat_id=ALI, text="x"))[1]["description"] == (
        "Forbidden: bot was blocked by the user"
    )
    emu.delete_chat(ALI, deactivated=True)
    assert (await call(emu, "sendMessage", chat_id=ALI, text="x"))[0] == 403
    emu.add_user(2000, "New", started=False)
    status, body = await call(emu, "sendMessage", chat_id=2000, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_edit_rules(emu: BotApiEmulator) -> None:
    markup = {"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]}
    _, sent = await call(emu, "sendMessage", chat_id=ALI, text="hi", reply_markup=markup)
    message_id = sent["result"]["message_id"]
    _, same = await call(emu, "editMessageText", chat_id=ALI, message_id=message_id, text="hi",
                         reply_markup=markup)  # fmt: skip
    assert same["description"].startswith("Bad Request: message is not modified: specified new")
    _, missing = await call(emu, "editMessageText", chat_id=ALI, message_id=99, text="x")
    assert missing["description"] == "Bad Request: message to edit not found"
    status, _ = await call(emu, "editMessageText", chat_id=ALI, message_id=message_id, text="hi")
    assert status == 200  # dropping the keyboard is a modification
    message = emu.messages(ALI)[0]
    assert (message.text, message.buttons, len(message.edits)) == ("hi", [], 1)
    assert (await call(emu, "deleteMessage", chat_id=ALI, message_id=message_id))[0] == 200
    assert emu.messages(ALI)[0].deleted


async def test_private_burst_gives_429_with_retry_after(emu: BotApiEmulator) -> None:
    results = [await call(emu, "sendMessage", chat_id=ALI, text=str(i)) for i in range(6)]
    assert [status for status, _ in results] == [200] * 5 + [429]
    body = results[-1][1]
    assert body["parameters"]["retry_after"] >= 1
    assert (
        body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
    )
    assert emu.stats.too_many_requests["sendMessage"] == 1
    assert (await call(emu, "getMe"))[0] == 200  # not message-sending: never limited


async def test_limits_with_fake_clock() -> None:
    now = [1000.0]
    limits = RateLimits(per_bot_per_second=3, group_per_minute=2)
    emu = BotApiEmulator(TOKEN, clock=lambda: now[0], rate_limits=limits)
    for user_id in (1, 2, 3, 4):
        emu.add_user(user_id, f"u{user_id}")
    emu.add_group(-1005, "G", [1])
    async with emu:
        assert [(await call(emu, "sendMessage", chat_id=u, text="x"))[0] for u in (1, 2, 3, 4)] == [
            200, 200, 200, 429,
        ]  # fmt: skip
        now[0] += 1.0
        assert (await call(emu, "sendMessage", chat_id=4, text="x"))[0] == 200
        codes = [(await call(emu, "sendMessage", chat_id=-1005, text="x"))[0] for _ in range(3)]
        assert codes == [200, 200, 429]
        _, body = await call(emu, "sendMessage", chat_id=-1005, text="x")
        assert body["parameters"]["retry_after"] == 60
        now[0] += 60
        assert (await call(emu, "sendMessage", chat_id=-1005, text="x"))[0] == 200


async def test_rate_limits_can_be_disabled() -> None:
    async with BotApiEmulator(TOKEN, rate_limits=None) as emu:
        emu.add_user(1, "u")
        codes = {(await call(emu, "sendMessage", chat_id=1, text="x"))[0] for _ in range(40)}
        assert codes == {200}


async def test_faults(emu: BotApiEmulator) -> None:
    emu.fail_method("sendMessage", 429, times=2, retry_after=3)
    emu.fail_method("getMe", 502, times=1)
    _, body = await call(emu, "sendMessage", chat_id=ALI, text="x")
    assert body == {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }  # fmt: skip
    assert (await call(emu, "sendMessage", chat_id=ALI, text="x"))[0] == 429
    assert (await call(emu, "sendMessage", chat_id=ALI, text="x"))[0] == 200
    assert (await call(emu, "getMe"))[1]["description"] == "Bad Gateway"
    assert (emu.stats.total_429, emu.stats.total_errors) == (2, 3)


async def test_delay_still_delivers(emu: BotApiEmulator) -> None:
    emu.delay_method("sendMessage", 0.3, times=1)
    timeout = aiohttp.ClientTimeout(total=0.05)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(TimeoutError):
            await session.post(
                f"{emu.base_url}{TOKEN}/sendMessage", data={"chat_id": ALI, "text": "late"}
            )
    message = await emu.wait_for_message(ALI, after=0)
    assert message.text == "late"


async def test_get_updates_offset_limit_and_long_poll(emu: BotApiEmulator) -> None:
    for text in ("a", "b", "c"):
        await emu.send_text(ALI, text)
    _, body = await call(emu, "getUpdates", limit=2)
    first, second = body["result"]
    assert [u["message"]["text"] for u in body["result"]] == ["a", "b"]
    assert second["update_id"] == first["update_id"] + 1
    _, body = await call(emu, "getUpdates", offset=second["update_id"])
    assert [u["message"]["text"] for u in body["result"]] == ["b", "c"]
    last = body["result"][-1]["update_id"]
    _, body = await call(emu, "getUpdates", offset=last + 1, timeout=0)
    assert body["result"] == []
    assert emu.pending_updates() == []  # confirmed updates are gone for good

    poll = asyncio.create_task(call(emu, "getUpdates", offset=last + 1, timeout=10))
    await emu.wait_until(lambda: emu.stats.calls["getUpdates"] == 4)
    assert not poll.done()
    sent = await emu.send_text(ALI, "/start ref_42")
    _, body = await asyncio.wait_for(poll, 2)
    message = body["result"][0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert (message["message_id"], message["from"]["id"], message["chat"]["type"]) == (
        sent.message_id, ALI, "private",
    )  # fmt: skip


async def test_allowed_updates_and_webhook_conflict(emu: BotApiEmulator) -> None:
    await call(emu, "getUpdates", allowed_updates=["callback_query"])
    await emu.send_text(ALI, "dropped")
    assert emu.pending_updates() == []
    await call(emu, "setWebhook", url="https://example.org/hook")
    status, body = await call(emu, "getUpdates")
    assert status == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method while webhook")
    await call(emu, "deleteWebhook")
    assert (await call(emu, "getUpdates"))[0] == 200


async def test_commands_and_callback_expiry(emu: BotApiEmulator) -> None:
    commands = [{"command": "start", "description": "شروع"}]
    await call(emu, "setMyCommands", commands=commands, language_code="fa")
    assert emu.commands[("default", "fa")] == commands
    assert (await call(emu, "getMyCommands", language_code="fa"))[1]["result"] == commands
    assert (await call(emu, "setMyCommands", commands=[{"command": "Bad!", "description": "x"}]))[
        0
    ] == 400
    query = await emu.press_raw(ALI, ALI, 1, "forged")
    assert (await call(emu, "answerCallbackQuery", callback_query_id=query.id, text="ok"))[0] == 200
    _, body = await call(emu, "answerCallbackQuery", callback_query_id=query.id)
    assert body["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert [a.text for a in emu.callback_answers(ALI)] == ["ok"]


async def test_demo_page_and_endpoints(emu: BotApiEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(emu.url + "/") as response:
            page = await response.text()
            assert 'data-testid="message-list"' in page
        async with session.get(emu.url + "/_emu/personas") as response:
            personas = await response.json()
            assert [p["persona"] for p in personas] == ["Owner", "Officer"]
        async with session.post(emu.url + "/_emu/send_text", json={"user_id": ALI, "text": "hi"}):
            pass
        keyboard = {"keyboard": [[{"text": "share", "request_contact": True}]]}
        await call(emu, "sendMessage", chat_id=ALI, text="<b>yo</b>", parse_mode="HTML",
                   reply_markup=keyboard)  # fmt: skip
        async with session.get(emu.url + f"/_emu/messages?chat_id={ALI}&since=0") as response:
            data = await response.json()
        assert [m["text"] for m in data["messages"]] == ["hi", "yo"]
        assert data["reply_keyboard"] == [[{"text": "share", "request_contact": True}]]
        async with session.post(
            emu.url + "/_emu/press_reply", json={"user_id": ALI, "text": "share"}
        ) as r:
            assert (await r.json())["contact"]["user_id"] == ALI


async def test_a_malformed_test_side_call_is_a_400(emu: BotApiEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        # "callback_data" instead of "data", and a message that does not exist.
        bad = {"user_id": ALI, "chat_id": ALI, "message_id": 99, "callback_data": "x"}
        async with session.post(emu.url + "/_emu/press", json=bad) as response:
            assert response.status == 400
            assert "data" in (await response.json())["error"]
