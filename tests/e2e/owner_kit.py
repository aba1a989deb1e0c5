"""Helpers for the owner-side tests of issue 11: a unit registered quickly, a report
submitted through the real conversation (so the agency's notices go out as in production)."""

from __future__ import annotations

from bot.container import Services
from bot.context import RounaqApp
from bot.services.directory import Directory
from emulator import SentMessage
from storage.repositories.reference import ReferenceRepository
from tests.e2e.expect import says
from tests.e2e.report_steps import up_to_description
from tests.e2e.workflow_kit import services_of
from tests.people import Person
from tests.services_kit import register_unit as services_unit

PHONE = "+989121234567"


async def register_unit(
    app: RounaqApp, owner: Person, name: str = "فرش ممتاز قم", phone: str = PHONE
) -> None:
    await services_unit(services_of(app), owner.id, name, phone=phone)


async def submit_by_chat(
    owner: Person,
    category: str = "مواد اولیه",
    description: str = "تأمین نخ از بازار آزاد سه برابر گران شده؛ تولید نیمه متوقف است.",
) -> SentMessage:
    """Walk /report to the end (Persian labels); returns the bot's confirmation."""
    await up_to_description(owner, category)
    files = await owner.say(description)
    await owner.press_only(files, "ادامه")
    step = await owner.emu.wait_for_message(
        owner.id,
        lambda m: says(m.text, "report.ask_amount") or says(m.text, "report.summary_title"),
    )
    if not says(step.text, "report.summary_title"):
        await owner.press_only(step, "بدون مبلغ")
        step = await owner.next("پیش‌نمایش")
    await owner.press_only(step, "ثبت گزارش")
    return await owner.next("✅")


async def staff_every_agency(services: Services, directory: Directory | None = None) -> None:
    """Give every agency without anyone a group (a chat id no one reads), so reports stay
    with their agency instead of going to the HQ (bot.services.staffing). For tests about
    something else that file reports to any agency."""
    directory = directory or services.directory
    empty = [a for a in directory.agencies if a.group_chat_id is None]
    if not empty:
        return
    async with services.database.transaction() as session:
        repo = ReferenceRepository(session)
        for agency in empty:
            await repo.set_agency_group(agency.id, -1009000000000 - agency.id)
    await directory.reload()
