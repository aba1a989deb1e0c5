"""The owner's /report conversation over the chat (Persian labels), in steps a test can
stop between: to inject a fault, restart the bot or look at the database half-way."""

from __future__ import annotations

from emulator import SentMessage
from tests.e2e.expect import fa, says
from tests.people import Person

DESCRIPTION = "تأمین نخ و رنگ از بازار آزاد با قیمت سه برابر؛ تولید نیمه متوقف است."
RAW_MATERIALS = "مواد اولیه"
AMOUNT = "۵۰۰ میلیون"
# A second obstacle, for the tests that count what an official sees.
SLOW_YARN = "نخ فرش در بازار پیدا نمی‌شود و تولید کند شده است."


async def up_to_description(owner: Person, category: str = RAW_MATERIALS) -> None:
    """/report → the category; the bot has asked for the description."""
    categories = await owner.say("/report")
    await owner.press_only(categories, category)
    await owner.next("شرح")


async def report_up_to_attachments(
    owner: Person, description: str = DESCRIPTION, category: str = RAW_MATERIALS
) -> SentMessage:
    """/report → the category → the description; returns the "attach files?" prompt."""
    await up_to_description(owner, category)
    ask_files = await owner.say(description)
    assert fa("report.btn_continue") in ask_files.button_texts[0]
    return ask_files


async def summary_after(
    owner: Person, ask_files: SentMessage, amount: str | None = AMOUNT
) -> SentMessage:
    """From the attachments prompt to the preview; `amount` None for a category that asks none."""
    await owner.press_only(ask_files, "ادامه")
    if amount is None:
        return await owner.next("پیش‌نمایش")
    await owner.next("مبلغ")
    summary = await owner.say(amount)
    assert says(summary.text, "report.summary_title")
    return summary


async def submit(owner: Person, summary: SentMessage) -> SentMessage:
    """The preview submitted; returns the confirmation with the tracking number."""
    await owner.press_only(summary, "ثبت گزارش")
    return await owner.next("شمارهٔ پیگیری")


async def finish_report(
    owner: Person, ask_files: SentMessage, amount: str | None = AMOUNT
) -> SentMessage:
    """From the attachments prompt to the confirmation with the tracking number."""
    return await submit(owner, await summary_after(owner, ask_files, amount))


async def report_by_chat(
    owner: Person,
    description: str = DESCRIPTION,
    *,
    category: str = RAW_MATERIALS,
    amount: str | None = AMOUNT,
) -> SentMessage:
    """The whole /report conversation; returns the confirmation."""
    ask_files = await report_up_to_attachments(owner, description, category)
    return await finish_report(owner, ask_files, amount)
