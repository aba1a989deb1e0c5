"""/progress: an officer posts a program's progress (percent, note, evidence, date, confirm)."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, Message, Update
from telegram.ext import (
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.access import Permission, can_update_program
from bot.buttons.programs import OpenButton
from bot.context import RounaqApp, RounaqContext
from bot.formatting import escape
from bot.services.programs import Evidence, ProgramError
from bot.text import normalize_text, parse_date, parse_int, parse_percent
from handlers import flow, steps
from handlers.declare import command
from handlers.programs.progress_steps import (
    DRAFT,
    MAX_FILE_NAME,
    Cancel,
    NoEvidence,
    PickProgram,
    ProgressFields,
    Save,
    State,
    Today,
    ask_date,
    ask_evidence,
    ask_note,
    ask_percent,
    ask_percent_again,
    button_step,
    confirm,
)
from handlers.programs.status import UpdateButton
from handlers.ui import chat_id, keyboard, message_of, rows


async def begin_progress(update: Update, context: RounaqContext) -> int:
    principal, tr = context.principal, context.tr
    programs = context.services.programs.updatable(principal, await context.services.programs.all())
    query = update.callback_query
    if query is not None:
        pressed = UpdateButton.unpack(query.data if isinstance(query.data, str) else None)
        program_id = pressed.program_id if pressed else None
        chosen = next((p for p in programs if p.id == program_id), None)
        if chosen is None:
            await query.answer(tr.t("programs.error.not_your_agency"), show_alert=True)
            return ConversationHandler.END
        await query.answer()
        DRAFT.put(context, ProgressFields(program_id=chosen.id))
        await ask_percent(update, context, chosen.id)
        return State.PERCENT
    if not programs:
        await context.bot.send_message(chat_id(update), tr.t("programs.no_programs"))
        return ConversationHandler.END
    # "/progress 3" names the program; one not theirs (or not a number) is said so above
    # the picker rather than dropped without a word, even when the agency has one program.
    asked = " ".join(context.args or [])
    number = parse_int(asked) if asked else None
    named = next((p for p in programs if p.number == number), None)
    if named is not None or (len(programs) == 1 and not asked):
        chosen = named or programs[0]
        DRAFT.put(context, ProgressFields(program_id=chosen.id))
        await ask_percent(update, context, chosen.id)
        return State.PERCENT
    DRAFT.put(context, ProgressFields())
    unread = ""
    if asked:
        shown = context.fmt.name(context.fmt.shorten(asked, 40))
        unread = tr.t("programs.not_agency_program", text=shown) + "\n"
    return await ask_program(update, context, unread)


async def ask_program(update: Update, context: RounaqContext, unread: str = "") -> int:
    """The picker of the agency's programs (asked again in a language chosen at it)."""
    fmt = context.fmt
    programs = context.services.programs.updatable(
        context.principal, await context.services.programs.all()
    )
    buttons = [
        InlineKeyboardButton(
            context.tr.t(
                "programs.btn_pick",
                number=fmt.plain_int(p.number),
                title=fmt.shorten(p.title(context.lang), 56),
            ),
            callback_data=PickProgram(p.id).pack(),
        )
        for p in programs
    ]
    text = unread + context.tr.t("programs.choose_program")
    await button_step(update, context, text, keyboard(*rows(buttons, 1)))
    return State.PROGRAM


async def _answered(
    update: Update, context: RounaqContext, ask: flow.Step, step: State, **answer: object
) -> int:
    """A step answered: its field kept in the draft, and the next `step` asked."""
    with DRAFT.edit(context) as draft:
        for field, value in answer.items():
            setattr(draft, field, value)
    await ask(update, context)
    return step


