"""Bringing an emulator user to a given step of a flow, fast: setup through the services,
the step itself through the real HTTP path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import RounaqApp
from emulator import BotApiEmulator, SentMessage
from storage.dto import UnitDTO
from tests.e2e.workflow_kit import services_of
from tests.hardening.corpus import CORPUS, Input
from tests.people import Person
from tests.services_kit import licensed_unit


async def new_person(
    app: RounaqApp, emulator: BotApiEmulator, user_id: int, *, lang: str = "fa"
) -> Person:
    """A user who has chosen their language (no unit yet)."""
    services = services_of(app)
    user = emulator.add_user(user_id, f"user{user_id}", language_code=lang)
    await services.users.touch(user_id, first_name=user.first_name, last_name=None, username=None)
    await services.users.set_language(user_id, lang)
    return Person(emulator, user)


async def give_unit(app: RounaqApp, person: Person, name: str = "کارگاه آزمون") -> UnitDTO:
    services = services_of(app)
    directory = services.directory
    return await services.units.register(
        person.id,
        licensed_unit(directory, name, f"+98912{person.id:07d}"),
    )


def button_data(message: SentMessage, prefix: str) -> str:
    for row in message.buttons:
        for _, data in row:
            if data and data.startswith(prefix):
                return data
    raise LookupError(f"no button with data {prefix!r}: {message.buttons}")


async def press_data(person: Person, message: SentMessage, prefix: str) -> None:
    await person.emu.press_raw(
        person.id, message.chat_id, message.message_id, button_data(message, prefix)
    )


async def to_report_description(app: RounaqApp, person: Person, category: str) -> SentMessage:
    """/report with one unit, a category chosen: the bot now asks for the description."""
    code = services_of(app).directory.category_by_code(category)
    assert code is not None
    ask = await person.say("/report")
    return await press_for_new(person, ask, f"rep:cat:{code.id}")


async def press_for_new(person: Person, message: SentMessage, prefix: str) -> SentMessage:
    """Press a button and return the first *new* message it brings (edits are skipped)."""
    cursor = person.emu.cursor(person.id)
    await press_data(person, message, prefix)
    return await person.emu.wait_for_message(person.id, lambda m: m.created_seq > cursor)


async def submit_report(app: RounaqApp, person: Person, description: str) -> SentMessage:
    """A whole non-financial report, from /report to the confirmation with its number."""
    await to_report_description(app, person, "permits")
    ask_files = await person.say(description)
    await press_data(person, ask_files, "rep:next")
    summary = await person.emu.wait_for_message(person.id, lambda m: has_button(m, "rep:submit"))
    await press_data(person, summary, "rep:submit")
    return await person.emu.wait_for_message(person.id, lambda m: has_button(m, "my:o:"))


async def wait_buttons(person: Person, prefix: str) -> SentMessage:
    """The (oldest) bot message that now carries a button whose data starts with ``prefix``,
    waiting for it if need be. Buttons pressed away (edited out) no longer count."""
    return await person.emu.wait_for_message(person.id, lambda m: has_button(m, prefix), after=0)


def has_button(message: SentMessage, prefix: str) -> bool:
    return any(d and d.startswith(prefix) for row in message.buttons for _, d in row)


Action = Callable[[RounaqApp, Person], Awaitable[None]]


def type_then_buttons(text: str, prefix: str) -> Action:
    """A step's valid continuation: type ``text``; the bot answers with a button whose data
    starts with ``prefix`` (the next step's)."""

    async def go_on(app: RounaqApp, person: Person) -> None:
        await person.send(text)
        await wait_buttons(person, prefix)

    return go_on


def press_then_buttons(prefix: str, next_prefix: str) -> Action:
    """A step's valid continuation: press the step's button (data starting with ``prefix``);
    the bot answers with a button whose data starts with ``next_prefix``."""

    async def go_on(app: RounaqApp, person: Person) -> None:
        message = await wait_buttons(person, prefix)
        await press_data(person, message, prefix)
        await wait_buttons(person, next_prefix)

    return go_on


def in_turn(*actions: Action) -> Action:
    """The actions one after another: a step is reached by reaching the one before it and
    going on from there."""

    async def run(app: RounaqApp, person: Person) -> None:
        for action in actions:
            await action(app, person)

    return run


@dataclass(frozen=True)
class Step:
    """A point in a flow where the bot waits for the user's input."""

    name: str
    reach: Callable[[RounaqApp, Person], Awaitable[None]]
    # Whether the bot's answer means the input was taken as a valid answer to the step.
    accepted: Callable[[SentMessage], bool]
    # The valid continuation: proves the flow still works after an input that was refused.
    go_on: Callable[[RounaqApp, Person], Awaitable[None]]
    # Inputs that leave the step by design (another flow's command): no go_on after them.
    leaves: frozenset[str] = field(default_factory=frozenset)
    # After an accepted input: carry the flow through to storage, so what is checked
    # afterwards includes every odd input the step let in.
    finish: Callable[[RounaqApp, Person], Awaitable[None]] | None = None
    # What is fed: the whole corpus on representative steps, the sharp subset elsewhere.
    inputs: tuple[Input, ...] = CORPUS
