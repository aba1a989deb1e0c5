"""What the report flow asks at each step; several steps lead to the same question."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RounaqContext
from bot.i18n import Translator
from bot.services.reports import DESCRIPTION_MAX, DESCRIPTION_MIN, MAX_ATTACHMENTS
from bot.views import report as views_report
from handlers.report.draft import (
    DRAFT,
    AttachmentsDone,
    CancelReport,
    EditCategory,
    EditDescription,
    NewDraft,
    PickCategory,
    Resume,
    SkipAmount,
    State,
    Submit,
    send,
    send_step,
    start_again,
)
from handlers.steps import retire, step_markup
from handlers.ui import keyboard, rows


async def ask_resume(update: Update, context: RounaqContext) -> int:
    tr = context.tr
    buttons = keyboard(
        [InlineKeyboardButton(tr.t("report.btn_resume"), callback_data=Resume().pack())],
        [InlineKeyboardButton(tr.t("report.btn_new"), callback_data=NewDraft().pack())],
    )
    await send_step(update, context, tr.t("report.resume_question"), buttons)
    return State.RESUME


async def ask_category(update: Update, context: RounaqContext) -> None:
    lang = context.lang
    buttons = [
        InlineKeyboardButton(c.name(lang), callback_data=PickCategory(c.id).pack())
        for c in context.services.directory.categories
    ]
    await send_step(
        update, context, context.tr.t("report.ask_category"), keyboard(*rows(buttons, 2))
    )


async def ask_description(update: Update, context: RounaqContext) -> None:
    step_markup(context, None)  # a text step: no buttons to bring back
    await retire(context, DRAFT.key)
    await send(
        update,
        context,
        context.tr.t(
            "report.ask_description",
            min=context.fmt.number(DESCRIPTION_MIN),
            max=context.fmt.number(DESCRIPTION_MAX),
        ),
    )


async def ask_attachments(update: Update, context: RounaqContext) -> int:
    tr = context.tr
    count = len(DRAFT.of(context).attachments)
    text = tr.t("report.ask_attachments", max=context.fmt.number(MAX_ATTACHMENTS))
    if count:
        text += "\n" + tr.plural("report.attachments_so_far", count)
    await send_step(update, context, text, continue_markup(tr))
    return State.ATTACH


def continue_markup(tr: Translator) -> InlineKeyboardMarkup | None:
    button = InlineKeyboardButton(
        tr.t("report.btn_continue"), callback_data=AttachmentsDone().pack()
    )
    return keyboard([button])


async def after_description(update: Update, context: RounaqContext) -> int:
    values = DRAFT.of(context)
    if values.unit_id is None or values.category_id is None:
        return await start_again(update, context)
    category = context.services.directory.category(values.category_id)
    if category.financial and values.amount is None and not values.amount_skipped:
        return await ask_amount(update, context)
    return await show_summary(update, context)


async def ask_amount(update: Update, context: RounaqContext) -> int:
    tr = context.tr
    skip = InlineKeyboardButton(tr.t("report.btn_skip"), callback_data=SkipAmount().pack())
    await send_step(update, context, tr.t("report.ask_amount"), keyboard([skip]))
    return State.AMOUNT


async def show_summary(update: Update, context: RounaqContext) -> int:
    values = DRAFT.of(context)
    if values.unit_id is None or values.category_id is None or values.description is None:
        return await start_again(update, context)
    tr = context.tr
    unit = await context.services.units.get(values.unit_id)
    if unit is None:
        await send(update, context, tr.t("report.restart"))
        return ConversationHandler.END
    category = context.services.directory.category(values.category_id)
    text = views_report.draft_summary(
        tr,
        context.fmt,
        unit_name=unit.name,
        category=category,
        agency=context.services.reports.routed_agency(category.id, unit.sector_id, unit.county_id),
        amount=values.amount,
        attachments=len(values.attachments),
        description=values.description,
    )
    buttons = keyboard(
        [InlineKeyboardButton(tr.t("report.btn_submit"), callback_data=Submit().pack())],
        [
            InlineKeyboardButton(
                tr.t("report.btn_edit_description"), callback_data=EditDescription().pack()
            ),
            InlineKeyboardButton(
                tr.t("report.btn_edit_category"), callback_data=EditCategory().pack()
            ),
        ],
        [InlineKeyboardButton(tr.t("report.btn_cancel"), callback_data=CancelReport().pack())],
    )
    await send_step(update, context, text, buttons)
    return State.CONFIRM
