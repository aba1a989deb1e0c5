"""`rounaq demo`: the bot and a local Bot API emulator with a chat page, no Telegram needed."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.models import Role
from storage.models_digest import ChatKind

log = logging.getLogger(__name__)

DEMO_TOKEN = "700000001:DEMO-local-emulator-token-not-secret"


@dataclass(frozen=True)
class Persona:
    user_id: int
    first_name: str
    label: str
    role: Role
    agency_code: str | None = None
    language: str = "fa"


# Demo people: one per role, so a newcomer can follow a report from owner to agency to HQ.
PERSONAS = (
    Persona(1001, "رضا", "صاحب واحد · Owner", Role.OWNER),
    Persona(2001, "مریم", "کارشناس صمت · SMT officer", Role.OFFICER, "smt"),
    Persona(2002, "حسین", "کارشناس بانک · Bank officer", Role.OFFICER, "banks"),
    Persona(3001, "سارا", "مقام استانی · Official", Role.OFFICIAL),
    Persona(5001, "امیر", "دبیرخانه ستاد · Secretariat", Role.SECRETARIAT),
    Persona(4001, "مدیر", "مدیر سامانه · Admin", Role.ADMIN),
)


async def _grant_personas(application_services: object) -> None:
    from bot.container import Services

    assert isinstance(application_services, Services)
    services = application_services
    for persona in PERSONAS:
        await services.users.touch(
            persona.user_id, first_name=persona.first_name, last_name=None, username=None
        )
        if persona.role is Role.OWNER:
            # Owners opt in to the digest; the demo owner has, so /senddigest shows theirs.
            await services.digest.subscribe(persona.user_id, ChatKind.USER)
        if persona.role in (Role.OWNER, Role.ADMIN):
            continue
        agency_id = None
        if persona.agency_code:
            agency = services.directory.agency_by_code(persona.agency_code)
            agency_id = agency.id if agency else None
        await services.users.grant(persona.user_id, persona.role, agency_id=agency_id)


@asynccontextmanager
async def demo_session(
    settings: Settings, *, host: str, port: int
) -> AsyncIterator[tuple[BotApiEmulator, RounaqApp]]:
    """The emulator with the demo people, and the bot running against it (tests use this)."""
    emulator = BotApiEmulator(
        token=DEMO_TOKEN, bot_username="rounaq_demo_bot", host=host, port=port
    )
    await emulator.start()
    try:
        for persona in PERSONAS:
            emulator.add_user(
                user_id=persona.user_id,
                first_name=persona.first_name,
                language_code=persona.language,
                persona=persona.label,
            )
        admin_ids = settings.admin_ids | {p.user_id for p in PERSONAS if p.role is Role.ADMIN}
        demo_settings = settings.model_copy(
            update={
                "bot_token": None,
                "bot_api_base_url": emulator.base_url,
                "bot_api_file_url": emulator.base_file_url,
                "admin_ids": admin_ids,
            }
        )
        async with running_bot(demo_settings, token=DEMO_TOKEN) as application:
            await _grant_personas(application.bot_data["services"])
            yield emulator, application
    finally:
        await emulator.stop()


async def run_demo(settings: Settings, *, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with demo_session(settings, host=host, port=port) as (emulator, _):
        print(f"Rounaq demo: open {emulator.url}/ in a browser (Ctrl+C stops)", flush=True)
        await stop.wait()
