"""/status pages under Telegram's limit, the traffic light, and who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.access import Permission, Principal, can_update_program
from bot.formatting import Presenter, telegram_length
from bot.i18n import get_translator
from bot.services.programs import Light, traffic_light
from bot.views.figures import duration, paginate, status_pages
from storage.dto import AgencyDTO
from storage.dto_figures import ProgramDTO
from storage.models import Role

NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)


@dataclass
class FakeDirectory:
    """Only what the view asks of the directory: an agency's names."""

    def agency(self, agency_id: int) -> AgencyDTO:
        return AgencyDTO(
            agency_id, "smt", "سازمان صنعت، معدن و تجارت استان قم" * 3, "SMT", "x", None
        )


def program(number: int, **changes: object) -> ProgramDTO:
    fields: dict[str, object] = {
        "id": number,
        "number": number,
        "code": f"p{number}",
        "title_fa": "برنامهٔ آزمایشی <با> نام بسیار بلند " * 12,
        "title_en": "A test program <with> a very long name " * 12,
        "agency_id": 1,
        "theme": "",
        "category_id": None,
        "target_fa": None,
        "target_en": None,
        "starts_on": None,
        "due_on": None,
        "progress": 30,
        "last_update_at": NOW - timedelta(days=3),
    }
    fields.update(changes)
    return ProgramDTO(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_status_pages_stay_under_4096_and_keep_every_program(lang: str) -> None:
    tr, fmt = get_translator(lang), Presenter(lang)
    programs = [(program(n), Light.GREEN) for n in range(1, 28)]
    pages = status_pages(tr, fmt, FakeDirectory(), programs)  # type: ignore[arg-type]
    assert len(pages) > 1  # 27 long titles cannot fit one message
    assert all(telegram_length(page) <= 4096 for page in pages)
    joined = "\n".join(pages)
    for n in range(1, 28):
        # "." beside a Persian digit reads as a zero: fa numbers its lines with ")".
        assert f"<b>{fmt.plain_int(n)}{')' if lang == 'fa' else '.'}</b>" in joined
    assert "&lt;" in joined
    assert "<با>" not in joined
    assert all(page.startswith(tr.t("programs.title")) for page in pages)


def test_paginate_never_drops_or_splits_a_line() -> None:
    lines = [f"line {i} " + "x" * (i * 37 % 500) for i in range(200)]
    pages = paginate(lines, budget=1000)
    assert [line for page in pages for line in page] == lines
    assert all(sum(len(x) + 2 for x in page) <= 1000 or len(page) == 1 for page in pages)


def test_traffic_light() -> None:
    assert traffic_light(program(1, last_update_at=None, progress=0), NOW, TODAY) is Light.GREY
    assert traffic_light(program(1), NOW, TODAY) is Light.GREEN
    stale = program(1, last_update_at=NOW - timedelta(days=45))
    assert traffic_light(stale, NOW, TODAY) is Light.YELLOW
    behind = program(1, starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31), progress=50)
    assert traffic_light(behind, NOW, TODAY) is Light.RED  # ~91% expected by now
    on_track = program(1, starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31), progress=85)
    assert traffic_light(on_track, NOW, TODAY) is Light.GREEN
    overdue = program(1, due_on=date(2026, 11, 1), progress=99)
    assert traffic_light(overdue, NOW, TODAY) is Light.RED
    assert traffic_light(program(1, progress=100, last_update_at=None), NOW, TODAY) is Light.DONE


def test_durations_read_naturally() -> None:
    fa, en = get_translator("fa"), get_translator("en")
    assert duration(fa, Presenter("fa"), 2 * 3600) == "۲ ساعت"
    assert duration(fa, Presenter("fa"), 3 * 86400 + 5 * 3600) == "۳ روز و ۵ ساعت"
    assert duration(en, Presenter("en"), 1800) == "30 min"
    assert duration(en, Presenter("en"), None) == "—"


def test_who_may_see_and_do_what() -> None:
    owner = Principal(1, frozenset({Role.OWNER}), frozenset())
    officer = Principal(2, frozenset({Role.OWNER, Role.OFFICER}), frozenset({7}))
    official = Principal(3, frozenset({Role.OWNER, Role.OFFICIAL}), frozenset())
    secretariat = Principal(4, frozenset({Role.OWNER, Role.SECRETARIAT}), frozenset())
    admin = Principal(5, frozenset({Role.OWNER, Role.ADMIN}), frozenset())
    # Owners see no province figures: not /loans (facilities by unit), /stats or exports.
    assert not owner.can(Permission.VIEW_PROVINCE)
    assert not owner.can(Permission.VIEW_PROGRAMS)
    assert not officer.can(Permission.VIEW_PROVINCE)
    for principal in (official, secretariat, admin):
        assert principal.can(Permission.VIEW_PROVINCE)
        assert principal.can(Permission.VIEW_PROGRAMS)
    # Progress: only the responsible agency's officers.
    assert can_update_program(officer, 7)
    assert not can_update_program(officer, 8)
    for principal in (owner, official, secretariat, admin):
        assert not can_update_program(principal, 7)
    assert admin.can(Permission.EDIT_PROGRAMS)
    assert admin.can(Permission.IMPORT_LOANS)
    assert not official.can(Permission.IMPORT_LOANS)
    assert secretariat.can(Permission.LINK_REPORTS)
    assert not official.can(Permission.LINK_REPORTS)
