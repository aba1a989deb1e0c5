"""The application's live objects: everything a running bot holds that is not persisted.

One typed object on the application (bot.delivery.RounaqApplication.runtime), reached from
handlers as `context.runtime`. bot_data is left to persisted JSON: PTB replaces it with the
stored copy at start-up and deep-copies it for the persistence, neither of which suits an
engine, a running task or a function.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.container import Services
from bot.digest.runner import DigestRunner
from bot.menu import MenuCommand
from bot.settings import Settings
from bot.warmup import Warmer

if TYPE_CHECKING:  # bot.outbox imports bot.delivery, which imports this module
    from bot.outbox import Outbox

# `async def hook(application)`: start hooks run at the end of start-up, stop hooks after
# the application stopped taking updates and before the bot's connection closes.
Hook = Callable[[Any], Awaitable[None]]
# handlers.asking's (update, context, saved data, text) -> done; typed precisely there.
PromptHandler = Callable[..., Awaitable[bool]]


@dataclass
class Runtime:
    settings: Settings
    # Built in initialize() unless given (bot.app.prepare): the migrated database first.
    built_services: Services | None = None
    # The command table, in menu order (handlers.MENU).
    menu: list[MenuCommand] = field(default_factory=list)
    # handlers.flow.prompt: what answers a pending free-text prompt, by kind.
    prompt_handlers: dict[str, PromptHandler] = field(default_factory=dict)
    # The edited messages a feature takes (its handler's check_update): handlers.gate lets
    # those through to it and answers every other edit.
    edit_claims: list[Callable[[object], object]] = field(default_factory=list)
    start_hooks: list[Hook] = field(default_factory=list)
    stop_hooks: list[Hook] = field(default_factory=list)
    # handlers.digest: the one broadcast run at a time.
    digest_runner: DigestRunner | None = None
    # handlers.stats: the start-up warm-up of /stats and /loans.
    warmer: Warmer | None = None
    # bot.outbox: notices queued with the commit, and their sender (bot.app starts it).
    outbox: Outbox | None = None

    @property
    def services(self) -> Services:
        if self.built_services is None:
            raise RuntimeError("the services are built when the application initialises")
        return self.built_services


def runtime_of(application: object) -> Runtime:
    """The runtime of an application built by bot.app.build_application."""
    runtime = getattr(application, "runtime", None)
    if not isinstance(runtime, Runtime):
        raise RuntimeError("the application is built by bot.app.build_application")
    return runtime
