"""Defects found by using Rounaq as strangers would (the demo, every persona, careless
input), each pinned by what the person saw. Over HTTP, against the Bot API emulator."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Report, Role
from tests.e2e.expect import FA, FA_P, T1, fa, piece, saying, says
from tests.e2e.owner_kit import register_unit, submit_by_chat
from tests.e2e.report_steps import finish_report, report_up_to_attachments
from tests.e2e.test_officials import _tiny_png
from tests.e2e.test_stranger_pass3 import tax_item_by_chat
from tests.e2e.test_unstaffed_agency import admin_digest
from tests.e2e.workflow_kit import (
    Cast,
    event_kinds,
    file_report,
    officers_card,
    only_report,
    press_and_answer,
    services_of,
)
from tests.services_kit import seeded_agency

ADMIN_ALERT = piece("notify.admin_unstaffed")


async def test_a_report_of_the_hqs_own_kind_is_not_called_unstaffed(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner reporting "قوانین و مقررات مزاحم تولید" (or "سایر موانع") was told
    the HQ secretariat "has no expert in this system yet, so your report went straight to
    the HQ secretariat"; the admin was asked to name an officer for the HQ secretariat or
    to send `/admin group hq_secretariat`; /routing and the digest flagged the HQ itself.
    The HQ's own kind of obstacle is in the HQ's queue by design: nobody is missing."""
    owner, admin, hq = cast.owner, cast.admin, cast.secretariat
    services = services_of(app)
    secretariat = seeded_agency(services, "hq_secretariat")
    await register_unit(app, owner)

    table = await admin.say("/routing")
    laws_line = next(line for line in table.text.splitlines() if "قوانین و مقررات" in line)
    assert "⚠️" not in laws_line
    unstaffed_note = next((line for line in table.text.splitlines() if "بی‌کارشناس" in line), "")
    assert secretariat.name_fa not in unstaffed_note

    confirmation = await submit_by_chat(
        owner, "قوانین", "بخشنامهٔ تازهٔ گمرک واردات مواد اولیه را متوقف کرده است."
    )
    assert says(confirmation.text, "report.submitted_hq", number=T1)
    assert not says(confirmation.text, "report.submitted_unstaffed")
    # The HQ's queue has no agency deadline.
    assert not says(confirmation.text, "report.submitted")

    told = await emulator.wait_for_message(hq.id, saying("notify.secretariat_direct", number=T1))
    assert told.text
    # Notices go out in one pass, the secretariat's first: by now an admin alert would be in.
    assert not any(ADMIN_ALERT in t for t in admin.texts())

    report = await only_report(app)
    kinds = await event_kinds(app, report.id, public=True)
    assert report.status == "escalated"
    assert kinds == ["submitted", "routed"]
    queue = await services.hq.escalated((await services.users.profile(hq.id)).principal)
    assert report.id in [r.id for r in queue]
    card = await hq.say("1405-0001")
    assert piece("history.unstaffed") not in card.text
    assert FA.t("digest.section_unstaffed") not in await admin_digest(app, admin.id)


