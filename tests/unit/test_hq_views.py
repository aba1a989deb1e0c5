"""The HQ's text (bot/views/hq.py) and the notices (bot/views/notify.py) in English hold no
Persian letter; user text is escaped; the laws file is the list the view shows."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from bot.exports.hq import laws_csv
from bot.formatting import FSI, PDI, Presenter, escape
from bot.i18n import get_translator
from bot.services.directory import Directory
from bot.services.hq import DecisionView, HQService, LawItem
from bot.services.workflow import Audience, Notice
from bot.views.hq import (
    agenda_text,
    decided_text,
    decision_text,
    decisions_text,
    item_text,
    laws_text,
)
from bot.views.notify import new_report_text, notice_text
from storage.dto import AgencyDTO, CategoryDTO
from storage.dto_workflow import DecisionAgencyDTO
from tests.unit.samples import agenda_item_dto, decision_dto, report_dto

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
PERSIAN = re.compile(r"[\u0600-\u06ff]")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FakeDirectory:
    """The names the views ask the directory for."""

    def agency(self, agency_id: int) -> AgencyDTO:
        return AgencyDTO(agency_id, "smt", "سازمان صمت", "Industry <Org>", "x", None)

    def category(self, category_id: int) -> CategoryDTO:
        return CategoryDTO(category_id, "raw", "مواد اولیه", "Raw materials", False, 7, 1)


REPORT = report_dto(
    id=7, seq=12, unit_id=3, unit_name="Qom Carpets", owner_id=1001, description="text",
    status="escalated", created_at=NOW, updated_at=NOW, due_at=NOW,
)  # fmt: skip
ITEM = agenda_item_dto(
    id=4,
    title="VAT <law> art. 12",
    session_date=date(2026, 12, 20),
    created_at=NOW,
    report_ids=(7,),
)
ANSWERS = (
    DecisionAgencyDTO(9, 1, "objected", "Not ours", None, 2001, NOW),
    DecisionAgencyDTO(9, 2, "pending", None, None, None, None),
)
DECISION = decision_dto(
    id=9, agenda_item_id=4, text="Supply at the <set> price",
    deadline_at=NOW + timedelta(days=10), objection_until=NOW, created_at=NOW, agencies=ANSWERS,
)  # fmt: skip
VIEW = DecisionView(DECISION, ITEM, "objected")


def every_view(lang: str) -> list[str]:
    tr, fmt = get_translator(lang), Presenter(lang)
    directory = cast(Directory, FakeDirectory())
    laws = [LawItem(ITEM, DECISION, "objected"), LawItem(ITEM, None, None)]
    return [
        agenda_text(tr, fmt, directory, (1, [REPORT]), (1, [ITEM]), {4: "\nwaits"}),
        agenda_text(tr, fmt, directory, (0, []), (0, []), {}),
        item_text(tr, fmt, directory, ITEM, [REPORT], VIEW, NOW),
        decision_text(tr, fmt, directory, VIEW, NOW),
        decided_text(tr, fmt, DECISION),
        decisions_text(tr, fmt, directory, [VIEW], [VIEW], HQService.shares([VIEW]), NOW),
        decisions_text(tr, fmt, directory, [], [], [], NOW),
        laws_text(tr, fmt, laws),
        laws_text(tr, fmt, []),
    ]


def test_english_views_have_no_persian_letter() -> None:
    for text in every_view("en"):
        assert text
        assert not PERSIAN.search(text), text


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_user_text_is_escaped(lang: str) -> None:
    for text in every_view(lang):
        for raw in ("<law>", "<set>", "<Org>"):
            assert raw not in text


def test_the_laws_file_lists_what_the_view_shows() -> None:
    tr, fmt = get_translator("en"), Presenter("en")
    data = laws_csv(tr, fmt, [LawItem(ITEM, DECISION, "objected"), LawItem(ITEM, None, None)])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == tr.t("hq.csv_header").split("|")
    assert [r[5] for r in rows[1:]] == [tr.t("hq.state_objected"), tr.t("hq.state_scheduled")]
    assert rows[1][4] == DECISION.text


def test_every_notice_in_english_has_no_persian_letter() -> None:
    """Each `notify.<audience>_<kind>` the catalog holds, rendered as its recipients see it."""
    tr, fmt = get_translator("en"), Presenter("en")
    directory = cast(Directory, FakeDirectory())
    catalog = tomllib.loads((ROOT / "locales" / "en" / "notify.toml").read_text())
    kinds = [
        (audience, key.removeprefix(f"{audience.value}_"))
        for key in catalog
        for audience in Audience
        if key.startswith(f"{audience.value}_")
    ]
    assert len(kinds) > 10
    for audience, kind in kinds:
        notice = Notice(audience, kind, REPORT, 1, "Not <ours>", 9, "VAT <law>", date(2026, 12, 20))
        text = notice_text(tr, fmt, directory, notice)
        assert not PERSIAN.search(text), (audience, kind, text)
        assert "<ours>" not in text
    new = new_report_text(
        tr, fmt, directory, directory.agency(1), REPORT, contact=None, channel="kiosk"
    )
    assert not PERSIAN.search(new), new


def test_a_note_in_the_other_script_is_isolated_inside_its_quotes() -> None:
    """An agency's Persian question quoted in an English owner's notice: isolated
    (first-strong), so the closing quote stays after it; English quotes in English."""
    tr, fmt = get_translator("en"), Presenter("en")
    question = "فاکتور خرید <نخ> را بفرستید."
    directory = cast(Directory, FakeDirectory())
    notice = Notice(Audience.OWNER, "question", REPORT, 1, note=question)
    text = notice_text(tr, fmt, directory, notice)
    assert text.endswith("\n\n“" + FSI + escape(question) + PDI + "”")
    persian = notice_text(get_translator("fa"), Presenter("fa"), directory, notice)
    assert persian.endswith("»")
    assert "«" in persian
    assert escape(question) in persian
