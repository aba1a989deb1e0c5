"""The people of the walk: every role, seeded as the e2e tests seed them.

Roles are granted through the services before the bot starts (as tests/e2e/test_crash.py
does), so the same population works for the in-process bot and for `python -m bot run`.
The agency group chat is bound through the real admin flow (`/admin group smt` in the
group), once the bot runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.container import build_services
from bot.services.units import UnitDraft
from bot.settings import Settings
from emulator import BotApiEmulator
from storage.models import PermitStatus, Role
from tests.conftest import ADMIN_ID

GROUP_ID = -1001234500001  # the SMT agency's group chat


@dataclass(frozen=True)
class Actor:
    key: str
    user_id: int
    name: str
    kind: str  # new, owner, officer, official, secretariat, admin, ministry
    lang: str = "fa"
    agency: str | None = None  # officers: the agency code
    units: tuple[str, ...] = ()  # owners: the sectors of the units registered before the walk
    started: bool = True  # False: never pressed /start, not in the database

    @property
    def is_owner_side(self) -> bool:
        """Owners and new people: they may only ever see their own reports and phone."""
        return self.kind in ("new", "owner")


# Officers staff the agencies the seeded units' reports route to (storage/datasets/qom.toml):
# SMT (raw materials, permits, mining; with a group chat), the banks, tax, social security,
# power, industrial estates, environment, customs, and heritage and tourism (a carpet
# unit's markets). Agriculture, gas and regional water stay unstaffed on purpose, so an
# agricultural or kiln unit's reports go to the HQ ("unstaffed"), beside the HQ's own
# categories (laws, other).
CAST: tuple[Actor, ...] = (
    Actor("new_fa", 9001, "نوید", "new", started=False),
    Actor("new_en", 9002, "Nora", "new", lang="en", started=False),
    Actor("owner_a", 1001, "رضا", "owner", units=("carpet",)),
    Actor("owner_b", 1003, "زهرا", "owner", units=("shoes", "construction_materials")),
    Actor("owner_none", 1004, "کاوه", "owner"),
    Actor("owner_en", 1002, "Sam", "owner", lang="en", units=("agriculture",)),
    Actor("officer_smt", 2001, "مریم", "officer", agency="smt"),
    Actor("officer_bank", 2002, "حسین", "officer", agency="banks"),
    Actor("officer_tax", 2003, "علی", "officer", agency="tax"),
    Actor("officer_ss", 2004, "نرگس", "officer", agency="social_security"),
    Actor("officer_power", 2005, "بهرام", "officer", agency="power"),
    Actor("officer_estates", 2006, "لیلا", "officer", agency="industrial_estates"),
    Actor("officer_env", 2007, "Erin", "officer", lang="en", agency="environment"),
    Actor("officer_customs", 2008, "جواد", "officer", agency="customs"),
    Actor("officer_heritage", 2009, "مینا", "officer", agency="heritage_tourism"),
    Actor("official", 3001, "سارا", "official"),
    Actor("secretariat", 5001, "امیر", "secretariat"),
    Actor("admin", ADMIN_ID, "مدیر", "admin"),
    Actor("ministry", 6001, "وزیر", "ministry"),
)
BY_KEY: dict[str, Actor] = {a.key: a for a in CAST}
BY_ID: dict[int, Actor] = {a.user_id: a for a in CAST}


def unit_phone(user_id: int, index: int) -> str:
    """A unique phone per unit: a leak of it is unmistakable."""
    return f"0913{user_id:04d}{index:03d}"


def add_to_emulator(emulator: BotApiEmulator) -> None:
    for actor in CAST:
        emulator.add_user(
            actor.user_id,
            actor.name,
            username=f"walk{actor.user_id}",
            language_code=actor.lang,
            phone_number=f"98935{actor.user_id:07d}",
        )
    smt = BY_KEY["officer_smt"].user_id
    emulator.add_group(GROUP_ID, "کارگروه صمت", [smt, ADMIN_ID])


async def seed(settings: Settings) -> None:
    """Migrate, load the province, and give everyone but the new people their role."""
    services = await build_services(settings)
    try:
        directory = services.directory
        for actor in CAST:
            if not actor.started:
                continue
            await services.users.touch(
                actor.user_id, first_name=actor.name, last_name=None, username=None
            )
            await services.users.set_language(actor.user_id, actor.lang)
            role = {
                "officer": Role.OFFICER,
                "official": Role.OFFICIAL,
                "secretariat": Role.SECRETARIAT,
                "ministry": Role.MINISTRY,
            }.get(actor.kind)
            if role is not None:
                agency = directory.agency_by_code(actor.agency) if actor.agency else None
                await services.users.grant(
                    actor.user_id, role, agency_id=agency.id if agency else None
                )
            for index, sector in enumerate(actor.units):
                found = directory.sector_by_code(sector)
                assert found is not None, sector
                await services.units.register(
                    actor.user_id,
                    UnitDraft(
                        name=f"کارگاه {actor.name} {index + 1}",
                        sector_id=found.id,
                        county_id=directory.counties[index % len(directory.counties)].id,
                        permit_status=PermitStatus.LICENSED,
                        phone=unit_phone(actor.user_id, index),
                    ),
                )
    finally:
        await services.close()
