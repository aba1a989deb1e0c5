"""What a Persian reader sees over real HTTP (issue 11 items 6-8, issue 13's i18n leaks).

A report card, its confirmation, /myreports and /status: tracking numbers wrapped in
isolates (one order wherever they stand), no "·" or "." beside a Persian digit, no Latin
outside an isolate; a number copied from the screen, marks and all, is found again; the
bilingual language prompt keeps each line's direction; English screens hold no Persian.
"""

from __future__ import annotations

from bot.clock import ManualClock
from bot.context import RounaqApp
from bot.formatting import LRI, PDI, Presenter
from bot.views.common import tracking_number
from emulator import BotApiEmulator, SentMessage
from storage.dto import ReportDTO
from storage.models import Role
from tests.display_rules import check_en, check_fa, zero_lookalikes
from tests.e2e.digest_world import (
    FRIDAY,
    SATURDAY_0930,
    THURSDAY,
    days,
    meet_the_readers,
    move,
    run_digest,
    unit_for,
)
from tests.e2e.digest_world import file_report as file_dated_report
from tests.e2e.expect import EN, FA, says
from tests.e2e.report_steps import report_up_to_attachments, submit, summary_after
from tests.e2e.test_officials import make
from tests.e2e.test_report_flow import owner_registered
from tests.e2e.workflow_kit import Cast, file_report, services_of
from tests.people import Person

UNIT = "سوهان گز ممتاز"
DESCRIPTION = "پروانهٔ بهره‌برداری شش ماه است در انتظار است."


def source(message: SentMessage) -> str:
    return message.source_text or message.text


def without(text: str, *typed: str) -> str:
    """The bot's own words: what people typed is shown as they typed it."""
    for t in typed:
        text = text.replace(t, "")
    return text


async def test_confirmation_card_and_list_show_one_order_and_copy_back(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    await owner_registered(app, owner, people["officer"], unit=UNIT)
    ask_files = await report_up_to_attachments(owner, DESCRIPTION, category="مجوز")
    summary = await summary_after(owner, ask_files, amount=None)
    check_fa(without(source(summary), UNIT, DESCRIPTION))
    confirmation = await submit(owner, summary)

    report = (await services_of(app).reports.owner_page(owner.id, 1)).items[0]
    shown = tracking_number(Presenter("fa"), report)
    assert shown == LRI + "۱۴۰۵-۰۰۰۱" + PDI
    assert shown in confirmation.text
    check_fa(without(source(confirmation), UNIT, DESCRIPTION))

    listing = await owner.say("/myreports")
    assert shown in listing.text
    assert any(shown in label for label in listing.button_texts)
    check_fa(without(source(listing), UNIT, DESCRIPTION))
    for row in listing.buttons:
        for label, data in row:
            assert len(label) <= 64
            assert data is None or len(str(data).encode()) <= 64

    card = await owner.press(listing, "۱۴۰۵-۰۰۰۱")
    assert says(card.text, "history.title")
    assert shown in card.text
    check_fa(without(source(card), UNIT, DESCRIPTION))

    # The owner copies the number as the screen shows it, isolates included.
    again = await owner.say(shown)
    assert shown in again.text
    assert says(again.text, "history.title")


async def test_english_screens_have_no_persian(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    owner = cast.other_owner  # English
    report = await file_report(app, owner, "permits", description="Six months waiting.",
                               unit_name="Sam's Sohan")  # fmt: skip
    found = await owner.say("1405-0001")
    assert tracking_number(Presenter("en"), report) in found.text
    assert LRI not in found.text
    check_en(source(found))
    check_en(source(await owner.say("/help")))
    check_en(source(await owner.say("/myreports")))


async def test_status_routing_and_stats_have_no_dot_beside_a_digit(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast, report: ReportDTO
) -> None:
    official, admin = cast.official, cast.admin
    await make(app, admin, Role.ADMIN)
    linked = await admin.say(f"/link 1 {report.year}-{report.seq:04d}")
    assert tracking_number(Presenter("fa"), report) in linked.text
    check_fa(source(linked))

    status = await official.say("/status")
    pages = [status]
    while any(FA.t("common.next") in b for b in status.button_texts):
        status = await official.press(status, FA.t("common.next"))
        pages.append(status)
    for page in pages:
        check_fa(source(page))
    detail = await official.say("/status 1")
    assert tracking_number(Presenter("fa"), report) in detail.text
    check_fa(source(detail))

    routing = await admin.say("/routing")
    assert zero_lookalikes(source(routing)) == []
    check_fa(source(routing))
    stats = await official.say("/stats")
    check_fa(source(stats))

    # The officer's inbox and the secretariat's screens, built in the handlers.
    inbox = await cast.officer.say("/inbox")
    assert tracking_number(Presenter("fa"), report) in inbox.text
    check_fa(without(source(inbox), "فرش ممتاز قم"))
    for command in ("/agenda", "/decisions", "/laws"):
        check_fa(source(await cast.secretariat.say(command)))


async def test_help_greeting_and_the_bilingual_prompt(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    prompt = await owner.say("/start")
    english = EN.t("start.choose_language")
    # The English line keeps its full stop at its own end inside the RTL message.
    assert LRI + english + PDI in prompt.text
    await owner.press(prompt, FA.t("start.language_name"))
    greeting = await owner.next("خوش آمدید")
    assert f"{LRI}/register{PDI}" in greeting.text
    check_fa(source(greeting))
    help_text = await owner.say("/help")
    assert f"{LRI}/myreports{PDI}" in help_text.text
    check_fa(source(help_text))


async def test_every_digest_reads_right_in_its_language(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person], clock: ManualClock
) -> None:
    services = services_of(app)
    owner, reader = people["owner"], people["other_owner"]
    officer, official = people["officer"], people["official"]
    await meet_the_readers(services, people, english_role=Role.OFFICIAL)
    unit = await unit_for(services, owner.id, UNIT)
    await file_dated_report(services, clock, owner.id, unit, "permits", THURSDAY - days(30))
    fresh = await file_dated_report(services, clock, owner.id, unit, "raw_materials", THURSDAY)
    await file_dated_report(services, clock, owner.id, unit, "bank_finance", FRIDAY)
    await move(services, fresh, "in_progress", actor=officer.id, when=FRIDAY + days(0.1))
    clock.set(SATURDAY_0930)
    await owner.send("/subscribe")
    await owner.next("گزارش روزانه فعال شد")

    await run_digest(app)

    header_fa, header_en = "گزارش روزانهٔ رونق", "Rounaq daily digest"
    seen = 0
    for person in (owner, officer, official):
        for message in emulator.messages(person.id):
            if header_fa in message.text:
                seen += 1
                check_fa(without(source(message), UNIT))
                for label in message.button_texts:
                    check_fa(label)
    english = [m for m in emulator.messages(reader.id) if header_en in m.text]
    assert english
    for message in english:
        check_en(without(source(message), UNIT))
    assert seen == 3
