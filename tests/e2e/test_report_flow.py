"""An owner registers a unit and reports an obstacle; the right agency gets it. Over real HTTP."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Report, ReportEvent, Role, Unit
from tests.e2e.expect import FA_P, fa, replied, saying, says
from tests.e2e.report_steps import report_by_chat, submit, summary_after
from tests.e2e.workflow_kit import services_of
from tests.people import Person


async def make_officer(app: RounaqApp, person: Person, agency_code: str) -> int:
    services = services_of(app)
    agency = services.directory.agency_by_code(agency_code)
    assert agency is not None
    await services.users.touch(
        person.id, first_name=person.user.first_name, last_name=None, username=person.user.username
    )
    await services.users.grant(person.id, Role.OFFICER, agency_id=agency.id)
    return agency.id


async def choose_persian(person: Person) -> None:
    choice = await person.say("/start")
    # Before a language is chosen the question is in both.
    assert says(choice.text, "start.choose_language")
    assert says(choice.text, "start.choose_language", lang="en")
    await person.press(choice, "فارسی")
    greeting = await person.next("خوش آمدید")
    assert says(greeting.text, "start.greeting", role=fa("roles.owner"))


async def register_unit(person: Person, name: str, sector: str = "فرش", county: str = "قم") -> None:
    await replied(person, "/register", "registration.ask_name")
    sectors = await person.say(name)
    counties = await person.press(sectors, sector)
    permits = await person.press(counties, county)
    contact_prompt = await person.press(permits, "پروانهٔ بهره‌برداری")
    if "شمارهٔ خودتان" not in contact_prompt.text:
        contact_prompt = await person.next("شمارهٔ خودتان")
    assert contact_prompt.reply_keyboard is not None
    done = await person.share_contact()
    assert says(done.text, "registration.done")
    summary = await person.next("مجوز")
    assert fa("start.btn_report") in summary.button_texts[0]


async def owner_registered(
    app: RounaqApp, owner: Person, officer: Person, unit: str = "کارخانه فرش ممتاز"
) -> None:
    """`officer` made an SMT officer; `owner` chose Persian and registered `unit` by chat."""
    await make_officer(app, officer, "smt")
    await choose_persian(owner)
    await register_unit(owner, unit)


async def test_owner_reports_and_the_agency_gets_it(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner, officer = people["owner"], people["officer"]
    smt_id = await make_officer(app, officer, "smt")

    await choose_persian(owner)
    # Arabic ي/ك, HTML characters and a zero-width mark, as a phone keyboard produces them.
    await register_unit(owner, "كارخانه <فرش> كاشي & پسران\u200f")

    ask_category = await replied(owner, "/report", "report.ask_category")
    await owner.press_only(ask_category, "مواد اولیه")
    await owner.next("شرح")
    ask_files = await owner.say(
        "تأمین نخ و رنگ از بازار آزاد با قیمت سه برابر؛ تولید <نیمه> متوقف است."
    )
    assert fa("report.btn_continue") in ask_files.button_texts[0]
    summary = await summary_after(owner, ask_files)
    assert "سازمان صنعت، معدن و تجارت" in summary.text
    assert FA_P.money(500_000_000) in summary.text
    assert "&lt;نیمه&gt;" in (summary.source_text or "")

    confirmation = await submit(owner, summary)
    number = FA_P.tracking(1405, 1)
    assert says(confirmation.text, "report.submitted", number=number)

    notice = await emulator.wait_for_message(officer.id, saying("agency.new_report"))
    assert number in notice.text
    assert "کارخانه <فرش> کاشی & پسران" in notice.text  # normalised and shown verbatim
    assert notice.parse_mode == "HTML"

    async with services_of(app).database.session() as session:
        report = (await session.scalars(select(Report))).one()
        unit = (await session.scalars(select(Unit))).one()
        events = (await session.scalars(select(ReportEvent).order_by(ReportEvent.id))).all()
    assert unit.name == "کارخانه <فرش> کاشی & پسران"
    assert (report.year, report.seq, report.agency_id) == (1405, 1, smt_id)
    assert report.status == "referred"
    assert report.amount_rials == 500_000_000
    # "notified" (internal) is recorded just after the notice went out: maybe not yet.
    assert [e.kind for e in events if e.kind != "notified"] == ["submitted", "routed"]

    listing = await owner.say("/myreports")
    assert number in listing.text
    assert fa("status.referred") in listing.text
    detail = await owner.press(listing, "۱۴۰۵-۰۰۰۱")
    assert says(detail.text, "history.title")
    assert says(detail.text, "history.routed", agency="سازمان صنعت، معدن و تجارت استان قم")

    # The officer can open it from the notice; another owner cannot, even by number.
    opened = await officer.press(notice, "مشاهده")
    assert says(opened.text, "history.title")
    # No language chosen yet: their phone's, English.
    stranger = people["other_owner"]
    await replied(stranger, "1405-0001", "myreports.not_found", lang="en")


async def test_tracking_number_typed_in_any_digits(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    await owner_registered(app, owner, people["officer"], unit="سوهان گز ممتاز")
    await report_by_chat(
        owner, "پروانهٔ بهره‌برداری شش ماه است در انتظار است.", category="مجوز", amount=None
    )
    for typed in ("۱۴۰۵-۱", "١٤٠٥/٠٠٠١", "#1405 0001"):
        found = await owner.say(typed)
        assert says(found.text, "history.title"), typed


async def test_bad_input_gets_localised_answers_and_the_flow_goes_on(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    await choose_persian(owner)
    ask = await owner.say("/register")
    await emulator.send_sticker(owner.id)
    assert says((await owner.next()).text, "common.text_expected")
    await replied(owner, "ب" * 5000, "registration.name_length")
    sectors = await owner.say("واحد آزمایشی")
    # A forged button (another flow's data, and garbage) is refused with an alert.
    await emulator.press_raw(owner.id, owner.id, sectors.message_id, "reg:sec:999999")
    await emulator.press_raw(owner.id, owner.id, sectors.message_id, "x" * 64)
    await emulator.wait_until(lambda: len(emulator.callback_answers(owner.id)) >= 3)
    alerts = [a for a in emulator.callback_answers(owner.id) if a.show_alert]
    assert len(alerts) >= 2
    # ...and the real button still works.
    counties = await owner.press(sectors, "کفش")
    assert says(counties.text, "registration.ask_county", sector="کفش")
    assert ask is not None
    await replied(owner, "/nonsense", "common.unknown_command")
    await replied(owner, "/cancel", "common.cancelled")


async def test_report_needs_a_unit_first(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["other_owner"]
    choice = await owner.say("/start")
    await owner.press(choice, "English")
    await owner.next("Hello")
    await replied(owner, "/report", "report.no_units", lang="en")


async def test_owner_flows_stay_out_of_groups(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    owner = people["owner"]
    group = emulator.add_group(-100555, "کارشناسان صمت", members=[owner.id])
    cursor = emulator.cursor(group.id)
    # A number typed to colleagues is not a tracking-number lookup in a group...
    await emulator.send_text(owner.id, "1405-0001", chat_id=group.id)
    # ...and an owner's flow is sent to the private chat, not started in the group.
    for command in ("/report", "/register", "/myreports"):
        await emulator.send_text(owner.id, command, chat_id=group.id)
    await emulator.wait_for_message(group.id, after=cursor)
    await emulator.wait_until(lambda: len(emulator.messages(group.id)) >= 3)
    # Exactly three answers, one per command: the number got none.
    replies = emulator.messages(group.id)
    assert [m.text for m in replies] == [fa("common.private_only")] * 3
    assert emulator.current_reply_keyboard(group.id) is None
