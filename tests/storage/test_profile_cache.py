"""The gate reads a person's profile once (bot.services.users): a first update's touch and
a language change keep the cached profile exact without reading the same rows again, and
a role granted later is still seen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.container import Services
from storage.models import Role


@contextmanager
def reads(services: Services) -> Iterator[list[str]]:
    """The SELECT statements run while the block runs."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            seen.append(str(args[2]))

    engine = services.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_new_person_is_read_once_and_their_language_change_is_kept(
    services: Services,
) -> None:
    users = services.users
    first = await users.profile(8101)
    assert not first.known
    await users.touch(8101, first_name="Sara", last_name=None, username=None)
    with reads(services) as selects:
        after_touch = await users.profile(8101)
    assert after_touch.known
    assert after_touch.language is None
    assert after_touch.principal == first.principal
    assert selects == []

    await users.set_language(8101, "en")
    with reads(services) as selects:
        assert (await users.profile(8101)).language == "en"
    assert selects == []

    officer = services.directory.agency_by_code("smt")
    assert officer is not None
    await users.grant(8101, Role.OFFICER, agency_id=officer.id)
    profile = await users.profile(8101)  # read again: the grant changed the roles
    assert profile.principal.has(Role.OFFICER)
    assert profile.language == "en"


async def test_a_language_set_for_nobody_is_not_remembered(services: Services) -> None:
    users = services.users
    await users.profile(8102)
    await users.set_language(8102, "en")  # no row: nothing is stored
    profile = await users.profile(8102)
    assert not profile.known
    assert profile.language is None
