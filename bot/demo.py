"""`rounaq demo`: the bot and a local Bot API emulator with a chat page, no Telegram needed."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from bot.context import RounaqApp
from bot.runtime import running_bot
from bot.settings import Settings
from bot.state import runtime_of
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
    Persona(6001, "نرگس", "وزارت صمت · Ministry", Role.MINISTRY),
)
# Who gets a digest in the demo without asking: the owner (who opted in), the admin and the
# ministry (neither is subscribed by the role), besides the roles subscribed by default.
DEMO_SUBSCRIBED = frozenset({Role.OWNER, Role.ADMIN, Role.MINISTRY})

# A few facilities as a bank's spreadsheet would list them, so /loans has breakdowns (by
# bank, sector, county, stage, month) in the demo. Imported through the real import
# service, as an admin's file would be; a second start finds it already imported.
DEMO_LOANS_HEADER = (
    "ردیف", "نام واحد/طرح", "بانک عامل", "بخش", "شهرستان",
    "مبلغ تسهیلات (ریال)", "نوع تسهیلات", "مرحله", "تاریخ پرداخت",
)  # fmt: skip
DEMO_LOANS = (
    ("1", "فرش کاشان قم", "بانک ملی", "فرش", "قم", "2500000000000", "سرمایه در گردش", "پرداخت‌شده", "1398/05/12"),  # noqa: E501  (one spreadsheet row per line)
    ("2", "کفش آریا", "بانک ملت", "کفش", "قم", "1500000000000", "سرمایه ثابت", "پرداخت‌شده", "1398/06/03"),  # noqa: E501
    ("3", "سوهان ممتاز", "بانک صادرات ایران", "سوهان", "کهک", "500000000000", "سرمایه در گردش", "پرداخت‌شده", "1398/06/20"),  # noqa: E501
    ("4", "مبلمان نوین", "بانک ملی ایران", "مبلمان", "قم", "800000000000", "سرمایه ثابت", "تأیید بانک", "1398/07/01"),  # noqa: E501
    ("5", "پوشاک البرز", "بانک تجارت", "پوشاک", "قم", "300000000000", "سرمایه در گردش", "ثبت درخواست", "1398/07/15"),  # noqa: E501
)  # fmt: skip


def demo_loans_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([DEMO_LOANS_HEADER, *DEMO_LOANS])
    return buffer.getvalue().encode("utf-8-sig")


async def _grant_personas(application_services: object) -> None:
    from bot.container import Services

    assert isinstance(application_services, Services)
    services = application_services
    for persona in PERSONAS:
        await services.users.touch(
            persona.user_id, first_name=persona.first_name, last_name=None, username=None
        )
        if persona.role in DEMO_SUBSCRIBED:
            # So that the admin's /senddigest shows every demo person their own digest.
            await services.digest.subscribe(persona.user_id, ChatKind.USER)
        if persona.role in (Role.OWNER, Role.ADMIN):
            continue
        agency_id = None
        if persona.agency_code:
            agency = services.directory.agency_by_code(persona.agency_code)
            agency_id = agency.id if agency else None
        await services.users.grant(persona.user_id, persona.role, agency_id=agency_id)


async def seed_demo_figures(application_services: object) -> None:
    """Demo mode only: a handful of loan rows, through the real import (idempotent)."""
    from bot.container import Services

    assert isinstance(application_services, Services)
    result = await application_services.loans.import_file(
        demo_loans_csv(), "demo-loans.csv", imported_by=None
    )
    if not (result.imported or result.duplicate_of):
        log.warning("demo loans were not imported: %s", result)


# The HQ session a stranger finds on /session as the secretariat: next week, the two
# agencies of the demo invited, and two items from the province's strategy document
# (the seed's own session), put on the agenda by the HQ itself.
DEMO_SESSION_PLACE = "سالن جلسات استانداری قم"
DEMO_SESSION_CHAIR = "استاندار قم"
DEMO_SESSION_AGENCIES = ("smt", "banks")
DEMO_SESSION_ITEMS = (
    ("تأمین مواد اولیهٔ واحدهای تولیدی و نظارت بر مصرف آن", "input"),
    ("اجرای تکالیف دولتی بانک‌ها برای تسهیل نقدینگی واحدهای صنعتی", "bank"),
)
DEMO_SESSION_DAYS_AHEAD = 7


async def seed_demo_session(application_services: object) -> None:
    """Demo mode only: one scheduled HQ session with its agenda (once; a restart keeps it)."""
    from bot.access import Principal
    from bot.container import Services

    assert isinstance(application_services, Services)
    services = application_services
    secretariat = next(p for p in PERSONAS if p.role is Role.SECRETARIAT)
    principal = Principal(secretariat.user_id, frozenset({Role.SECRETARIAT}), frozenset())
    sessions = services.sessions
    if await sessions.sessions(principal):
        return
    tz = services.settings.tz
    # A week ahead, or the first working day after: a demo started on a Friday (or a week
    # before a holiday) must not find the HQ meeting on the weekend.
    week_ahead = services.clock.now() + timedelta(days=DEMO_SESSION_DAYS_AHEAD - 1)
    day = services.calendar.add_working_days(week_ahead, 1).astimezone(tz)
    session = await sessions.schedule(
        principal,
        number=await sessions.next_number(),
        starts_at=datetime.combine(day.date(), time(10, 0), tzinfo=tz),
        place=DEMO_SESSION_PLACE,
        chair=DEMO_SESSION_CHAIR,
    )
    for code in DEMO_SESSION_AGENCIES:
        agency = services.directory.agency_by_code(code)
        if agency is not None:
            await sessions.invite(principal, session.id, agency.id)
    for title, cause in DEMO_SESSION_ITEMS:
        await sessions.add_own_item(principal, session.id, title=title, cause_kind=cause)


EMULATOR_STATE_FILE = "demo-emulator.json"


def demo_data_dir(settings: Settings) -> Path:
    """Where the demo keeps its emulator: DEMO_DATA_DIR, else beside the SQLite file."""
    if settings.demo_data_dir is not None:
        return settings.demo_data_dir
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent
    return Path("data")


def demo_api_port(settings: Settings, port: int) -> int | None:
    """API_PORT if set, else the port after the demo page's (none beside a random port)."""
    if settings.api_port is not None:
        return settings.api_port
    return port + 1 if port else None


