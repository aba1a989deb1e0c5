"""The command table: which commands each role may run, which of them the command menu
shows, and the /help and welcome lists built from the same rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import BotCommand

from bot.access import ROLE_PERMISSIONS, Permission, Principal
from bot.formatting import RTL_LANGUAGES, isolate_ltr_runs
from bot.i18n import Translator
from storage.models import Role


@dataclass(frozen=True, slots=True)
class MenuCommand:
    command: str
    # None: everyone may run it.
    permission: Permission | None = None
    # False: runnable (and in /help) but kept out of the menu, e.g. admin tools that take
    # arguments.
    in_menu: bool = True


# The order /help lists a principal's roles in: their own work first, admin tools last.
HELP_ROLE_ORDER = (
    Role.OWNER,
    Role.OFFICER,
    Role.OFFICIAL,
    Role.SECRETARIAT,
    Role.MINISTRY,
    Role.ADMIN,
)


def runnable_commands(commands: Iterable[MenuCommand], principal: Principal) -> list[MenuCommand]:
    """Every command this principal may run."""
    return [c for c in commands if c.permission is None or principal.can(c.permission)]


def visible_commands(commands: Iterable[MenuCommand], principal: Principal) -> list[MenuCommand]:
    """The commands of this principal's menu."""
    return [c for c in runnable_commands(commands, principal) if c.in_menu]


def bot_commands(tr: Translator, commands: Sequence[MenuCommand]) -> list[BotCommand]:
    return [BotCommand(c.command, tr.t(f"menu.{c.command}")) for c in commands]


def help_sections(
    commands: Sequence[MenuCommand], principal: Principal
) -> list[tuple[Role | None, list[MenuCommand]]]:
    """The runnable commands grouped under the role that grants them (in HELP_ROLE_ORDER);
    commands open to everyone come last, under None. Each command is listed once."""
    runnable = runnable_commands(commands, principal)
    listed: set[str] = set()
    sections: list[tuple[Role | None, list[MenuCommand]]] = []
    for role in HELP_ROLE_ORDER:
        if role not in principal.roles:
            continue
        granted = ROLE_PERMISSIONS[role]
        own = [
            c
            for c in runnable
            if c.permission is not None and c.permission in granted and c.command not in listed
        ]
        listed.update(c.command for c in own)
        sections.append((role, own))
    sections.append((None, [c for c in runnable if c.permission is None]))
    return sections


def _in_direction(tr: Translator, line: str) -> str:
    """A filled-in line's /command isolated in a right-to-left language, as catalog text is
    when it loads (a placeholder's value is not seen then)."""
    return isolate_ltr_runs(line) if tr.lang in RTL_LANGUAGES else line


def help_text(tr: Translator, commands: Sequence[MenuCommand], principal: Principal) -> str:
    """/help and the welcome: per role a heading, its commands, and its tip if any."""
    blocks: list[str] = []
    for role, section in help_sections(commands, principal):
        key = f"help.{role.value}" if role is not None else "help.general"
        lines = [tr.t(key)]
        lines += [
            _in_direction(tr, tr.t("help.line", command=c.command, text=tr.t(f"menu.{c.command}")))
            for c in section
        ]
        tip = f"help.tip_{role.value}" if role is not None else ""
        if tip and tr.has(tip):
            lines.append(tr.t(tip))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
