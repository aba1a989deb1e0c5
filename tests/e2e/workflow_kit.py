"""Shared setup for the workflow tests: the cast with their roles, reports filed quickly.

Reports are filed through the real ReportService (the submission conversation itself is
tested in test_report_flow); everything the tests assert on happens through the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.access import Principal
from bot.container import Services
from bot.context import RounaqApp
from bot.demo import PERSONAS, _grant_personas
from bot.services.reports import ReportDraft
from bot.state import runtime_of
from emulator import BotApiEmulator, CallbackAnswer, SentMessage
from storage.dto import ReportDTO
from storage.models import Report, ReportEvent, Role
from tests.people import Person
from tests.services_kit import register_unit

SECRETARIAT_ID = 5001
BANK_OFFICER_ID = 2002


def services_of(app: RounaqApp) -> Services:
    services = runtime_of(app).services
    assert isinstance(services, Services)
    return services


async def principal_of(app: RounaqApp, person: Person) -> Principal:
    """What the services see of ``person`` now: roles and agency, read from the database."""
    return (await services_of(app).users.profile(person.id)).principal


async def only_report(app: RounaqApp) -> Report:
    """The one report in the database (a test that filed exactly one)."""
    async with services_of(app).database.session() as session:
        return (await session.scalars(select(Report))).one()


async def event_kinds(app: RounaqApp, report_id: int, *, public: bool = False) -> list[str]:
    """The report's history as event kinds, oldest first; `public` leaves out internal notes."""
    query = select(ReportEvent.kind).where(ReportEvent.report_id == report_id)
    if public:
        query = query.where(ReportEvent.internal.is_(False))
    async with services_of(app).database.session() as session:
        return list(await session.scalars(query.order_by(ReportEvent.id)))


@dataclass
class Cast:
    owner: Person  # 1001, Persian
    other_owner: Person  # 1002, English
    officer: Person  # 2001, SMT, Persian
    bank_officer: Person  # 2002, lending banks, English
    official: Person  # 3001
    secretariat: Person  # 5001
    admin: Person  # 4001 (ADMIN_IDS)
    smt_id: int
    banks_id: int

    def everyone(self) -> dict[str, Person]:
        return {
            "owner": self.owner,
            "officer": self.officer,
            "official": self.official,
            "secretariat": self.secretariat,
            "admin": self.admin,
        }


async def make_cast(app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]) -> Cast:
    services = services_of(app)
    bank = Person(emulator, emulator.add_user(BANK_OFFICER_ID, "Hossein", language_code="en"))
    secretariat = Person(emulator, emulator.add_user(SECRETARIAT_ID, "امیر", username="amir_hq"))
    languages = {1001: "fa", 1002: "en", 2001: "fa", 2002: "en", 3001: "fa", 5001: "fa", 4001: "fa"}
    for person in (*people.values(), bank, secretariat):
        await services.users.touch(
            person.id,
            first_name=person.user.first_name,
            last_name=None,
            username=person.user.username,
        )
        await services.users.set_language(person.id, languages[person.id])
    smt = services.directory.agency_by_code("smt")
    banks = services.directory.agency_by_code("banks")
    assert smt is not None
    assert banks is not None
    await services.users.grant(people["officer"].id, Role.OFFICER, agency_id=smt.id)
    await services.users.grant(BANK_OFFICER_ID, Role.OFFICER, agency_id=banks.id)
    await services.users.grant(people["official"].id, Role.OFFICIAL)
    await services.users.grant(SECRETARIAT_ID, Role.SECRETARIAT)
    return Cast(
        owner=people["owner"],
        other_owner=people["other_owner"],
        officer=people["officer"],
        bank_officer=bank,
        official=people["official"],
        secretariat=secretariat,
        admin=people["admin"],
        smt_id=smt.id,
        banks_id=banks.id,
    )


async def file_report(
    app: RounaqApp,
    owner: Person,
    category: str,
    description: str = "تأمین مواد اولیه با قیمت سه برابر؛ تولید نیمه متوقف است.",
    unit_name: str = "فرش ممتاز قم",
) -> ReportDTO:
    services = services_of(app)
    units = await services.units.of_owner(owner.id)
    unit = units[0] if units else await register_unit(services, owner.id, unit_name)
    found = services.directory.category_by_code(category)
    assert found is not None
    submission = await services.reports.submit(
        owner.id, ReportDraft(unit_id=unit.id, category_id=found.id, description=description)
    )
    return submission.report


async def officers_card(app: RounaqApp, cast: Cast) -> SentMessage:
    """The owner files a raw-materials report (1405-0001, routed to SMT) and the SMT officer
    opens it by its number: the officer's card, with the agency's buttons."""
    await file_report(app, cast.owner, "raw_materials")
    return await cast.officer.say("1405-0001")


async def reply_to_prompt(person: Person, prompt: SentMessage, text: str) -> SentMessage:
    """Write the text a button asked for; returns the bot's answer."""
    assert "/cancel" in prompt.text, prompt.text
    return await person.say(text)


def alerts(emulator: BotApiEmulator, user_id: int) -> list[str]:
    return [a.text or "" for a in emulator.callback_answers(user_id) if a.show_alert]


async def press_data(
    emulator: BotApiEmulator, person: Person, message: SentMessage, data: str
) -> CallbackAnswer:
    """Press a button carrying ``data`` on ``message`` in ``person``'s private chat, whether
    or not the message shows it (a stale or forged press); the bot's answer to that press."""
    query = await emulator.press_raw(person.id, person.id, message.message_id, data)
    return await emulator.wait_for_answer(query)


async def press_and_answer(
    emulator: BotApiEmulator, person: Person, message: SentMessage, button: str
) -> str:
    """Press a button and return the answer to that very press (a toast or an alert)."""
    label = next(
        text for row in message.buttons for text, data in row if button in text or button == data
    )
    query = await emulator.press(person.id, message, label)
    answer = await emulator.wait_for_answer(query)
    return answer.text or ""


async def demo_people(app: RounaqApp, emulator: BotApiEmulator) -> dict[int, Person]:
    """The demo's personas as chat users, by user id, holding the roles bot.demo grants."""
    people = {
        p.user_id: Person(emulator, emulator.add_user(p.user_id, p.first_name, persona=p.label))
        for p in PERSONAS
    }
    await _grant_personas(services_of(app))
    return people