@asynccontextmanager
async def demo_session(
    settings: Settings, *, host: str, port: int
) -> AsyncIterator[tuple[BotApiEmulator, RounaqApp]]:
    """The emulator with the demo people, and the bot running against it (tests use this).

    The emulator is kept in the demo's data dir: after a restart the page shows the same
    chats, and update ids go on from where they were (the bot remembers the handled ones).
    """
    data_dir = demo_data_dir(settings)
    data_dir.mkdir(parents=True, exist_ok=True)
    emulator = BotApiEmulator(
        token=DEMO_TOKEN, bot_username="rounaq_demo_bot", host=host, port=port,
        state_path=data_dir / EMULATOR_STATE_FILE,
    )  # fmt: skip
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
                # The Open311 API and the dashboard are on in the demo, beside the page.
                "api_port": demo_api_port(settings, port),
                "api_listen": (
                    settings.api_listen if "api_listen" in settings.model_fields_set else host
                ),
            }
        )
        async with running_bot(demo_settings, token=DEMO_TOKEN) as application:
            services = runtime_of(application).services
            await _grant_personas(services)
            await seed_demo_figures(services)
            await seed_demo_session(services)
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
        api_port = demo_api_port(settings, port)
        if api_port is not None:
            print(f"Dashboard and Open311 API: http://{host}:{api_port}/", flush=True)
        if emulator.restored:
            log.info("demo chats restored from %s", emulator.state_path)
        await stop.wait()
