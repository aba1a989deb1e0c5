"""Defects found on the eleventh stranger's pass, on the unit owner's side (amounts typed
with dots, Persian commas, in words or as "none"; a video of the obstacle; an old
"continue" button; the description edited after the report went; /report half-way through
registering): each pinned by what the person saw. Over HTTP, against the Bot API
emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from emulator import BotApiEmulator
from tests.e2e.expect import EN_P, FA_P, T1, fa, labels, parts, says
from tests.e2e.owner_kit import register_unit
from tests.e2e.report_steps import (
    DESCRIPTION,
    report_by_chat,
    report_up_to_attachments,
    submit,
    summary_after,
)
from tests.e2e.workflow_kit import Cast, services_of
from tests.people import Person


async def _amounts_read(
    app: RounaqApp, owner: Person, first: str, amounts: list[tuple[str, int]]
) -> None:
    """`first` typed at the amount step, then each of `amounts` at the preview: each preview
    shows its amount in rials; the last is submitted and stored."""
    await register_unit(app, owner)
    summary = await summary_after(owner, await report_up_to_attachments(owner), first)
    for typed, rials in amounts:
        if typed != first:
            summary = await owner.say(typed)
        assert fa("report.card_amount", amount=FA_P.money(rials)) in summary.text, typed
    await submit(owner, summary)
    report = (await services_of(app).reports.owner_page(owner.id, 1, 5)).items[0]
    assert report.amount_rials == amounts[-1][1]


async def test_amounts_with_dots_and_persian_commas_are_read(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: asked for the amount, an owner typed «500.000.000» (dots between thousands,
    as a bank statement prints it), then «۲،۵ میلیارد» (the Persian keyboard's comma for
    the decimal point): both were "I could not read that amount". Dots twice or more group
    thousands; a comma before one or two digits can only be the decimal point."""
    await _amounts_read(
        app,
        cast.owner,
        "500.000.000",
        [
            ("500.000.000", 500_000_000),
            ("۲،۵ میلیارد", 2_500_000_000),
            ("۵۰۰٬۰۰۰٬۰۰۰", 500_000_000),
            ("۲/۵ میلیارد", 2_500_000_000),
            ("۷۵۰,۰۰۰,۰۰۰ ریال.", 750_000_000),
        ],
    )


