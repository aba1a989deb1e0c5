"""/report begins: go on with a draft or start over, then the unit and the category."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RounaqContext
from bot.formatting import escape
from handlers import flow, registration
from handlers.report import prompts
from handlers.report.draft import DRAFT, PickCategory, PickUnit, State, send, send_step
from handlers.start import RESUME_REGISTER, RESUME_REPORT
from handlers.ui import keyboard, rows


async def begin(update: Update, context: RounaqContext) -> int:
    query = update.callback_query
    if query is not None:
        await query.answer()
    held = DRAFT.held(context)
    resume = query is not None and query.data == RESUME_REPORT
    if resume and held is None:
        return await draft_gone(update, context)
    if held is not None and held.category_id is not None:
        if resume:
            return await go_on(update, context)
        # A draft in hand (the owner came back after a while, or a restart): /report must
        # not throw away what they wrote. Ask first.
        return await prompts.ask_resume(update, context)
    return await _start(update, context)


async def resume_draft(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    return await go_on(update, context)


async def go_on(update: Update, context: RounaqContext) -> int:
    """The held draft asked on from the step it was left at."""
    held = DRAFT.of(context)
    if held.description is not None and not held.files_done:
        # Left at the files step: photos are taken there only.
        return await prompts.ask_attachments(update, context)
    if held.description is not None:
        return await prompts.after_description(update, context)
    await prompts.ask_description(update, context)
    return State.DESCRIPTION


async def draft_gone(update: Update, context: RounaqContext) -> int:
    """ "Continue the unfinished report" pressed on an old list after the draft ended
    (submitted, or cancelled): a new report begun unasked would pass for the old one going
    on. They are told, with a new report and their reports to choose from."""
    tr = context.tr
    await send(
        update,
        context,
        tr.t("report.draft_gone"),
        reply_markup=keyboard(
            [InlineKeyboardButton(tr.t("start.btn_report"), callback_data="menu:report")],
            [InlineKeyboardButton(tr.t("start.btn_myreports"), callback_data="menu:myreports")],
        ),
    )
    return ConversationHandler.END


async def new_draft(update: Update, context: RounaqContext) -> int:
    await flow.pressed(update, context)
    return await _start(update, context)


async def _start(update: Update, context: RounaqContext) -> int:
    units = await context.services.units.of_owner(context.principal.user_id)
    if not units:
        text, markup = _register_first(context)
        await send(update, context, text, reply_markup=markup)
        return ConversationHandler.END
    if len(units) == 1:
        DRAFT.put(context, DRAFT.shape(unit_id=units[0].id))
        await prompts.ask_category(update, context)
        return State.CATEGORY
    DRAFT.put(context, DRAFT.shape())
    return await ask_unit(update, context)


def _register_first(context: RounaqContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """No unit yet: the way to register one, or, with its registration half-way (the
    owner sent /report at its last question), the way back to that step: "register a
    unit" would begin it again and lose the answers given."""
    tr = context.tr
    if registration.DRAFT.held(context) is not None:
        text, label, data = (
            tr.t("report.no_units_registering"),
            tr.t("registration.btn_resume"),
            RESUME_REGISTER,
        )
    else:
        text, label, data = tr.t("report.no_units"), tr.t("start.btn_register"), "menu:register"
    return text, keyboard([InlineKeyboardButton(label, callback_data=data)])


async def ask_unit(update: Update, context: RounaqContext) -> int:
    units = await context.services.units.of_owner(context.principal.user_id)
    buttons = [
        InlineKeyboardButton(context.fmt.shorten(u.name, 40), callback_data=PickUnit(u.id).pack())
        for u in units
    ]
    await send_step(update, context, context.tr.t("report.ask_unit"), keyboard(*rows(buttons, 1)))
    return State.UNIT


async def got_unit(update: Update, context: RounaqContext) -> int:
    own = {u.id: u for u in await context.services.units.of_owner(context.principal.user_id)}
    got = await flow.pick(update, context, PickUnit, lambda p: p.unit_id in own)
    if got is None:
        return State.UNIT
    choice, picked = got
    with DRAFT.edit(context) as draft:
        draft.unit_id = picked.unit_id
    # The picker says what was chosen, as the category's does: its other units' buttons,
    # left standing, would only answer "no longer valid".
    unit = context.fmt.name(own[picked.unit_id].name)
    await choice.edit(context.tr.t("report.unit_chosen", unit=unit))
    await prompts.ask_category(update, context)
    return State.CATEGORY


async def got_category(update: Update, context: RounaqContext) -> int:
    directory = context.services.directory
    known = {c.id for c in directory.categories}
    got = await flow.pick(update, context, PickCategory, lambda p: p.category_id in known)
    if got is None:
        return State.CATEGORY
    choice, picked = got
    with DRAFT.edit(context) as values:
        values.category_id = picked.category_id
    category = directory.category(picked.category_id)
    await choice.edit(
        context.tr.t("report.category_chosen", category=escape(category.name(context.lang)))
    )
    if values.description:
        # Changing the category from the summary: everything else is already there.
        return await prompts.after_description(update, context)
    await prompts.ask_description(update, context)
    return State.DESCRIPTION
