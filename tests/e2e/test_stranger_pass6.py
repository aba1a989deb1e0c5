"""Defects found on the sixth stranger's pass (newcomers, a language switched midway, old
buttons, English officials, the demo's own figures): each pinned by what the person saw.
Over HTTP, against the Bot API emulator."""

from __future__ import annotations

import re

import aiohttp
import pytest

from bot.context import RounaqApp
from bot.i18n import get_translator
from bot.settings import Settings
from bot.views.common import status_label
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.expect import FA_P, fa, labels
from tests.e2e.ports import free_port
from tests.e2e.workflow_kit import Cast, file_report, services_of
from tests.loan_files import HEADER, make_xlsx
from tests.people import Person

FA = get_translator("fa")
EN = get_translator("en")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The bot's API port open too: the dashboard is served there."""
    return settings.model_copy(update={"api_port": free_port()})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# One bank's list with a single paid facility.
ONE_ROW = [
    HEADER,
    ("1", "فرش ممتاز قم", "بانک ملی", "فرش", "قم", "2500000000000", "سرمایه در گردش",
     "پرداخت‌شده", "1398/05/12"),
]  # fmt: skip


async def test_one_file_one_project_are_not_counted_in_the_plural(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen by an official reading in English after a bank's first list was imported:
    "/digest" said "New since 1 Dec 2026: 1 files, 5 rows", "/loans" said "Paid: … to 1
    projects · realisation 28%" and "All stages: … in 1 files", and the admin who sent a
    one-row file read "File imported: 1 rows". A count of one is singular now."""
    admin, official = cast.admin, cast.official
    for person in (admin, official):
        await services_of(app).users.set_language(person.id, "en")
    await emulator.send_document(admin.id, make_xlsx(ONE_ROW), "melli-1398.xlsx", XLSX)
    done = await admin.next("File imported")
    assert "1 row," in done.text, done.text

    loans = await official.say("/loans 1398")
    assert "to 1 project ·" in loans.text, loans.text
    assert "in 1 file\n" in loans.text, loans.text

    digest = await official.say("/digest")
    assert ": 1 file, 1 row; " in digest.text, digest.text
    assert "to 1 project ·" in digest.text, digest.text
    for shown in (done.text, loans.text, digest.text):
        for wrong in ("1 rows", "1 files", "1 projects"):
            assert wrong not in shown, shown


async def test_the_greeting_in_a_group_offers_no_owners_flow(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner sent /start in the factory owners' group. The greeting there carried
    "ثبت مانع تولید", "ثبت واحد تولیدی" and "گزارش‌های من", though /report, /register and
    /myreports in a group answer "do this in your private chat". Pressed, they began the
    report's category picker and the unit's registration in the group (the owner's next
    words to the group became the unit's name) and posted the owner's reports for everyone
    to read. The greeting in a group has no such buttons; the commands still point to the
    private chat."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    group = emulator.add_group(-1001234500001, "گروه کارخانه‌داران", members=[owner.id, 1002])
    await emulator.send_text(owner.id, "/start", chat_id=group.id)
    greeting = await emulator.wait_for_message(group.id)
    assert FA.t("start.greeting", name="رضا", role=FA.t("roles.owner")).split("\n")[0] in (
        greeting.text
    )
    assert greeting.buttons == []
    await emulator.send_text(owner.id, "/myreports", chat_id=group.id)
    refused = await emulator.wait_for_message(group.id)
    assert refused.text == FA.t("common.private_only")


async def test_a_question_typed_after_a_colleague_resolved_says_what_happened(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: two SMT officers had report 1405-0001 open. Maryam pressed "❓ پرسش از صاحب
    واحد" and began typing; meanwhile Ali resolved it. Her question was answered "این کار
    در وضعیت کنونی گزارش ممکن نیست." with no word of what had happened, and her card
    still read "ارجاع‌شده" with every button. She is now told the report is resolved and
    her text was not sent, and her card is redrawn in the state it is in."""
    services = services_of(app)
    ali = Person(emulator, emulator.add_user(2003, "علی"))
    await services.users.touch(ali.id, first_name="علی", last_name=None, username=None)
    await services.users.set_language(ali.id, "fa")
    await services.users.grant(ali.id, Role.OFFICER, agency_id=cast.smt_id)
    maryam = cast.officer
    report = await file_report(app, cast.owner, "raw_materials")
    number = FA_P.tracking(report.year, report.seq)
    her_card = await maryam.say("1405-0001")
    his_card = await ali.say("1405-0001")
    prompt = await maryam.press(her_card, fa("workflow.btn_ask"))
    assert "/cancel" in prompt.text
    await ali.press(his_card, fa("workflow.btn_res"))
    await ali.say("سهمیهٔ مواد اولیه تخصیص یافت.")

    told = await maryam.say("لطفاً فاکتور خرید را بفرستید.")
    resolved = status_label(FA, "resolved", staff=True)
    assert told.text == fa("workflow.too_late", number=number, status=resolved), told.text
    await emulator.wait_until(lambda: resolved in her_card.text)
    assert fa("workflow.btn_ask") not in labels(her_card)
    # Nothing was sent to the owner after the resolution.
    assert not [m for m in emulator.messages(cast.owner.id) if "فاکتور" in m.text]


async def test_the_dashboards_program_numbers_have_no_dot_after_a_persian_digit(
    app: RounaqApp, emulator: BotApiEmulator, settings: Settings
) -> None:
    """Seen on the dashboard's screen, print and session pages in Persian: the key programs
    listed as "۱. تأمین مواد اولیه …", "۲. اجرای تکالیف …": the dot after a Persian digit
    reads as a zero ("۱۰", "۲۰"), which the chat's /status avoids with "۱)". The pages
    number them as the chat does."""
    for page in ("", "print", "session"):
        url = f"http://127.0.0.1:{settings.api_port}/{page}?lang=fa"
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 200
            html = await response.text()
        first = FA.t("programs.btn_pick", number=FA_P.plain_int(1), title="تأمین مواد اولیه")
        assert first in html, page
        assert not re.search("[۰-۹][.]", re.sub("<[^>]*>", " ", html)), page


async def test_the_dashboards_traffic_lights_are_named_in_persian(
    app: RounaqApp, emulator: BotApiEmulator, settings: Settings
) -> None:
    """Seen on the Persian dashboard: pointing at a program's coloured light showed
    "grey" (and a screen reader read it out), an English colour word in a Persian page.
    The light is named in the page's language, as the legend of /status names it."""
    for lang, name in (("fa", "هنوز بی‌گزارش"), ("en", "no update yet")):
        url = f"http://127.0.0.1:{settings.api_port}/?lang={lang}"
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            html = await response.text()
        assert 'title="grey"' not in html
        assert f'title="{name}"' in html, lang


async def test_a_note_too_long_says_how_long_it_was_and_how_to_drop_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an officer pasted a 2,500-character note and was told only "write between 2
    and 2,000 characters": not how long theirs was, nor that /cancel drops the note (the
    prompt still waits, so the next thing typed, a tracking number, became the note). The
    refusal now says both, and the note written next is kept."""
    await file_report(app, cast.owner, "raw_materials")
    card = await cast.officer.say("1405-0001")
    prompt = await cast.officer.press(card, fa("workflow.btn_note"))
    assert "/cancel" in prompt.text
    refused = await cast.officer.say("ب" * 2500)
    length = FA.plural("workflow.characters", 2500)
    assert refused.text == fa("workflow.error_note_length", length=length, min=2, max=2000)
    assert "/cancel" in refused.text
    assert FA_P.number(2500) in refused.text
    done = await cast.officer.say("انبار بازدید شد.")
    assert done.text.startswith(fa("workflow.done_note")), done.text


@pytest.mark.parametrize("shortcut", ["menu:report", "menu:register", "menu:myreports"])
async def test_an_old_greetings_shortcut_in_a_group_points_to_the_private_chat(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, shortcut: str
) -> None:
    """Greetings posted in groups before the fix above still carry the owner's shortcuts.
    Pressed there, they are answered as the commands typed there are (an alert: in your
    private chat), and no flow begins in the group: the owner's next words to the group
    are not taken as a step, and nothing of theirs is posted there."""
    owner = cast.owner
    await file_report(app, owner, "raw_materials")
    group = emulator.add_group(-1001234500002, "گروه کارخانه‌داران", members=[owner.id])
    await emulator.send_text(owner.id, "/start", chat_id=group.id)
    greeting = await emulator.wait_for_message(group.id)
    query = await emulator.press_raw(owner.id, group.id, greeting.message_id, shortcut)
    answer = await emulator.wait_for_answer(query)
    assert answer.show_alert
    assert answer.text == FA.t("common.private_only")
    cursor = emulator.cursor(group.id)
    await emulator.send_text(owner.id, "کارخانهٔ نمونه", chat_id=group.id)
    await emulator.send_text(owner.id, "/help", chat_id=group.id)
    # Only /help is answered: a flow begun in the group would have taken the name first.
    last = await emulator.wait_for_message(group.id, after=cursor)
    assert [m.message_id for m in emulator.messages(group.id)] == [
        greeting.message_id,
        last.message_id,
    ]
    # In the private chat the same shortcut still works.
    private = await owner.say("/start")
    query = await emulator.press_raw(owner.id, owner.id, private.message_id, shortcut)
    answer = await emulator.wait_for_answer(query)
    assert not answer.show_alert
