"""Open311 over the real bot: an admin makes a key in the chat, a channel files through the
API, the agency's officer gets the report in the chat (with the channel), works it there,
and the public API shows each status change. Over HTTP on both sides."""

from __future__ import annotations

import re
import socket
from typing import Any

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.runtime import running_bot
from bot.services.units import UnitDraft
from bot.settings import Settings
from emulator import BotApiEmulator
from handlers.open311 import key_service
from storage.models import PermitStatus
from tests.e2e.expect import says
from tests.e2e.ports import free_port
from tests.e2e.workflow_kit import Cast, press_and_answer, press_data, services_of
from tests.people import Person

KEY_RE = re.compile(r"rq_[A-Za-z0-9_\-]+")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"api_port": free_port()})


VIA_CALL_CENTRE = get_translator("fa").t(
    "open311.via_channel", channel=Presenter("fa").name("111 call centre")
)


async def api(settings: Settings, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{settings.api_port}/open311/v2/{path}"
    async with aiohttp.ClientSession() as session, session.request(method, url, **kw) as response:
        return response.status, await response.json()


async def test_a_report_filed_through_the_api_is_worked_in_the_chat(
    app: Any, emulator: BotApiEmulator, cast: Cast, settings: Settings
) -> None:
    fa = get_translator("fa")
    made = await cast.admin.say("/apikeys new 111 call centre")
    assert "111 call centre" in made.text
    found = KEY_RE.search(made.text)
    assert found is not None
    secret = found.group(0)
    listed = await cast.admin.say("/apikeys")
    assert secret not in listed.text  # shown once
    assert secret[:8] in listed.text

    services = services_of(app)
    sector = services.directory.sector_by_code("carpet")
    county = services.directory.county_by_code("qom")
    assert sector is not None
    assert county is not None
    unit = await services.units.register(
        cast.owner.id,
        UnitDraft("فرش ممتاز قم", sector.id, county.id, PermitStatus.LICENSED, "09121234567"),
    )
    form = {
        "api_key": secret,
        "service_code": "raw_materials",
        "description": "تأمین مواد اولیه با قیمت سه برابر؛ تولید نیمه متوقف است.",
        "phone": "+98 912 123 4567",
        "attribute[unit]": str(unit.id),
        "token": "call-0001",
    }
    status, filed = await api(settings, "POST", "requests.json", data=form)
    assert status == 201, filed
    number = filed[0]["service_request_id"]
    assert number == "1405-0001"

    # The SMT officer (raw materials go to SMT) gets it in the chat, with its channel.
    notice = await cast.officer.next("۱۴۰۵-۰۰۰۱")
    assert VIA_CALL_CENTRE in notice.text
    # The same token again: the same report, and no second notice.
    status, again = await api(settings, "POST", "requests.json", data=form)
    assert (status, again[0]["service_request_id"]) == (200, number)

    status, shown = await api(settings, "GET", f"requests/{number}.json")
    assert status == 200
    assert shown[0]["status_notes"] == fa.t("status.referred")

    toast = await press_and_answer(emulator, cast.officer, notice, "پذیرش")
    assert toast == fa.t("workflow.done_acc")
    _, shown = await api(settings, "GET", f"requests/{number}.json")
    assert (shown[0]["status"], shown[0]["status_notes"]) == ("open", fa.t("status.in_progress"))

    await cast.officer.send("1405-0001")
    opened = await cast.officer.next("سابقه")
    # The history says where the report came from.
    assert VIA_CALL_CENTRE in opened.text
    await cast.officer.press(opened, "رفع شد")
    await cast.officer.say("سهمیهٔ نخ از طریق بورس کالا تخصیص یافت.")
    await cast.owner.next("رفع‌شده اعلام کرد")
    _, shown = await api(settings, "GET", f"requests/{number}.json?lang=en")
    assert shown[0]["status"] == "closed"
    assert shown[0]["status_notes"] == get_translator("en").t("status.resolved")
    # One notice for the report, though the channel posted it twice.
    new_report = "📥 گزارش مانع تولید تازه"  # the notice's head (agency.new_report)
    first_texts = [
        m.edits[0].text if m.edits else m.text for m in emulator.messages(cast.officer.id)
    ]
    assert sum(new_report in text for text in first_texts) == 1

    # Revoked in the chat, the key files nothing more.
    listed = await cast.admin.say("/apikeys")
    toast = await press_and_answer(emulator, cast.admin, listed, "ابطال کلید")
    assert toast == fa.t("apikeys.done")
    status, refused = await api(settings, "POST", "requests.json", data={**form, "token": "x"})
    assert status == 403
    assert refused[0]["code"] == 403


async def test_apikeys_odd_input_and_other_roles(
    app: Any, emulator: BotApiEmulator, cast: Cast
) -> None:
    fa = get_translator("fa")
    admin = cast.admin
    assert (await admin.say("/apikeys")).text.startswith(fa.t("apikeys.none")[:20])
    assert (await admin.say("/apikeys new")).text == plain(fa.t("apikeys.usage"))
    for odd in ("/apikeys new <b>x</b>", "/apikeys new " + "x" * 65, "/apikeys new x"):
        assert (await admin.say(odd)).text == fa.t("apikeys.error_channel")
    for odd in ("/apikeys new portal 0 5", "/apikeys new portal 5 999999999999"):
        assert (await admin.say(odd)).text == fa.t("apikeys.error_limits")
    made = await admin.say("/apikeys new portal ۳۰ ۵۰۰")  # Persian digits are limits too
    assert says(made.text, "apikeys.created", channel="portal", per_minute=30, per_day=500)
    keys = await key_service(services_of(app)).list()
    assert [(k.channel, k.per_minute, k.per_day) for k in keys] == [("portal", 30, 500)]
    # Forged buttons: a stale answer, never a crash; other people are refused.
    for data in ("ak:r:99999999999999", "ak:r:abc", "ak:x:1"):
        query = await emulator.press_raw(admin.id, admin.id, made.message_id, data)
        assert (await emulator.wait_for_answer(query)).text == fa.t("common.stale_button")
    for person in (cast.owner, cast.officer, cast.official):
        assert (await person.say("/apikeys new intruder")).text == fa.t("common.not_allowed")
        answer = await press_data(emulator, person, made, "ak:r:1")
        assert answer.text == fa.t("common.not_allowed")
    assert (await key_service(services_of(app)).list())[0].revoked_at is None


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


async def test_the_bot_goes_on_when_the_api_port_is_taken(
    settings: Settings, clock: ManualClock, emulator: BotApiEmulator, caplog: Any
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = settings.model_copy(update={"api_port": busy.getsockname()[1]})
        async with running_bot(taken, clock=clock, poll_timeout=1):
            owner = Person(emulator, emulator.add_user(1001, "رضا"))
            assert (await owner.say("/start")).text
    assert "the Open311 API cannot listen" in caplog.text
