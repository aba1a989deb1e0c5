"""Defects found on the tenth stranger's pass (step buttons left standing once a step was
answered by typing or the flow ended, a file sent at a later step, ...): each pinned by
what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from tests.e2e.expect import FA_P, fa, piece, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.report_steps import (
    DESCRIPTION,
    report_up_to_attachments,
    submit,
    summary_after,
    up_to_description,
)
from tests.e2e.test_officials import _tiny_png
from tests.e2e.test_report_flow import register_unit as register_from_chat
from tests.e2e.workflow_kit import Cast, press_data, services_of
from tests.people import Person


def live(emulator: BotApiEmulator, person: Person, data_prefix: str) -> list[SentMessage]:
    """The bot's messages to `person` that still show a button whose data starts so."""
    return [
        m
        for m in emulator.messages(person.id)
        if any(str(data).startswith(data_prefix) for row in m.buttons for _text, data in row)
    ]


async def typed_at(
    emulator: BotApiEmulator, person: Person, question: SentMessage, text: str, next_key: str
) -> None:
    """`text` typed at `question`: the next question (catalog `next_key`) is then the one
    message of the flow (the buttons' data prefix) that still has buttons."""
    prefix = str(question.buttons[0][0][1]).split(":")[0] + ":"
    reply = await person.say(text)
    assert says(reply.text, next_key)
    await emulator.wait_until(lambda: not question.buttons)
    assert live(emulator, person, prefix) == [reply]


