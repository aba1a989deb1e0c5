"""/help and the welcome list exactly the commands each role may run: the same table that
builds the command menu, checked against the role matrix written out in test_role_matrix."""

from __future__ import annotations

import re

from bot.context import RounaqApp
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.test_role_matrix import COMMANDS, ROLES, UNLISTED
from tests.e2e.workflow_kit import Cast, services_of

EVERYONE = {"start", "help", "language", "cancel", "report", "register"}
EXPECTED: dict[str, set[str]] = {
    role: {c for c, allowed in (COMMANDS | UNLISTED).items() if role in allowed} | EVERYONE
    for role in ROLES
}
_COMMAND_LINE = re.compile(r"(?m)^\u2066?/([a-z_]+)\b")  # isolated in fa


def listed(text: str) -> list[str]:
    return _COMMAND_LINE.findall(text)


async def test_help_and_welcome_list_exactly_what_each_role_may_run(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    for role, person in cast.everyone().items():
        help_text = (await person.say("/help")).text
        commands = listed(help_text)
        assert len(commands) == len(set(commands)), (role, commands)  # each once
        assert set(commands) == EXPECTED[role], (role, set(commands) ^ EXPECTED[role])
        welcome = await person.say("/start")
        assert set(listed(welcome.text)) == EXPECTED[role], role


async def test_admin_help_names_the_tools_the_issue_found_missing(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    admin_help = set(listed((await cast.admin.say("/help")).text))
    assert {"senddigest", "digest", "editprogram", "status", "loans", "stats", "export"} <= (
        admin_help
    )
    officer_welcome = set(listed((await cast.officer.say("/start")).text))
    assert "progress" in officer_welcome


async def test_the_admin_person_screen_names_the_agency_not_its_code(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The bank officer's card: "➖ کارشناس دستگاه <the agency's name>", not "... banks"."""
    card = await cast.admin.say(f"/admin {cast.bank_officer.id}")
    revoke = [t for t in card.button_texts if t.startswith("➖")]
    assert revoke
    assert all("banks" not in t for t in revoke), revoke
    agency = services_of(app).directory.agency(cast.banks_id).name("fa")
    assert any(agency[:20] in t for t in revoke), revoke


async def test_the_ministry_help_lists_its_commands(
    app: RounaqApp, emulator: BotApiEmulator, cast: Cast
) -> None:
    """The sixth role, outside the five of the role matrix: written out here."""
    services = services_of(app)
    await services.users.grant(cast.other_owner.id, Role.MINISTRY)
    commands = set(listed((await cast.other_owner.say("/help")).text))
    ministry = {"national", "status", "loans", "stats", "export", "laws", "myreports", "compliance"}
    digest = {"digest", "subscribe", "unsubscribe", "digest_settings"}
    assert commands == EVERYONE | ministry | digest