async def test_amounts_said_in_words_are_read(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: «صد میلیون» (a hundred million), then «حدود یک و نیم میلیارد تومان» (about one
    and a half billion tomans) were "I could not read that amount", as was "about 2
    billion rials" from an English owner: how people say an amount, not how a form wants
    it. Numbers in words (with «و» and «نیم») and a hedge around the figure are read."""
    await _amounts_read(
        app,
        cast.owner,
        "صد میلیون",
        [
            ("صد میلیون", 100_000_000),
            ("حدود یک و نیم میلیارد تومان", 15_000_000_000),
            ("سه میلیارد و نیم", 3_500_000_000),
            ("about 2 billion rials", 2_000_000_000),
        ],
    )


async def test_an_amount_that_reads_two_ways_names_both(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """«1.500 billion» is 1.5 billion to some and 1,500 billion to others: a thousandfold
    apart, so neither is guessed. The owner (here in English) is shown both readings, with
    the step's "No amount" again, and the one typed back is taken."""
    owner = cast.other_owner
    await register_unit(app, owner, "Qom Tiles")
    categories = await owner.say("/report")
    await owner.press_only(categories, "Raw materials")
    await owner.next("Describe")
    ask_files = await owner.say("Yarn costs three times more on the open market; output is half.")
    await owner.press_only(ask_files, "Continue")
    ask_amount = await owner.next("amount")
    told = await owner.say("1.500 billion")
    one, other = EN_P.money(1_500_000_000), EN_P.money(1_500_000_000_000)
    assert says(told.text, "report.amount_ambiguous", lang="en", one=one, other=other)
    assert labels(told) == labels(ask_amount)
    summary = await owner.say(other)
    assert says(summary.text, "report.card_amount", lang="en", amount=other)


async def test_a_video_of_the_obstacle_goes_with_the_report(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner filmed the stopped line and sent the video at "send photos or
    documents": the bot answered "only photos or documents here" and the video went
    nowhere. A video, a round video note, a GIF and a video sent as a file are kept as
    attachments, and the report's files button sends each again as what it is."""
    owner = cast.owner
    await register_unit(app, owner)
    await report_up_to_attachments(owner)
    await emulator.send_video(owner.id, caption="خط تولید خاموش")
    kept = await owner.next()
    assert kept.text.startswith(fa("report.attachments_so_far", n=1))
    await emulator.send_video_note(owner.id)
    assert (await owner.next()).text == fa("report.attachments_so_far", n=2)
    await emulator.send_animation(owner.id)
    assert (await owner.next()).text == fa("report.attachments_so_far", n=3)
    # The same film sent "as a file" (uncompressed, from a computer): a document of it.
    await emulator.send_document(owner.id, b"\x00\x00\x00\x18ftypmp42", "line.mp4", "video/mp4")
    last = await owner.next()
    assert last.text == fa("report.attachments_so_far", n=4)
    summary = await summary_after(owner, last)
    assert fa("report.card_attachments", n=4) in summary.text
    assert "خط تولید خاموش" in summary.text
    confirmation = await submit(owner, summary)
    card = await owner.press(confirmation, fa("myreports.btn_open"))
    await owner.press_only(card, fa("myreports.btn_files", n=4))
    await emulator.wait_until(
        lambda: (
            {"video", "video_note", "animation"} <= {m.kind for m in emulator.messages(owner.id)}
        )
    )


async def test_continue_pressed_on_an_old_list_after_the_report_went_says_it_is_gone(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /myreports said a report was not submitted yet, with "Continue the unfinished
    report". The owner finished it from the chat and, later, pressed that button on the
    old list: a new report began ("what kind of obstacle?") as if it were the old one going
    on. While the draft is there the button goes on with it; after, it says it is gone."""
    owner = cast.owner
    await register_unit(app, owner)
    ask_files = await report_up_to_attachments(owner)
    mine = await owner.say("/myreports")
    assert fa("report.btn_resume") in mine.button_texts
    going_on = await owner.press(mine, fa("report.btn_resume"))
    assert says(going_on.text, "report.ask_attachments")
    await emulator.wait_until(lambda: not ask_files.buttons)
    await submit(owner, await summary_after(owner, going_on))
    gone = await owner.press(mine, fa("report.btn_resume"))
    assert gone.text == fa("report.draft_gone")
    assert gone.button_texts == [fa("start.btn_report"), fa("start.btn_myreports")]
    assert not any(says(m.text, "report.ask_category") for m in emulator.messages(owner.id)[-2:])


async def test_the_description_edited_after_submitting_is_told_it_is_filed(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the report submitted, its owner spotted a wrong figure in the description and
    edited that message: the bot said "edits of earlier messages are not read; send the
    correct text in a new message", and the new message was taken for nothing (no step
    asked for it). They are told the report went as it was, and offered "add a note"."""
    owner = cast.owner
    await register_unit(app, owner)
    await report_by_chat(owner)
    sent = next(m for m in emulator.messages(owner.id, include_user=True) if m.text == DESCRIPTION)
    await emulator.edit_text(owner.id, sent.message_id, DESCRIPTION.replace("سه", "چهار"))
    told = await owner.next()
    assert told.text == "\n".join(
        [
            fa("report.edited_after_submit", number=T1),
            fa("report.edited_add_info", button=fa("workflow.btn_inf")),
        ]
    )
    assert fa("workflow.btn_inf") in labels(told)
    assert fa("myreports.btn_open") in labels(told)
    report = (await services_of(app).reports.owner_page(owner.id, 1, 5)).items[0]
    assert report.description == DESCRIPTION


async def test_report_asked_for_half_way_through_registering_leads_back_to_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: a new owner registering their unit reached the last question ("send your
    number") and sent /report, which is what they had come for: "first register your
    unit", with "Register a unit", which began the registration again from the name. They
    are told it is not finished, and the button goes back to the question it stopped at."""
    owner = Person(emulator, emulator.add_user(9911, "Ali"))
    await owner.say("/register")
    await owner.say("کارخانه کاشی قم")
    await owner.press_only(emulator.last_message(owner.id), "فرش")
    await owner.next("شهرستان")
    await owner.press_only(emulator.last_message(owner.id), "قم")
    await owner.press_only(await owner.next(fa("registration.ask_permit")), "فاقد مجوز")
    await emulator.wait_until(
        lambda: says(emulator.last_message(owner.id).text, "registration.ask_contact")
    )
    told = await owner.say("/report")
    assert told.text == fa("report.no_units_registering")
    assert told.button_texts == [fa("registration.btn_resume")]
    mine = await owner.say("/myreports")
    assert mine.button_texts == [fa("registration.btn_resume")]
    asked = await owner.press(told, fa("registration.btn_resume"))
    assert asked.text == fa("registration.ask_contact")
    assert asked.reply_keyboard is not None
    done = await owner.share_contact()
    assert done.text == fa("registration.done")
    units = await services_of(app).units.of_owner(owner.id)
    assert [u.name for u in units] == ["کارخانه کاشی قم"]


async def test_none_typed_for_the_amount_is_the_no_amount_button(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: asked for the amount involved, an owner whose obstacle has none typed «ندارد»
    (there is none): "I could not read that amount. Type rials, e.g. 250,000,000", as if
    an amount were required. "None" typed is the "No amount" press it stands for."""
    owner = cast.owner
    await register_unit(app, owner)
    await owner.press_only(await report_up_to_attachments(owner), "ادامه")
    await owner.next(fa("report.btn_skip"))
    summary = await owner.say("ندارد")
    assert says(summary.text, "report.summary_title")
    assert "\n".join(parts("report.card_amount")) not in summary.text
    await submit(owner, summary)
    report = (await services_of(app).reports.owner_page(owner.id, 1, 5)).items[0]
    assert report.amount_rials is None


async def test_a_file_sent_while_progress_asks_for_a_percent_points_at_no_buttons(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Found by the random walk (seed 2, unpaced): an officer with a unit of their own had a
    report waiting at its category question, then typed /progress and chose a program.
    At its percent question they sent a document: the report's step answered that files
    come after the description, "now choose one of the buttons below" — under a message
    with no buttons, since the percent question has none. Told when to send it, no more."""
    officer = cast.officer
    await register_unit(app, officer)
    categories = await officer.say("/report")
    assert says(categories.text, "report.ask_category")
    programs = await officer.say("/progress")
    await officer.press(programs, "تأمین مواد اولیه")
    await emulator.send_document(
        officer.id, b"%PDF-1.4 evidence", "evidence.pdf", "application/pdf"
    )
    told = await officer.next()
    assert told.text == fa("report.file_after_description_alone")
    assert told.buttons == []