async def test_a_step_answered_by_typing_loses_its_buttons(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner typed the category's label instead of pressing it, and later the
    amount instead of "No amount"; the flow went on, but the category question and the
    amount's "No amount" stayed pressable above, and pressed (scrolling back) answered
    only "this button is no longer valid". Once a step is answered its buttons go."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    label = next(text for row in categories.buttons for text, _data in row if "مواد اولیه" in text)
    await owner.say(label)
    await owner.next("شرح")
    await emulator.wait_until(lambda: not categories.buttons)
    ask_files = await owner.say(DESCRIPTION)
    await owner.press_only(ask_files, "ادامه")
    ask_amount = await owner.next("مبلغ")
    assert fa("report.btn_skip") in ask_amount.button_texts[0]
    await typed_at(emulator, owner, ask_amount, "۵۰۰ میلیون", "report.summary_title")


async def test_a_reprompt_takes_the_buttons_off_the_question_before(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a sticker, then a voice note at the category question: each was answered
    "choose one of the buttons" with the thirteen categories again, so three sets of them
    stood in the chat. Only the newest stays."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    await emulator.send_sticker(owner.id)
    await owner.next(piece("common.use_buttons"))
    await emulator.send_voice(owner.id)
    again = await owner.next(piece("common.use_buttons"))
    await emulator.wait_until(lambda: len(live(emulator, owner, "rep:cat")) == 1)
    assert live(emulator, owner, "rep:cat") == [again]
    assert not categories.buttons


async def test_cancel_takes_the_summarys_buttons_off_and_an_old_press_is_told(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /cancel at the preview said "cancelled", but the preview kept "✅ ثبت گزارش"
    and the rest; pressed later, Submit answered "no longer valid". The buttons go with
    the flow; a press that still comes (an old client) is told so, in the person's
    language."""
    owner = cast.owner
    await register_unit(app, owner)
    summary = await summary_after(owner, await report_up_to_attachments(owner))
    submit = next(str(d) for row in summary.buttons for t, d in row if "ثبت" in t)
    cancelled = await owner.say("/cancel")
    assert cancelled.text == fa("common.cancelled")
    await emulator.wait_until(lambda: not summary.buttons)
    answer = await press_data(emulator, owner, summary, submit)
    assert answer.show_alert
    assert answer.text == fa("common.stale_button")


async def test_a_sector_typed_takes_the_sector_buttons_off(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: registering a unit, the owner typed its sector ("فرش") instead of pressing
    it; the county question came, and the sector grid stayed pressable above it."""
    owner = cast.owner
    await owner.say("/register")
    sectors = await owner.say("فرش ممتاز قم")
    assert says(sectors.text, "registration.ask_sector")
    await typed_at(emulator, owner, sectors, sectors.buttons[0][0][0], "registration.ask_county")


async def test_a_photo_sent_at_the_amount_goes_with_the_report(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: past the files step, the owner remembered the invoice and sent its photo at
    "the amount involved?"; the bot said only "please type your answer as text", and the
    photo went nowhere: the preview said no attachment, the agency never saw it. A file
    after the files step is kept as one sent there, and the step asked again."""
    owner = cast.owner
    await register_unit(app, owner)
    await owner.press_only(await report_up_to_attachments(owner), "ادامه")
    await owner.next("مبلغ")
    await emulator.send_photo(owner.id, _tiny_png())
    kept = await owner.next()
    assert kept.text == fa("report.attachments_so_far", n=1)
    again = await owner.next()
    assert says(again.text, "report.ask_amount")
    summary = await owner.say("۵۰۰ میلیون")
    assert fa("report.card_attachments", n=1) in summary.text
    await emulator.send_document(owner.id, b"%PDF-1.4 invoice", "invoice.pdf", "application/pdf")
    assert (await owner.next()).text == fa("report.attachments_so_far", n=2)
    summary = await owner.next()
    assert fa("report.card_attachments", n=2) in summary.text
    await owner.press_only(summary, "ثبت گزارش")
    await owner.next("شمارهٔ پیگیری")
    report = (await services_of(app).reports.owner_page(owner.id, 1, 5)).items[0]
    view = await services_of(app).reports.view(
        (await services_of(app).users.profile(owner.id)).principal, report.id
    )
    assert view is not None
    assert view.report.attachments == 2


async def test_a_photo_before_the_description_is_told_when_it_is_taken(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The same photo sent at the category question: it cannot be kept before there is a
    report to describe, so the owner is told it is taken after the description, with the
    categories again (it was "choose one of the buttons", as if the photo were a mistake)."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    labels = categories.button_texts
    await emulator.send_photo(owner.id, _tiny_png())
    told = await owner.next()
    assert told.text == fa("report.file_after_description")
    assert told.button_texts == labels


async def test_a_late_photos_caption_joins_the_description_without_a_continue_to_press(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The late photo's caption ("the invoice of the yarn") joins the description, as at
    the files step; the answer says so without "press Continue", a button that is not
    there at the preview."""
    owner = cast.owner
    await register_unit(app, owner)
    summary = await summary_after(owner, await report_up_to_attachments(owner))
    caption = "فاکتور خرید نخ از بازار آزاد"
    await emulator.send_photo(owner.id, _tiny_png(), caption=caption)
    kept = await owner.next()
    joined = f"{DESCRIPTION}\n{caption}"
    assert kept.text == "\n".join(
        [
            fa("report.attachments_so_far", n=1),
            fa("report.caption_added", length=FA_P.number(len(joined))),
        ]
    )
    assert fa("report.btn_continue").split()[0] not in kept.text
    again = await owner.next()
    assert caption in again.text
    await emulator.wait_until(lambda: not summary.buttons)  # the preview before it


async def test_buttons_that_cannot_be_taken_off_now_do_not_ask_the_step_twice(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Taking old buttons off is tidying after the step's answer went out: the Bot API
    failing it for a moment (a 502) must not have the update handled again, which would
    ask the next question twice. The buttons go at the next step instead."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    label = next(text for row in categories.buttons for text, _data in row if "مواد اولیه" in text)
    emulator.fail_method("editMessageReplyMarkup", 502, times=1)
    await owner.say(label)
    await owner.next("شرح")
    assert categories.buttons  # left for now
    ask_files = await owner.say(DESCRIPTION)
    assert fa("report.btn_continue") in ask_files.button_texts
    await emulator.wait_until(lambda: not categories.buttons)
    asked = [m for m in emulator.messages(owner.id) if says(m.text, "report.ask_description")]
    assert len(asked) == 1


async def test_a_refused_file_keeps_the_description_written_as_its_caption(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: asked for the description, an owner sent the machine's manual as a ZIP with
    the whole description as its caption. The ZIP was refused ("send a photo, PDF...")
    and the caption went with it: the step asked again, the words had to be typed anew.
    The file is still refused, the description is kept and the flow goes on."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    await emulator.send_document(
        owner.id, b"PK\x03\x04 manual", "manual.zip", "application/zip", caption=DESCRIPTION
    )
    refused = await owner.next()
    assert refused.text == fa("limits.file_type")
    ask_files = await owner.next()
    assert says(ask_files.text, "report.ask_attachments")
    summary = await summary_after(owner, ask_files)
    assert DESCRIPTION in summary.text
    assert fa("report.card_attachments", n=1).split(":")[0] not in summary.text


async def test_help_in_the_middle_of_a_flow_says_it_is_still_open(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The sibling of stranger pass 7's greeting: an owner at the description step sent
    /help, read the commands, and typed "what should I write here?", which became the
    report's description. /help now says, as /start does, that the report is still open."""
    owner = cast.owner
    await register_unit(app, owner)
    await up_to_description(owner)
    helped = await owner.say("/help")
    assert helped.text.endswith(fa("start.flow_open"))
    await owner.say("/cancel")
    assert fa("start.flow_open") not in (await owner.say("/help")).text


async def test_register_begun_again_takes_the_earlier_questions_buttons_off(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """/register sent again at the sector question (the owner mistyped the name) starts
    over at the name; the first name's sector grid stayed pressable above, and pressed
    said only "no longer valid"."""
    owner = cast.owner
    await owner.say("/register")
    sectors = await owner.say("فرش ممتز")
    assert says(sectors.text, "registration.ask_sector")
    again = await owner.say("/register")
    assert says(again.text, "registration.ask_name")
    await emulator.wait_until(lambda: not sectors.buttons)


async def test_an_amount_typed_at_the_preview_corrects_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the preview read "مبلغ: ۵۰ میلیون ریال"; the owner had meant ۵۰۰ million and
    typed it there. The bot said only "choose one of the buttons": none of them changes
    the amount (only starting over did). An amount typed at the preview is the amount."""
    owner = cast.owner
    await register_unit(app, owner)
    summary = await summary_after(owner, await report_up_to_attachments(owner), "۵۰ میلیون")
    assert fa("report.card_amount", amount=FA_P.money(50_000_000)) in summary.text
    corrected = await owner.say("۵۰۰ میلیون")
    assert says(corrected.text, "report.summary_title")
    assert fa("report.card_amount", amount=FA_P.money(500_000_000)) in corrected.text
    await emulator.wait_until(lambda: not summary.buttons)
    words = await owner.say("همین درست است")
    assert says(words.text, "common.use_buttons")
    await submit(owner, corrected)
    report = (await services_of(app).reports.owner_page(owner.id, 1, 5)).items[0]
    assert report.amount_rials == 500_000_000


async def test_a_photo_at_the_resume_question_is_told_to_come_after_the_choice(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """/report again with a report half-made: "go on with it, or start again?". The owner
    sent the photo they had come back for; it was answered "choose one of the buttons"
    and dropped. They are told the file is taken once they have chosen."""
    owner = cast.owner
    await register_unit(app, owner)
    await report_up_to_attachments(owner)
    resume = await owner.say("/report")
    assert says(resume.text, "report.resume_question")
    await emulator.send_photo(owner.id, _tiny_png())
    told = await owner.next()
    assert told.text == fa("report.file_after_choice")
    assert told.button_texts == [fa("report.btn_resume"), fa("report.btn_new")]


async def test_registering_and_reporting_never_asks_to_take_off_buttons_already_gone(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Measured on the intake benchmark: a first conversation made 33 Bot API calls where
    27 do, because six asked Telegram to take off step buttons an edit had replaced
    already (the sector grid edited into the county grid, named once per edit; a pressed
    choice edited into its answer). Telegram refuses each as "message is not modified",
    and each counts towards the bot's 30 messages a second all the same."""
    owner = cast.owner
    await register_from_chat(owner, "کارخانه فرش ممتاز")
    await submit_by_chat(owner)
    refused = [r for r in emulator.stats.rejected if "not modified" in r[2]]
    assert refused == []
