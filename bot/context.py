"""The typed callback context every handler receives."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.access import Principal
from bot.container import Services
from bot.formatting import Presenter
from bot.i18n import Translator, get_translator
from bot.settings import Settings
from bot.state import Runtime, runtime_of

BotData = dict[str, Any]
UserData = dict[str, Any]
ChatData = dict[str, Any]

LANG_KEY = "lang"


class RounaqContext(CallbackContext[ExtBot[Any], UserData, ChatData, BotData]):
    """Adds the services, the acting principal and the request's language.

    The language is per request (kept in user_data), never process-wide, so two users
    in two languages can be served at the same moment.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._principal: Principal | None = None
        self._language: str | None = None
        # The update being handled: its notices are queued with its done mark (bot.outbox).
        self.update_id: int | None = None
        # This update's answer goes to the person's private chat, not the group it came
        # from: a command declared to answer privately (handlers.declare), typed in a group.
        self.private_reply = False

    @classmethod
    def from_update(
        cls,
        update: object,
        application: Application[Any, Any, Any, Any, Any, Any],
    ) -> RounaqContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context.update_id = update.update_id
        return context

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.application)

    @property
    def services(self) -> Services:
        return self.runtime.services

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            raise RuntimeError("the principal is loaded by the update gate (group -1)")
        return self._principal

    @principal.setter
    def principal(self, value: Principal) -> None:
        self._principal = value

    @property
    def lang(self) -> str:
        if self._language:
            return self._language
        user_data = self.user_data if self._user_id is not None else None
        if user_data and isinstance(user_data.get(LANG_KEY), str):
            return str(user_data[LANG_KEY])
        return self.settings.default_language

    @lang.setter
    def lang(self, value: str) -> None:
        self._language = value
        if self._user_id is not None and self.user_data is not None:
            self.user_data[LANG_KEY] = value

    def language_of(self, chat_id: int, chosen: str | None) -> str:
        """The language to write to a person in who is not the one acting: the one they
        chose, else the one they read the bot in (their app's, kept in their user_data by
        the gate until they choose), else the default. A group chat has no user_data."""
        if chosen:
            return chosen
        user_data = self.application.user_data.get(chat_id)
        shown = user_data.get(LANG_KEY) if user_data else None
        return shown if isinstance(shown, str) else self.settings.default_language

    @property
    def tr(self) -> Translator:
        return get_translator(self.lang)

    @property
    def fmt(self) -> Presenter:
        return Presenter(lang=self.lang, tz=self.settings.tz)


RounaqApp = Application[ExtBot[Any], RounaqContext, UserData, ChatData, BotData, Any]
