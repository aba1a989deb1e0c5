"""Shared steps for the durability and fault tests: a report half-way, counting effects."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.container import Services
from bot.context import RounaqApp
from bot.state import runtime_of
from emulator import BotApiEmulator, SentMessage
from storage.models import Report, Unit
from tests.e2e.expect import fa, says
from tests.e2e.test_report_flow import choose_persian, make_officer, register_unit
from tests.people import Person

DESCRIPTION = "تأمین نخ و رنگ از بازار آزاد با قیمت سه برابر؛ تولید نیمه متوقف است."


def services_of(app: RounaqApp) -> Services:
    services = runtime_of(app).services
    assert isinstance(services, Services)
    return services


def cast_of(emulator: BotApiEmulator) -> tuple[Person, Person]:
    """The owner and an SMT officer (ids as in tests/conftest.py's people)."""
    owner = Person(emulator, emulator.add_user(1001, "رضا", username="reza"))
    officer = Person(emulator, emulator.add_user(2001, "مریم", username="maryam"))
    return owner, officer


async def owner_registered(app: RounaqApp, owner: Person, officer: Person) -> None:
    await make_officer(app, officer, "smt")
    await choose_persian(owner)
    await register_unit(owner, "کارخانه فرش ممتاز")


async def report_up_to_attachments(owner: Person) -> SentMessage:
    """/report → raw materials → the description; returns the "attach files?" prompt."""
    ask_category = await owner.say("/report")
    await owner.press_only(ask_category, "مواد اولیه")
    await owner.next("شرح")
    ask_files = await owner.say(DESCRIPTION)
    assert fa("report.btn_continue") in ask_files.button_texts[0]
    return ask_files


async def finish_report(owner: Person, ask_files: SentMessage) -> SentMessage:
    """From the attachments prompt to the confirmation with the tracking number."""
    await owner.press_only(ask_files, "ادامه")
    await owner.next("مبلغ")
    summary = await owner.say("۵۰۰ میلیون")
    assert says(summary.text, "report.summary_title")
    await owner.press_only(summary, "ثبت گزارش")
    return await owner.next("شمارهٔ پیگیری")


async def count(services: Services, model: type[Report] | type[Unit]) -> int:
    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def texts_with(person: Person, fragment: str) -> list[str]:
    return [t for t in person.texts() if fragment in t]
