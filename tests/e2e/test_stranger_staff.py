"""Defects found on a stranger's pass over the staff side (agency officers, officials,
admins), each pinned by what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from bot.context import RounaqApp
from bot.views.admin import role_name
from emulator import BotApiEmulator
from emulator.html_parse import parse_html
from storage.models import Role
from tests.display_rules import unisolated_latin, zero_lookalikes
from tests.e2e.expect import EN, EN_P, FA, FA_P, fa, labels, says
from tests.e2e.workflow_kit import Cast, file_report, press_and_answer, services_of
from tests.people import Person


async def test_progress_with_a_program_number_opens_that_program(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an SMT officer typed "/progress ۳" (as /editprogram and /status take a
    number) and was asked "which program's progress are you reporting?" over the list of
    all eighteen of the agency's programs: the number was dropped without a word. The
    lending banks' officer typed "/progress 3", a program that is not theirs, and got
    their own list with nothing said about 3. A number of theirs opens that program; any
    other is named above the list."""
    asked = await cast.officer.say("/progress ۳")
    assert says(asked.text, "programs.ask_percent", number=FA_P.plain_int(3))
    assert "احیای واحدهای راکد و تعطیل" in asked.text
    assert asked.buttons == []
    noted = await cast.officer.say("۴۰")
    assert noted.text == FA.t("programs.ask_note")

    refused = await cast.bank_officer.say("/progress 3")
    assert refused.text.split("\n") == [
        EN.t("programs.not_agency_program", text="3"),
        EN.t("programs.choose_program"),
    ]
    assert "27." in labels(refused)
    assert FA.t("programs.choose_program") not in refused.text


