"""The emulator kept in a file (the demo's): a restart continues update ids and chats.

Issue 11 item 15: a restarted emulator numbered its updates from 100000001 again, and the
bot skipped every new message as handled before. Item 16: the demo page lost its chats, showed
old alerts again on every reload, had no icon and no way to be a brand-new person.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import aiohttp

from emulator import BotApiEmulator
from emulator.core import NEW_PERSON_FIRST_ID
from emulator.state import FIRST_UPDATE_ID
from tests.emulator.emu_helpers import ALI, TOKEN, tiny_png


async def bot_call(
    emu: BotApiEmulator, method: str, photo: bytes | None = None, **params: Any
) -> dict[str, Any]:
    form = aiohttp.FormData()
    for key, value in params.items():
        form.add_field(key, value if isinstance(value, str) else json.dumps(value))
    if photo is not None:
        form.add_field("photo", photo, filename="chart.png", content_type="image/png")
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.base_url}{TOKEN}/{method}", data=form) as response,
    ):
        body: dict[str, Any] = await response.json()
        assert body["ok"], body
        return body


async def page_get(emu: BotApiEmulator, path: str) -> Any:
    async with aiohttp.ClientSession() as session, session.get(f"{emu.url}{path}") as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def page_post(emu: BotApiEmulator, path: str, body: dict[str, Any]) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.url}{path}", json=body) as response,
    ):
        assert response.status == 200, await response.text()
        return await response.json()


def summary(emu: BotApiEmulator) -> list[tuple[int, str, bool]]:
    return [(m.message_id, m.text, m.from_bot) for m in emu.messages(ALI, include_user=True)]


def emulator(path: Path) -> BotApiEmulator:
    emu = BotApiEmulator(TOKEN, rate_limits=None, state_path=path)
    emu.add_user(ALI, "علی", persona="Owner")
    return emu


async def test_a_restarted_emulator_continues_its_update_ids_and_keeps_its_chats(
    tmp_path: Path,
) -> None:
    path = tmp_path / "emu.json"
    async with emulator(path) as first:
        assert not first.restored
        await first.send_text(ALI, "سلام")
        await bot_call(first, "getUpdates")  # seen, not confirmed
        sent = await bot_call(
            first, "sendPhoto", tiny_png(), chat_id=ALI, caption="<b>نمودار</b>", parse_mode="HTML",
            reply_markup={"inline_keyboard": [[{"text": "باز", "callback_data": "open"}]]},
        )  # fmt: skip
        photo_id = sent["result"]["photo"][-1]["file_id"]
        await first.send_text(ALI, "دوم", reply_to=sent["result"]["message_id"])
        issued = first.update_ids()
        before = summary(first)
        seq = first.cursor(ALI)
    assert issued == [FIRST_UPDATE_ID, FIRST_UPDATE_ID + 1]

    async with emulator(path) as second:
        assert second.restored
        assert summary(second) == before
        assert second.cursor(ALI) == seq
        # Both updates were never confirmed: still pending, then new ones go on from there.
        assert [u["update_id"] for u in second.pending_updates()] == issued
        await second.send_text(ALI, "بعد از راه‌اندازی دوباره")
        assert second.pending_updates()[-1]["update_id"] == max(issued) + 1
        # The picture is still there for the page, and the reply still points at it.
        assert second.file_bytes(photo_id) == tiny_png()
        photo = second.messages(ALI)[0]
        assert photo.buttons == [[("باز", "open")]]
        assert second.messages(ALI, include_user=True)[2].reply_to is photo
        # Message ids go on too (the user wrote one more after the restart).
        sent = await bot_call(second, "sendMessage", chat_id=ALI, text="ادامه")
        assert sent["result"]["message_id"] == max(m for m, _, _ in before) + 2
        view = await page_get(second, f"/_emu/messages?chat_id={ALI}&since=0")
        assert [m["text"] for m in view["messages"]][:3] == [text for _, text, _ in before]


async def test_the_page_sees_each_button_answer_once_even_after_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "emu.json"
    async with emulator(path) as emu:
        sent = await bot_call(
            emu, "sendMessage", chat_id=ALI, text="x",
            reply_markup={"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]},
        )  # fmt: skip
        query = await emu.press(ALI, sent["result"]["message_id"], "d")
        await bot_call(emu, "answerCallbackQuery", callback_query_id=query.id,
                       text="منقضی شده", show_alert=True)  # fmt: skip
        first = await page_get(emu, f"/_emu/messages?chat_id={ALI}&answers=unshown")
        assert first["answers"] == [{"text": "منقضی شده", "show_alert": True}]
        again = await page_get(emu, f"/_emu/messages?chat_id={ALI}&answers=unshown")
        assert again["answers"] == []
        # The test side's own cursor still sees every answer.
        old_style = await page_get(emu, f"/_emu/messages?chat_id={ALI}&answers_since=0")
        assert len(old_style["answers"]) == old_style["answers_total"] == 1
    async with emulator(path) as emu:
        restarted = await page_get(emu, f"/_emu/messages?chat_id={ALI}&answers=unshown")
        assert restarted["answers"] == []
        assert restarted["answers_total"] == 1


async def test_a_new_person_has_a_fresh_id_each_time_and_has_never_started_the_bot(
    tmp_path: Path,
) -> None:
    path = tmp_path / "emu.json"
    async with emulator(path) as emu:
        one = await page_post(emu, "/_emu/new_person", {})
        two = await page_post(emu, "/_emu/new_person", {})
        assert [one["user_id"], two["user_id"]] == [NEW_PERSON_FIRST_ID, NEW_PERSON_FIRST_ID + 1]
        assert one["name"] != two["name"]
        personas = await page_get(emu, "/_emu/personas")
        assert {p["user_id"] for p in personas} >= {ALI, one["user_id"], two["user_id"]}
        # Never written to the bot: Telegram refuses the bot's message until they do.
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{emu.base_url}{TOKEN}/sendMessage", data={"chat_id": one["user_id"], "text": "x"}
            ) as response,
        ):
            assert response.status == 403
        await page_post(emu, "/_emu/send_text", {"user_id": one["user_id"], "text": "/start"})
        assert emu.pending_updates()[-1]["message"]["from"]["id"] == one["user_id"]
    async with emulator(path) as emu:
        three = await page_post(emu, "/_emu/new_person", {})
        assert three["user_id"] == NEW_PERSON_FIRST_ID + 2  # never one handed out before


async def test_the_page_has_an_icon(emu: BotApiEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.url}/favicon.ico") as response:
            assert response.status == 200
            assert response.content_type == "image/x-icon"
            icon = await response.read()
        async with session.get(f"{emu.url}/") as response:
            assert '<link rel="icon" href="/favicon.ico"' in await response.text()
    reserved, kind, count = struct.unpack("<HHH", icon[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    assert icon[22:30] == b"\x89PNG\r\n\x1a\n"


async def test_an_unreadable_state_file_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "emu.json"
    path.write_text("{not json", "utf-8")
    emu = emulator(path)
    assert not emu.restored
    assert emu.messages(ALI) == []


async def test_a_half_readable_state_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "emu.json"
    async with emulator(path) as emu:
        await emu.send_text(ALI, "سلام")
    document = json.loads(path.read_text("utf-8"))
    document["chats"][0]["events"].append(["new", 999])  # an event for a lost message
    path.write_text(json.dumps(document), "utf-8")
    emu = emulator(path)
    assert not emu.restored
    assert (emu.messages(ALI, include_user=True), emu.state.next_update_id) == ([], FIRST_UPDATE_ID)
