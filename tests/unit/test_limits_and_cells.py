"""Limits stated from the constants the checks use; spreadsheet cells never start a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from bot.exports.tables import Table, safe_cell, to_csv, to_xlsx
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.services.hq import TEXT_MAX, TEXT_MIN, TITLE_MAX, TITLE_MIN, HQService, LawItem
from bot.services.reports import MAX_AMOUNT_RIALS, amount_allowed
from bot.services.workflow import NOTE_MAX, NOTE_MIN, WorkflowError, check_length
from bot.views.common import workflow_error
from tests.unit.samples import agenda_item_dto, decision_dto


def test_a_decision_text_too_short_states_the_decisions_own_limits() -> None:
    with pytest.raises(WorkflowError) as refused:
        HQService.check_text("کوتاه"[: TEXT_MIN - 1])
    assert refused.value.limits == (TEXT_MIN, TEXT_MAX)
    fa = workflow_error(get_translator("fa"), refused.value)
    assert "۵" in fa
    assert "۳٬۰۰۰" in fa
    assert "۲٬۰۰۰" not in fa  # the workflow note's limit, once shown here by mistake
    en = workflow_error(get_translator("en"), refused.value)
    assert "5" in en
    assert "3,000" in en


def test_titles_and_notes_name_their_limits() -> None:
    with pytest.raises(WorkflowError) as refused:
        HQService.check_title("x" * (TITLE_MAX + 1))
    assert refused.value.limits == (TITLE_MIN, TITLE_MAX)
    assert "۲۰۰" in workflow_error(get_translator("fa"), refused.value)
    with pytest.raises(WorkflowError) as refused:
        check_length("x", NOTE_MIN, NOTE_MAX)
    assert "۲٬۰۰۰" in workflow_error(get_translator("fa"), refused.value)
    assert check_length("  سلام  ", NOTE_MIN, NOTE_MAX) == "سلام"


def test_the_amount_limit_is_the_services() -> None:
    assert amount_allowed(MAX_AMOUNT_RIALS)
    assert not amount_allowed(MAX_AMOUNT_RIALS + 1)
    assert not amount_allowed(0)


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_like_text_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert safe_cell(-5) == -5  # numbers stay numbers
    assert safe_cell("فرش =") == "فرش ="


def test_csv_and_xlsx_exports_quote_formulas() -> None:
    table = Table("t", ["unit", "amount"], [["=cmd|' /C calc'!A0", 12], ["فرش", -3]])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "12"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_xlsx([table], rtl=True))).active
    assert sheet is not None
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert sheet["B3"].value == -3


def test_the_laws_csv_quotes_formulas() -> None:
    from bot.exports.hq import laws_csv

    now = datetime(2026, 11, 28, tzinfo=UTC)
    item = agenda_item_dto(title='=IMPORTXML("http://x")', session_date=date(2026, 12, 1))
    decision = decision_dto(text="@evil", deadline_at=now, objection_until=now, created_at=now)
    data = laws_csv(get_translator("fa"), Presenter("fa"), [LawItem(item, decision, "pending")])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=IMPORTXML("http://x")'
    assert rows[1][4] == "'@evil"