async def test_an_officer_reassigning_to_the_hq_puts_the_report_in_its_queue(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The sibling: "↪️ ارجاع به دستگاه دیگر" → the HQ secretariat marked it ⚠️ and raised the
    same false alarm; it is a referral to the HQ like "⬆️ ارجاع به ستاد"."""
    owner, officer, admin, hq = cast.owner, cast.officer, cast.admin, cast.secretariat
    services = services_of(app)
    secretariat = seeded_agency(services, "hq_secretariat")
    card = await officers_card(app, cast)
    picker = await officer.press(card, "ارجاع به دستگاه دیگر")
    label = next(t for t in picker.button_texts if secretariat.short_name("fa") in t)
    assert not label.startswith("⚠️")
    await officer.press_only(picker, label)

    told = await emulator.wait_for_message(hq.id, saying("notify.secretariat_escalated"))
    assert says(told.text, "notify.secretariat_escalated", number=T1)
    await owner.next("ستاد")
    assert not any(ADMIN_ALERT in t for t in admin.texts())
    async with services.database.session() as session:
        report = (await session.scalars(select(Report))).one()
    assert report.status == "escalated"
    queue = await services.hq.escalated((await services.users.profile(hq.id)).principal)
    assert report.id in [r.id for r in queue]


async def test_removing_an_admin_named_in_the_settings_does_not_say_saved(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the admin opened their own card (an ADMIN_IDS admin), pressed "➖ مدیر سامانه",
    got "ذخیره شد." and the card still said "مدیر سامانه": the role cannot be removed in the
    bot, yet the person was told it was. An admin removing a departed colleague this way
    would believe it done."""
    admin = cast.admin
    card = await admin.say(f"/admin {admin.id}")
    revoke = fa("admin.btn_revoke", role=fa("roles.admin"))
    assert revoke in card.button_texts
    answer = await press_and_answer(emulator, admin, card, revoke)
    assert fa("admin.saved") not in answer
    assert answer == FA.t("admin.revoke_in_settings")
    profile = await services_of(app).users.profile(admin.id)
    assert profile.principal.has(Role.ADMIN)


async def test_a_flow_left_for_another_command_says_how_to_leave_it(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: an owner pressed /report, looked at /myreports instead, then asked "سلام وضعیت
    گزارش من چه شد" and was told only "لطفاً یکی از دکمه‌ها را انتخاب کنید." under the
    category buttons: still in a flow they had left, with no word of the way out."""
    owner = cast.owner
    await register_unit(app, owner)
    categories = await owner.say("/report")
    await owner.say("/myreports")
    reply = await owner.say("سلام وضعیت گزارش من چه شد")
    assert reply.button_texts == categories.button_texts
    assert "/cancel" in reply.text
    assert (await owner.say("/cancel")).text == FA.t("common.cancelled")
    assert "/cancel" not in (await owner.say("سلام")).text


async def test_text_typed_at_the_hq_decisions_button_steps_is_told_it_does_not_fit(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the secretariat, asked "مهلت اجرا چند روز کاری باشد؟", typed "۲۰ روز" and got
    the owners' hint ("برای ثبت مانع تولید /report ... را بزنید"), as if nothing were under
    way; /cancel then left the half-made decision in place."""
    owner, hq = cast.owner, cast.secretariat
    await file_report(app, owner, "tax")  # nobody at the tax office: straight to the HQ
    item = await tax_item_by_chat(emulator, hq)
    await hq.press(item, "ثبت مصوبه")
    agencies = await hq.say("ادارهٔ مالیات تا پایان ماه معافیت را اعمال کند.")
    deadline = await hq.press(agencies, "بعدی")
    assert says(deadline.text, "hq.pick_deadline")

    reply = await hq.say("۲۰ روز")
    assert reply.text == FA.t("common.flow_lost")
    assert reply.text != FA.t("common.stray_message")
    assert (await hq.say("/cancel")).text == FA.t("common.cancelled")
    label = next(t for t in deadline.button_texts if "۲۰" in t)
    answer = await press_and_answer(emulator, hq, deadline, label)
    assert answer == FA.t("common.stale_button")  # the draft went with /cancel


async def test_cancel_with_nothing_under_way_is_not_an_unknown_command(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: /cancel, listed in every role's /help as "لغو مرحلهٔ جاری", answered "این دستور
    را نمی‌شناسم" whenever no conversation was under way, for a brand-new person too."""
    for person in (cast.owner, cast.official, cast.secretariat):
        reply = await person.say("/cancel")
        assert reply.text != FA.t("common.unknown_command")
        assert reply.text == FA.t("common.nothing_to_cancel"), person.id
        assert reply.button_texts  # the menu, as for any "what can I do here" answer


async def test_a_photos_caption_at_the_attachment_step_is_kept(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: at "اگر عکس یا سندی دارید بفرستید" an owner sent a photo captioned with the
    letter's number; the photo was kept, the caption silently dropped (typed text at the
    same step is added to the description). The officer never saw those words."""
    owner, officer = cast.owner, cast.officer
    await register_unit(app, owner)
    ask_files = await report_up_to_attachments(owner)
    await emulator.send_photo(owner.id, _tiny_png(), caption="نامهٔ ادارهٔ برق شمارهٔ ۴۵۶")
    told = await owner.next("پیوست")
    assert says(told.text, "report.description_added")
    await finish_report(owner, ask_files)
    await officer.next("۱۴۰۵-۰۰۰۱")
    card = await officer.say("1405-0001")
    assert "نامهٔ ادارهٔ برق شمارهٔ ۴۵۶" in card.text


async def test_the_officer_sees_the_owners_phone_in_a_form_a_phone_dials(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the SMT officer's card read "صاحب واحد: رضا — ☎️ 989120001001", the number as
    Telegram shares a contact (no "+"): dialled as shown from an Iranian phone, it fails."""
    owner, officer = cast.owner, cast.officer
    await register_unit(app, owner, phone="989120001001")
    await submit_by_chat(owner, "مواد اولیه")
    notice = await officer.next("۱۴۰۵-۰۰۰۱")
    assert "+989120001001" in notice.text
    card = await officer.say("1405-0001")
    assert "+989120001001" in card.text


async def test_admin_group_sent_in_private_says_where_it_belongs(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: following /routing's hint ("در گروه دستگاه /admin group کد را بفرستید"), the
    admin sent "/admin group tax" in their private chat and was told "چنین کاربری نیست"
    (it searched for a user named "group")."""
    admin = cast.admin
    reply = await admin.say("/admin group tax")
    assert piece("admin.user_not_found") not in reply.text
    assert reply.text.startswith(fa("admin.group_where"))
    assert "/admin group tax" in reply.text  # the tax office has no one yet
    assert "/admin group smt" not in reply.text  # the SMT has its officer


async def test_editprogram_with_a_number_that_names_no_program_says_so(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: "/editprogram 999" answered "شمارهٔ برنامه را هم بنویسید، مثلاً /editprogram 3",
    asking for the number the admin had just written."""
    reply = await cast.admin.say("/editprogram 999")
    assert reply.text == fa(
        "programs.no_such_program", text="999", first=FA_P.plain_int(1), last=FA_P.plain_int(27)
    )
    usage = await cast.admin.say("/editprogram")
    assert usage.text == fa("programs.edit_usage")


async def test_staff_typing_outside_a_flow_are_pointed_at_their_own_work(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: the SMT officer, the official and the admin each typed "سلام" and were told
    only "برای ثبت مانع تولید /report و برای پیگیری /myreports را بزنید" — an owner's hint."""
    for person, role in ((cast.officer, "officer"), (cast.official, "official")):
        reply = await person.say("سلام")
        assert reply.text != FA.t("common.stray_message"), role
        assert FA.t(f"roles.{role}") in reply.text
        assert "/help" in reply.text
    assert (await cast.owner.say("سلام")).text == FA.t("common.stray_message")


async def test_loans_takes_a_gregorian_year_and_ignores_an_absurd_one(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """Seen: "/loans 2019" (an English user's year) answered "تسهیلات رونق تولید — سال ۲۰۱۹ /
    سهمیهٔ استان برای این سال ثبت نشده است", and "/loans 99999999999999999999" a title with
    a twenty-digit year, instead of 1398's figures (the year that starts in 2019)."""
    official = cast.official
    asked = await official.say("/loans 2019")
    assert says(asked.text, "loans.title", year=FA_P.plain_int(1398))
    # The province's 1398 quota.
    assert says(asked.text, "loans.quota", amount=FA_P.money(9_000 * 10**9))
    absurd = await official.say("/loans 99999999999999999999")
    assert FA_P.digits("9999") not in absurd.text
