"""The views moved out of the handlers (/progress, /report, /admin, /routing, the digest's
settings) render in the reader's language only, and escape what people typed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast

import pytest

from bot.access import Principal
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.services.directory import Directory
from bot.services.reports import Submission
from bot.views import admin as views_admin
from bot.views import digest as views_digest
from bot.views import programs as views_programs
from bot.views import report as views_report
from storage.dto import AgencyDTO, CategoryDTO, Named, RoutingRuleDTO, UserDTO
from storage.dto_figures import ProgramDTO
from storage.models import Role
from tests.unit.samples import report_dto

PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")
WHEN = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
AGENCY = AgencyDTO(1, "smt", "صمت <الف>", "Industry <A>", "agency", None)
EMPTY_AGENCY = AgencyDTO(2, "tax", "مالیات", "Tax office", "agency", None)
CATEGORY = CategoryDTO(5, "tax", "مالیات", "Tax", True, 7, 2)
PROGRAM = ProgramDTO(
    id=3,
    number=3,
    code="p3",
    title_fa="برنامه <ب>",
    title_en="Program <B>",
    agency_id=1,
    theme="",
    category_id=None,
    target_fa=None,
    target_en=None,
    starts_on=None,
    due_on=None,
    progress=40,
    last_update_at=WHEN,
)


@dataclass
class FakeDirectory:
    """What the views ask of the directory."""

    agencies: list[AgencyDTO] = field(default_factory=lambda: [AGENCY, EMPTY_AGENCY])
    categories: list[CategoryDTO] = field(default_factory=lambda: [CATEGORY])
    rules: list[RoutingRuleDTO] = field(default_factory=lambda: [RoutingRuleDTO(1, 5, 9, None, 1)])

    def agency(self, agency_id: int) -> AgencyDTO:
        return next(a for a in self.agencies if a.id == agency_id)

    def sector(self, sector_id: int) -> Named:
        return Named(sector_id, "food", "غذایی", "Food")


def rendered(lang: str) -> list[str]:
    tr, fmt = get_translator(lang), Presenter(lang)
    # The views read only what FakeDirectory provides; a real Directory needs a database.
    directory = cast(Directory, FakeDirectory())
    officer = Principal(7, frozenset({Role.OWNER, Role.OFFICER}), frozenset({1}))
    report = report_dto(
        year=1404, seq=12, unit_id=4, unit_name="unit", owner_id=7, category_id=5,
        description="text", created_at=WHEN, updated_at=WHEN, due_at=WHEN,
    )  # fmt: skip
    return [
        views_programs.ask_percent(tr, fmt, PROGRAM),
        views_programs.progress_confirm(
            tr, fmt, PROGRAM, percent=55, day=date(2026, 11, 28), evidence=True, note="<x>"
        ),
        views_report.draft_summary(
            tr,
            fmt,
            unit_name="Unit",
            category=CATEGORY,
            agency=AGENCY,
            amount=1_000_000,
            attachments=2,
            description="word <b>bold</b> " * 200,
        ),
        views_report.submitted(tr, fmt, Submission(report, AGENCY, duplicate=False)),
        views_admin.user_card(
            tr,
            fmt,
            directory,
            UserDTO(7, "Ali", "ali", None, None, False),
            officer,
        ),
        views_admin.invite(
            tr,
            fmt,
            directory,
            role="officer",
            agency_id=1,
            code="inv_abc",
            link="https://t.me/x",
        ),
        views_admin.group_where(tr, directory, {2}),
        views_admin.category_card(tr, fmt, CATEGORY),
        views_admin.routing_overview(tr, fmt, directory, {2}),
        views_digest.settings_text(tr, fmt, "07:30", WHEN),
        views_digest.settings_text(tr, fmt, None, WHEN),
        views_digest.switched(tr, fmt, on=True, title="<News>", time="07:30"),
        views_digest.switched(tr, fmt, on=True, title=None, time="07:30", created=False),
        views_digest.switched(tr, fmt, on=False, title=None, time=""),
    ]


def test_english_views_have_no_persian_letter() -> None:
    for text in rendered("en"):
        assert PERSIAN_LETTER.search(text) is None, text


def test_persian_views_are_persian() -> None:
    assert all(PERSIAN_LETTER.search(text) for text in rendered("fa"))


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_typed_and_directory_text_is_escaped(lang: str) -> None:
    for text in rendered(lang):
        assert "<x>" not in text
        assert "<A>" not in text
        assert "<B>" not in text
        assert "<b>bold" not in text
        assert "<News>" not in text