async def test_the_find_prompt_says_it_still_waits_and_a_card_has_no_double_dash(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin pressed "find a person" and typed "سارا" (a name, not an id). The
    answer, "no such user…", did not say the prompt still waited, so their next words,
    a tracking number to look up, were searched as a user too; nor how to stop. Then the
    card of Sara, who has no @username, read "شناسه: 3001 — —": a dash for the missing
    name after the dash that separates it. The refusal now asks for another id or /cancel,
    and a card without a username says so."""
    admin = cast.admin
    home = await admin.say("/admin")
    await admin.press(home, fa("admin.btn_find"))
    refused = await admin.say("سارا")
    assert refused.text == fa("admin.user_not_found") + "\n" + fa("admin.ask_user_again")
    assert "/cancel" in refused.text
    card = await admin.say(FA_P.digits(str(cast.official.id)))
    assert card.text.split("\n")[1] == fa(
        "admin.user_card", name="سارا", id=str(cast.official.id),
        username=fa("admin.no_username"), roles="",
    ).split("\n")[1]  # fmt: skip
    assert "— —" not in card.text
    # The prompt is over once a card is shown: the /admin command itself says "no such
    # user" without asking for another.
    typed = await admin.say("/admin @nobody_here")
    assert typed.text == fa("admin.user_not_found")


async def test_a_one_letter_note_is_one_character_in_english(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen by the lending banks' officer, who reads English: a note of one letter was
    refused with "Yours was 1 characters; please write between 2 and 2,000." The length
    is counted with its noun in the reader's language."""
    await file_report(app, cast.other_owner, "bank_finance")
    card = await cast.bank_officer.say("1405-0001")
    await cast.bank_officer.press(card, "wf:note:1:c")
    refused = await cast.bank_officer.say("x")
    one = EN.plural("workflow.characters", 1)
    assert refused.text == EN.t("workflow.error_note_length", length=one, min=2, max=2000)
    assert "1 character;" in refused.text
    assert "1 characters" not in refused.text


async def test_loans_with_what_is_not_a_year_says_so(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an official typed "/loans ۹۸" (as 1398 is said: "سال ۹۸") and "/loans
    abc". Both answered with the latest year's figures and not a word about what was
    typed, so "۹۸" looked understood and "abc" ignored. Two digits are that year of the
    Persian calendar; what is no year is named above the latest year's figures."""
    official = cast.official
    short = await official.say("/loans ۹۸")
    assert short.text.startswith(fa("loans.title", year=FA_P.plain_int(1398)))
    latest = await official.say("/loans 1398")
    wrong = await official.say("/loans abc")
    told = fa("loans.not_a_year", text=FA_P.name("abc"), example=FA_P.plain_int(1398))
    assert wrong.text == told + "\n\n" + latest.text
    assert unisolated_latin(told) == ""
    assert wrong.buttons == latest.buttons
    early = await official.say("/loans ۰۵")
    assert early.text.startswith(fa("loans.title", year=FA_P.plain_int(1405)))
    # The ministry's roll-up across provinces says it too.
    await services_of(app).users.grant(cast.secretariat.id, Role.MINISTRY)
    national = await cast.secretariat.say("/loans abc")
    assert national.text.startswith(told + "\n\n"), national.text


async def test_status_with_no_programs_number_names_what_was_typed(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an official typed "/status abc" and was told "there is no program with that
    number" (abc is no number), and "/status ۹۹" left them to guess which numbers there
    are. The answer names what was typed and the programs' numbers, in the reader's
    language and digits."""
    first, last = FA_P.plain_int(1), FA_P.plain_int(27)
    for typed in ("abc", "۹۹", "0"):
        reply = await cast.official.say(f"/status {typed}")
        named = FA_P.name(typed)  # a Latin word isolated in the Persian sentence
        assert reply.text == fa("programs.no_such_program", text=named, first=first, last=last)
        assert unisolated_latin(reply.text) == "", reply.text
    english = await cast.bank_officer.say("/status <b>")
    expected, _ = parse_html(EN.t("programs.no_such_program", text="&lt;b&gt;", first=1, last=27))
    assert english.text == expected
    assert "“<b>”" in english.text


async def test_the_progress_prompts_say_how_to_leave_them(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an SMT officer began "/progress ۳", typed the percent, then remembered a
    report to look up and sent its number; it became the progress note (it is long
    enough), and the flow went on to ask for evidence. No prompt of the flow said how to
    leave it, as every other prompt does. They say /cancel now (a note too short says its
    length too), and after it the number opens the report."""
    await file_report(app, cast.owner, "raw_materials")
    officer = cast.officer
    asked = await officer.say("/progress ۳")
    assert "/cancel" in asked.text
    refused = await officer.say("1405-0001")
    assert refused.text == fa("programs.bad_percent", text="1405-0001")
    assert "/cancel" in refused.text
    note = await officer.say("۴۰")
    assert note.text == fa("programs.ask_note")
    assert "/cancel" in note.text
    short = await officer.say("شد")
    assert short.text == fa("programs.bad_note", length=FA.plural("workflow.characters", 2))
    assert "/cancel" in short.text
    for prompt in (asked, refused, note, short):
        assert not zero_lookalikes(prompt.text), prompt.text
    assert (await officer.say("/cancel")).text == fa("common.cancelled")
    card = await officer.say("1405-0001")
    assert FA_P.tracking(1405, 1) in card.text.split("\n")[0]
    assert fa("workflow.btn_res") in labels(card)


async def test_a_role_given_from_admin_is_told_to_its_holder(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin made Reza a provincial official from his card in /admin. The admin
    read "saved"; Reza was told nothing, and learnt of /status and /loans only if he
    opened the command menu (whoever redeems an invite is told at once). He is told now,
    in his language, once: the same press on an older card tells him nothing again."""
    admin, reza = cast.admin, cast.owner
    card = await admin.say(f"/admin {reza.id}")
    old = await admin.say(f"/admin {reza.id}")
    cursor = emulator.cursor(reza.id)
    await press_and_answer(
        emulator, admin, card, FA.t("admin.btn_grant", role=FA.t("roles.official"))
    )
    told = await emulator.wait_for_message(reza.id, after=cursor)
    assert told.text == fa("admin.invite_redeemed", role=FA.t("roles.official"))
    await press_and_answer(
        emulator, admin, old, FA.t("admin.btn_grant", role=FA.t("roles.official"))
    )
    assert [m.text for m in emulator.messages(reza.id)] == [told.text]

    # An officer's role names the agency, in the grantee's language.
    sam = cast.other_owner
    card = await admin.say(f"/admin {sam.id}")
    await admin.press_only(card, FA.t("admin.btn_grant", role=FA.t("roles.officer")))
    picker = await emulator.wait_for_message(admin.id, lambda m: "بانک‌های عامل" in labels(m))
    await press_and_answer(emulator, admin, picker, "بانک‌های عامل")
    english = await sam.next()
    officer = role_name(EN, EN_P, services_of(app).directory, "officer", cast.banks_id)
    expected, _ = parse_html(EN.t("admin.invite_redeemed", role=officer))
    assert english.text == expected
    assert "Lending banks" in english.text


async def test_a_program_edit_says_how_long_the_text_was_and_how_to_leave(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an admin editing program 3's title pasted a 700-character paragraph and was
    told only "the text must be 1 to 500 characters", not how long theirs was; neither
    that nor the question said how to leave the edit, which still waited, so the next
    thing typed would have become the title. Both say /cancel now, and the refusal the
    length; /cancel leaves the title as it was."""
    admin = cast.admin
    fields = await admin.say("/editprogram ۳")
    asked = await admin.press(fields, fields.buttons[0][0][0])
    assert "/cancel" in asked.text
    refused = await admin.say("ع" * 700)
    length = FA.plural("workflow.characters", 700)
    assert refused.text == fa("programs.error.text_length", length=length)
    assert FA_P.number(700) in refused.text
    assert "/cancel" in refused.text
    assert not zero_lookalikes(refused.text)
    assert (await admin.say("/cancel")).text == fa("common.cancelled")
    page = await cast.official.say("/status 3")
    assert "احیای واحدهای راکد و تعطیل" in page.text.split("\n")[0]


async def test_a_number_staff_cannot_open_is_answered_in_the_words_of_their_scope(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the lending banks' officer typed a tracking number that does not exist (and
    then SMT's report's number, not theirs to open) and read "No report with that number
    among yours." under the owner's shortcuts ("Report an obstacle", "Register a unit"):
    as if they had been looking for their own reports. Staff are told the scope they
    searched (theirs and their agency's; an official's, the province) and get no owner's
    shortcuts; an owner's answer is unchanged."""
    await file_report(app, cast.owner, "raw_materials")  # 1405-0001, routed to SMT
    for number in ("1405-0099", "1405-0001"):
        answer = await cast.bank_officer.say(number)
        assert answer.text == EN.t("myreports.not_found_agency"), answer.text
        assert labels(answer) == EN.t("start.btn_help")
    missing = await cast.official.say("۱۴۰۵-۰۰۹۹")
    assert missing.text == FA.t("myreports.not_found_province")
    assert labels(missing) == FA.t("start.btn_help")
    stranger = await cast.other_owner.say("1405-0001")
    assert stranger.text == EN.t("myreports.not_found")
    assert EN.t("start.btn_report") in labels(stranger)


async def test_an_agency_with_one_program_is_told_a_number_not_theirs(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """An agency with a single program (the industrial estates company: program 23) whose
    officer typed "/progress 7" was asked for program 23's percent without a word about 7:
    the number silently dropped, as it had been for agencies with several. It is now said
    above a picker of the one program; "/progress" alone still goes straight to it."""
    services = services_of(app)
    estates = services.directory.agency_by_code("industrial_estates")
    assert estates is not None
    officer = Person(emulator, emulator.add_user(7301, "Kaveh", language_code="en"))
    await services.users.touch(officer.id, first_name="Kaveh", last_name=None, username=None)
    await services.users.set_language(officer.id, "en")
    await services.users.grant(officer.id, Role.OFFICER, agency_id=estates.id)
    refused = await officer.say("/progress 7")
    assert refused.text.split("\n") == [
        EN.t("programs.not_agency_program", text="7"),
        EN.t("programs.choose_program"),
    ]
    assert "23." in labels(refused)
    straight = await officer.say("/progress")
    assert EN.t("programs.choose_program") not in straight.text
    assert "23" in straight.text
