"""The command menu: which commands each role sees, in the user's language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import BotCommand

from bot.access import Permission, Principal
from bot.i18n import Translator


@dataclass(frozen=True, slots=True)
class MenuCommand:
    command: str
    # None: everyone sees it.
    permission: Permission | None = None


def visible_commands(commands: Iterable[MenuCommand], principal: Principal) -> list[MenuCommand]:
    return [c for c in commands if c.permission is None or principal.can(c.permission)]


def bot_commands(tr: Translator, commands: Sequence[MenuCommand]) -> list[BotCommand]:
    return [BotCommand(c.command, tr.t(f"menu.{c.command}")) for c in commands]