async def got_program(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    picked = PickProgram.unpack(choice.data)
    program = await context.services.programs.get(picked.program_id) if picked else None
    if program is None or not can_update_program(context.principal, program.agency_id):
        await choice.answer(context.tr.t("common.stale_button"), show_alert=True)
        return State.PROGRAM
    await choice.answer()
    with DRAFT.edit(context) as draft:
        draft.program_id = program.id
    await ask_percent(update, context, program.id)
    return State.PERCENT


async def got_percent(update: Update, context: RounaqContext) -> int:
    message, text = flow.typed(update)
    percent = parse_percent(text)
    if percent is None:
        await message.reply_text(
            context.tr.t("programs.bad_percent", text=escape(context.fmt.shorten(text, 40)))
        )
        return State.PERCENT
    return await _answered(update, context, ask_note, State.NOTE, percent=percent)


async def got_note(update: Update, context: RounaqContext) -> int:
    message, text = flow.typed(update)
    note = normalize_text(text)
    try:
        context.services.programs.check_update(None, note or "-", None)
    except ProgramError:
        # The step still waits: say how long the note was and how to leave it.
        length = context.tr.plural("workflow.characters", len(note))
        await message.reply_text(context.tr.t("programs.bad_note", length=length))
        return State.NOTE
    return await _answered(update, context, ask_evidence, State.EVIDENCE, note=note)


async def got_evidence(update: Update, context: RounaqContext) -> int:
    message = message_of(update)
    evidence = None
    if message.photo:
        evidence = Evidence("photo", message.photo[-1].file_id)
    elif message.document is not None:
        name = (message.document.file_name or "")[:MAX_FILE_NAME] or None
        evidence = Evidence("document", message.document.file_id, name)
    return await _with_evidence(update, context, evidence)


async def no_evidence(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    return await _with_evidence(update, context, None)


async def _with_evidence(update: Update, context: RounaqContext, evidence: Evidence | None) -> int:
    """The evidence step answered (a file, or none): the date is asked next."""
    return await _answered(update, context, ask_date, State.DATE, evidence=evidence)


async def got_date(update: Update, context: RounaqContext) -> int:
    message, text = flow.typed(update)
    parsed = parse_date(text)
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    if parsed is None:
        refusal = context.tr.t(
            "programs.error.bad_date",
            text=escape(context.fmt.shorten(text, 40)),
            example=context.fmt.short_date(today),
        )
        await _date_again(context, message, refusal)
        return State.DATE
    day: date = parsed.togregorian()
    try:
        context.services.programs.check_update(None, "", day)
    except ProgramError as error:
        await _date_again(context, message, context.tr.t(f"programs.error.{error.reason}"))
        return State.DATE
    return await _dated(update, context, day)


async def _date_again(context: RounaqContext, message: Message, refusal: str) -> None:
    """The date refused, asked again with "today" under the refusal: the earlier
    question's button goes."""
    again = await message.reply_text(refusal, reply_markup=steps.remembered_markup(context))
    await steps.shown(context, DRAFT.key, again)


async def today_button(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    today = context.services.clock.now().astimezone(context.settings.tz).date()
    return await _dated(update, context, today)


async def _dated(update: Update, context: RounaqContext, day: date) -> int:
    """The date step answered (typed, or "today"): the update is shown to confirm."""
    return await _answered(update, context, confirm, State.CONFIRM, date=day)


async def save(update: Update, context: RounaqContext) -> int:
    choice = steps.chosen(update, context)
    values, tr, fmt = DRAFT.of(context), context.tr, context.fmt
    answered = values.answered()
    if answered is None:
        await choice.answer(tr.t("common.stale_button"), show_alert=True)
        await steps.retire(context, DRAFT.key)
        return ConversationHandler.END
    program_id, percent, note, day = answered
    try:
        saved = await context.services.programs.post_update(
            context.principal,
            program_id,
            percent=percent,
            note=note,
            reported_on=day,
            evidence=values.evidence,
        )
    except ProgramError as error:
        await choice.answer(tr.t(f"programs.error.{error.reason}"), show_alert=True)
        await steps.retire(context, DRAFT.key)
        return ConversationHandler.END
    await choice.answer()
    await choice.clear()
    # The summary's buttons, when "save" was typed rather than pressed.
    await steps.retire(context, DRAFT.key)
    DRAFT.drop(context)
    program = await context.services.programs.get(saved.program_id)
    assert program is not None
    await context.bot.send_message(
        chat_id(update),
        tr.t(
            "programs.saved",
            number=fmt.plain_int(program.number),
            percent=fmt.percent(saved.percent / 100),
        ),
        reply_markup=keyboard(
            [
                InlineKeyboardButton(
                    tr.t("programs.btn_list"), callback_data=OpenButton(program.number).pack()
                )
            ]
        ),
    )
    return ConversationHandler.END


def progress_conversation(application: RounaqApp) -> ConversationHandler[RounaqContext]:
    files = filters.PHOTO | filters.Document.ALL
    return flow.conversation(
        "progress",
        PROGRESS,
        {
            State.PROGRAM: steps.button_state(application, flow.on(PickProgram, got_program)),
            State.PERCENT: flow.text_step(got_percent),
            State.NOTE: flow.text_step(got_note),
            State.EVIDENCE: steps.button_state(
                application,
                flow.on(NoEvidence, no_evidence),
                also=[MessageHandler(files, got_evidence)],
            ),
            State.DATE: steps.button_state(
                application,
                flow.on(Today, today_button),
                also=[MessageHandler(flow.TEXT, got_date)],
                hint="common.text_expected",
            ),
            State.CONFIRM: steps.button_state(
                application,
                flow.on(Save, save),
                flow.on(Cancel, flow.cancel_button),
            ),
        },
        draft=DRAFT,
        lost="programs.restart",
        entry_button=UpdateButton.pattern(),
        asks={
            State.PROGRAM: ask_program,
            State.PERCENT: ask_percent_again,
            State.NOTE: ask_note,
            State.EVIDENCE: ask_evidence,
            State.DATE: ask_date,
            State.CONFIRM: confirm,
        },
    )


# A flow of typed answers: in a group, where a bot reads commands only, the percent and
# the note would never arrive; and the draft is the officer's own.
PROGRESS = command("progress", begin_progress, needs=Permission.UPDATE_PROGRAMS, private=True)
