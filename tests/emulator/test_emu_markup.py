"""reply_markup over real HTTP, read as telegram-bot-api reads it (Client.cpp get_reply_markup).

Only a parameter that is not JSON gets "can't parse reply keyboard markup JSON object"; a
valid object without a keyboard is no markup; each wrong shape gets the server's own text.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from emulator import BotApiEmulator
from tests.emulator.emu_helpers import ALI, TOKEN, build_app

BUTTON = "can't parse inline keyboard button: "
KEY = "can't parse keyboard button: "


async def send(emu: BotApiEmulator, markup: Any) -> tuple[int, dict[str, Any]]:
    """sendMessage form-encoded as PTB sends it; a str markup is sent verbatim."""
    raw = markup if isinstance(markup, str) else json.dumps(markup)
    form = {"chat_id": str(ALI), "text": "x", "reply_markup": raw}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.base_url}{TOKEN}/sendMessage", data=form) as response,
    ):
        return response.status, await response.json()


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("{inline_keyboard: [[", "can't parse reply keyboard markup JSON object"),
        ("not json", "can't parse reply keyboard markup JSON object"),
        ("[]", "object expected as reply markup"),
        ("null", "object expected as reply markup"),
        ('"text"', "object expected as reply markup"),
        ({"inline_keyboard": {}}, 'field "inline_keyboard" must be of type Array'),
        ({"inline_keyboard": "[]"}, 'field "inline_keyboard" must be of type Array'),
        ({"inline_keyboard": [{"text": "a", "callback_data": "b"}]},
         'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'),
        ({"inline_keyboard": [["a"]]}, BUTTON + "InlineKeyboardButton must be an Object"),
        ({"inline_keyboard": [[{"callback_data": "b"}]]}, BUTTON + 'Can\'t find field "text"'),
        ({"inline_keyboard": [[{"text": None, "callback_data": "b"}]]},
         BUTTON + 'Field "text" must be of type String'),
        ({"inline_keyboard": [[{"text": ["a"], "callback_data": "b"}]]},
         BUTTON + 'Field "text" must be of type String'),
        ({"inline_keyboard": [[{"text": "a"}]]},
         BUTTON + "Text buttons are unallowed in the inline keyboard"),
        ({"inline_keyboard": [[{"text": "a", "callback_data": ""}]]},
         BUTTON + "Text buttons are unallowed in the inline keyboard"),
        ({"inline_keyboard": [[{"text": "a", "callback_data": {"x": 1}}]]},
         BUTTON + 'Field "callback_data" must be of type String'),
        ({"inline_keyboard": [[{"text": "a", "url": True}]]},
         BUTTON + 'Field "url" must be of type String'),
        ({"inline_keyboard": [[{"text": "a", "web_app": "https://x.example"}]]},
         BUTTON + 'Field "web_app" must be of type Object'),
        ({"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "a", "url": "javascript:alert(1)"}]]},
         "BUTTON_URL_INVALID"),
        ({"inline_keyboard": [[{"text": str(i), "callback_data": str(i)} for i in range(101)]]},
         "reply markup is too long"),
        ({"keyboard": {}}, 'field "keyboard" must be of type Array'),
        ({"keyboard": ["a"]}, 'field "keyboard" must be an Array of Arrays'),
        ({"keyboard": [[1]]}, KEY + "KeyboardButton must be a String or an Object"),
        ({"keyboard": [[{"request_contact": True}]]}, KEY + 'Can\'t find field "text"'),
        ({"keyboard": [[{"text": "a", "request_contact": "yes"}]]},
         KEY + 'Field "request_contact" must be of type Boolean'),
        ({"keyboard": [["a"]], "resize_keyboard": 1},
         'field "resize_keyboard" must be of type Boolean'),
        ({"remove_keyboard": "true"}, 'field "remove_keyboard" must be of type Boolean'),
        ({"force_reply": 1}, 'field "force_reply" must be of type Boolean'),
        ({"selective": "no"}, 'field "selective" must be of type Boolean'),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)  # fmt: skip
async def test_each_wrong_shape_gets_the_servers_error(
    emu: BotApiEmulator, markup: Any, description: str
) -> None:
    status, body = await send(emu, markup)
    assert (status, body["description"]) == (400, f"Bad Request: {description}")
    assert emu.messages(ALI) == []


@pytest.mark.parametrize(
    "markup",
    [
        "",
        {},
        {"inline_keyboard": []},
        {"keyboard": []},
        {"inline_keyboard": [], "keyboard": []},
        {"remove_keyboard": False},
        {"force_reply": False},
        {"unknown_field": 1},
    ],
    ids=repr,
)
async def test_a_valid_object_without_a_keyboard_is_no_markup(
    emu: BotApiEmulator, markup: Any
) -> None:
    status, body = await send(emu, markup)
    assert status == 200, body
    assert "reply_markup" not in body["result"]
    assert emu.messages(ALI)[0].reply_markup is None
    # Not an error, but counted: tests can still hold the bot to "no empty reply_markup".
    assert emu.stats.empty_markups.total() == (0 if markup == "" else 1)


async def test_the_first_kind_of_button_wins_and_numbers_read_as_text(
    emu: BotApiEmulator,
) -> None:
    markup = {
        "inline_keyboard": [
            [{"text": 7, "url": "", "callback_data": "cb", "pay": True}],
            [{"text": "u", "url": "https://example.org", "callback_data": "ignored"}],
        ]
    }
    status, body = await send(emu, markup)
    assert status == 200, body
    assert body["result"]["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "7", "callback_data": "cb"}],
            [{"text": "u", "url": "https://example.org"}],
        ]
    }
    status, body = await send(emu, {"keyboard": [["a", {"text": "b", "request_contact": True}]]})
    assert status == 200, body
    assert emu.current_reply_keyboard(ALI) == [
        [{"text": "a"}, {"text": "b", "request_contact": True}]
    ]


async def test_edits_take_only_inline_keyboards(emu: BotApiEmulator) -> None:
    status, sent = await send(emu, {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]})
    assert status == 200
    form = {"chat_id": str(ALI), "message_id": str(sent["result"]["message_id"])}
    async with aiohttp.ClientSession() as session:
        url = f"{emu.base_url}{TOKEN}/editMessageReplyMarkup"
        async with session.post(
            url, data={**form, "reply_markup": json.dumps({"keyboard": [["a"]]})}
        ) as response:
            assert (await response.json())["description"] == "Bad Request: inline keyboard expected"
        # An empty object removes the keyboard, as leaving the parameter out does.
        async with session.post(url, data={**form, "reply_markup": "{}"}) as response:
            assert response.status == 200
    assert emu.messages(ALI)[0].buttons == []


async def test_ptb_empty_keyboards_are_sent_as_no_markup(emu: BotApiEmulator) -> None:
    """What issue 11 hit: PTB's empty InlineKeyboardMarkup crashed /digest in the demo."""
    app = build_app(emu)
    async with app:
        await app.bot.send_message(ALI, "digest part", reply_markup=InlineKeyboardMarkup([]))
        await app.bot.send_message(ALI, "again", reply_markup=ReplyKeyboardMarkup([]))
    assert [m.reply_markup for m in emu.messages(ALI)] == [None, None]
    assert sum(emu.stats.empty_markups.values()) == 2
