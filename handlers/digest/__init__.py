"""The daily digest in chat: /digest (preview), /subscribe, /unsubscribe (subscription),
the settings screen (settings), /senddigest for admins, and the daily jobs that start the
broadcast (jobs)."""

from __future__ import annotations

from typing import Any

from bot.access import Permission
from bot.context import RounaqApp
from handlers.declare import button, command
from handlers.digest import jobs, settings, subscription
from handlers.digest.jobs import runner_of
from handlers.digest.settings import PickTime, Setting, ToggleSection, TurnOff, TurnOn

__all__ = ["COMMANDS", "PickTime", "ToggleSection", "TurnOff", "TurnOn", "register", "runner_of"]

COMMANDS = [
    command("digest", subscription.digest_preview),
    command("subscribe", subscription.subscribe),
    command("unsubscribe", subscription.unsubscribe),
    command("digest_settings", settings.settings_screen),
    command("senddigest", subscription.send_digest_now, needs=Permission.BROADCAST),
]
SETTINGS_BUTTONS: list[tuple[type[Any], Setting[Any]]] = [
    (TurnOn, settings.turn_on),
    (TurnOff, settings.turn_off),
    (PickTime, settings.pick_time),
    (ToggleSection, settings.toggle_section),
]


def register(application: RounaqApp) -> None:
    for item in COMMANDS:
        application.add_handler(item.handler())
    # Who may change a chat's digest depends on the chat (chats.may_manage), checked in
    # settings.setting.
    for kind, change in SETTINGS_BUTTONS:
        application.add_handler(button(kind, settings.setting(change)))
    jobs.install(application)
