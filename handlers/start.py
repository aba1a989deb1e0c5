"""/start, language choice, /help and the per-user command menu."""

from __future__ import annotations

import logging

from telegram import BotCommandScopeChat, CallbackQuery, Chat, InlineKeyboardButton, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.access import Permission
from bot.callback_data import CallbackData
from bot.context import RounaqApp, RounaqContext
from bot.formatting import Presenter
from bot.i18n import get_translator, languages
from bot.menu import MenuCommand, bot_commands, help_text, visible_commands
from handlers import asking, drafts
from handlers.declare import button
from handlers.ui import keyboard

log = logging.getLogger(__name__)

COMMANDS = [
    MenuCommand("start"),
    MenuCommand("help"),
    MenuCommand("language"),
    MenuCommand("cancel"),
]


# user_data: the language prompt last answered (its message id): a second press on it is a
# double tap, not a new choice.
ANSWERED_KEY = "lang_answered"


class ChooseLanguage(CallbackData, prefix="lang"):
    lang: str

    def valid(self) -> bool:
        return self.lang in languages()


# The unfinished report's "go on" where the report flow is not asking (/myreports): it goes
# on with the draft if there is one still, else says it is gone (handlers/report/entry).
RESUME_REPORT = "menu:report:resume"
# The same for a unit's registration left half-way (handlers/registration).
RESUME_REGISTER = "menu:register:resume"


def menu_buttons(
    context: RounaqContext, *, with_help: bool = False, owner_shortcuts: bool = True
) -> list[list[InlineKeyboardButton]]:
    """Shortcuts on the greeting and on every "what can I do here" answer, by what this
    principal may do (the fallback adds a help button: its text points to the buttons)."""
    tr, principal = context.tr, context.principal
    buttons: list[list[InlineKeyboardButton]] = []
    if owner_shortcuts and principal.can(Permission.SUBMIT_REPORT):
        buttons.append(
            [
                InlineKeyboardButton(tr.t("start.btn_report"), callback_data="menu:report"),
                InlineKeyboardButton(tr.t("start.btn_register"), callback_data="menu:register"),
            ]
        )
        buttons.append(
            [InlineKeyboardButton(tr.t("start.btn_myreports"), callback_data="menu:myreports")]
        )
    if with_help:
        buttons.append([InlineKeyboardButton(tr.t("start.btn_help"), callback_data="menu:help")])
    return buttons


async def refresh_menu(context: RounaqContext, chat_id: int) -> None:
    """Show this user the commands their roles allow, in their language."""
    commands = visible_commands(_registry(context), context.principal)
    try:
        await context.bot.set_my_commands(
            bot_commands(context.tr, commands), scope=BotCommandScopeChat(chat_id)
        )
    except TelegramError as exc:
        # A menu is a convenience; failing to set it must not fail the greeting.
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)


async def start(update: Update, context: RounaqContext) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    await context.services.users.touch(
        user.id, first_name=user.first_name, last_name=user.last_name, username=user.username
    )
    profile = await context.services.users.profile(user.id)
    if profile.language is None:
        await ask_language(update, context)
        return
    await greet(update, context)


async def greet(update: Update, context: RounaqContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    tr, principal = context.tr, context.principal
    role = tr.t(f"roles.{principal.primary_role.value}")
    text = tr.t("start.greeting", name=context.fmt.name(user.first_name), role=role)
    text += "\n\n" + help_text(tr, _registry(context), principal)
    private = chat.type == chat.PRIVATE
    text += _still_open(context, chat)
    # The shortcuts begin owners' flows, which belong in the private chat (as their
    # commands do, handlers.fallback): in a group they would post personal details there.
    buttons = keyboard(*menu_buttons(context)) if private else None
    await context.bot.send_message(chat.id, text, reply_markup=buttons)
    if private:
        await refresh_menu(context, chat.id)


async def ask_language(update: Update, context: RounaqContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    buttons = [
        InlineKeyboardButton(
            get_translator(lang).t("start.language_name"), callback_data=ChooseLanguage(lang).pack()
        )
        for lang in languages()
    ]
    # Both languages at once: the user has not chosen one yet. Each line keeps its own
    # direction, so the English line's full stop stays at its end in an RTL message.
    host = Presenter(languages()[0])
    text = "\n".join(
        host.embed(get_translator(lang).t("start.choose_language"), lang) for lang in languages()
    )
    await context.bot.send_message(chat.id, text, reply_markup=keyboard(buttons))


async def language_command(update: Update, context: RounaqContext) -> None:
    await ask_language(update, context)


async def set_language(context: RounaqContext, query: CallbackQuery, data: ChooseLanguage) -> bool:
    """The choice kept, and said in the language chosen on the message that offered it.
    False for a second press on a prompt already answered (a double tap): it is only
    answered, so what follows a choice (the greeting, a step asked again) comes once."""
    message = query.message
    if context.user_data is not None and message is not None:
        prompt = [message.chat.id, message.message_id]  # a list: user_data is kept as JSON
        if context.user_data.get(ANSWERED_KEY) == prompt:
            await query.answer(context.tr.t("start.language_set"))
            return False
        context.user_data[ANSWERED_KEY] = prompt
    await context.services.users.set_language(query.from_user.id, data.lang)
    context.lang = data.lang
    await query.answer(context.tr.t("start.language_set"))
    await query.edit_message_text(context.tr.t("start.language_set"))
    return True


async def choose_language(
    update: Update, context: RounaqContext, query: CallbackQuery, data: ChooseLanguage
) -> None:
    """Outside a flow: the greeting follows, in the new language (within one, the step is
    asked again instead: handlers/flow.conversation). While a text is asked for (a note,
    a reason), that it is still awaited."""
    if not await set_language(context, query, data):
        return
    if asking.pending(context) is not None:
        await refresh_menu(context, query.from_user.id)  # as greet() would
        await context.bot.send_message(query.from_user.id, context.tr.t("common.prompt_still_open"))
        return
    await greet(update, context)


async def help_button(update: Update, context: RounaqContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await help_command(update, context)


async def help_command(update: Update, context: RounaqContext) -> None:
    message = update.effective_message
    if message is None:
        return
    text = help_text(context.tr, _registry(context), context.principal)
    await message.reply_text(text + _still_open(context, message.chat))


def _still_open(context: RounaqContext, chat: Chat) -> str:
    """What the greeting and /help add in the middle of a flow (private chat): their menu
    begins other things, and what the person began still takes their next words."""
    if chat.type != chat.PRIVATE or not drafts.any_open(context.user_data):
        return ""
    return "\n\n" + context.tr.t("start.flow_open")


def _registry(context: RounaqContext) -> list[MenuCommand]:
    """The command table (handlers.MENU), which also builds the menu."""
    return context.runtime.menu or list(COMMANDS)


def register(application: RounaqApp) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CallbackQueryHandler(help_button, pattern=r"^menu:help$"))
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(button(ChooseLanguage, choose_language))
