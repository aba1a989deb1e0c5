"""The drafts registry: every flow that keeps half-made work declares it where it is
defined, and /cancel, the error handler and the fallback read the one registry."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

import pytest

import handlers  # noqa: F401 -- importing the flows registers their drafts
from bot.services.programs import Evidence
from bot.services.reports import Attachment
from handlers import drafts


def test_every_flow_with_a_draft_is_registered() -> None:
    assert {
        "unit_draft",
        "report_draft",
        "progress_draft",
        "program_edit",
        "decision_draft",
        "session_decision_draft",
        "session_minutes_edit",
        "pending_input",
    } <= set(drafts.keys())


def test_drop_all_ends_every_open_flow_and_leaves_the_rest() -> None:
    user_data = {"lang": "en", "report_draft": {}, "session_decision_draft": {"item": 1}}
    assert drafts.any_open(user_data)
    drafts.drop_all(user_data)
    assert user_data == {"lang": "en"}
    assert not drafts.any_open(user_data)
    assert not drafts.any_open(None)


def test_open_flows_are_named_for_the_log() -> None:
    user_data = {"report_draft": {}, "pending_input": {"kind": "ss_decision"}}
    assert sorted(drafts.open_flows(user_data)) == ["report", "ss_decision"]


class _Context:
    def __init__(self, user_data: dict[str, object] | None) -> None:
        self.user_data = user_data


def test_a_declared_draft_is_read_kept_and_dropped_through_its_handle() -> None:
    from handlers.report.draft import DRAFT, ReportFields

    assert DRAFT.key in set(drafts.keys())  # declaring it registered it with /cancel
    context = _Context({"lang": "fa"})
    assert DRAFT.held(context) is None
    assert DRAFT.of(context) == ReportFields()  # all defaults, and nothing stored by reading
    assert context.user_data == {"lang": "fa"}
    with DRAFT.edit(context) as draft:
        draft.unit_id = 3
    assert DRAFT.held(context) == ReportFields(unit_id=3)
    DRAFT.put(context, ReportFields(category_id=2))  # a new draft replaces the old one
    assert DRAFT.of(context) == ReportFields(category_id=2)
    DRAFT.drop(context)
    assert context.user_data == {"lang": "fa"}
    DRAFT.drop(_Context(None))  # no user data (a channel post): nothing to drop


def test_a_draft_is_kept_as_plain_json_and_read_back_whole() -> None:
    """user_data is persisted as JSON (bot/persistence.py): what is stored must survive
    json.dumps/loads and read back equal, nested dataclasses and dates included."""
    from handlers.programs.progress_steps import DRAFT as PROGRESS
    from handlers.programs.progress_steps import ProgressFields
    from handlers.report.draft import DRAFT, ReportFields

    photo = Attachment("photo", "AgAD", "uniq", size=2048)
    document = Attachment("document", "BQAD", "uniq2", "a.pdf", "application/pdf", 10)
    report = ReportFields(1, 2, "شرح کامل مشکل", 5_000_000, False, [photo, document])
    progress = ProgressFields(
        7, 45, "پیشرفت", Evidence("document", "BQAD", "a.pdf"), date(2026, 12, 1)
    )
    context = _Context({})
    DRAFT.put(context, report)
    PROGRESS.put(context, progress)
    assert context.user_data is not None
    stored = json.loads(json.dumps(context.user_data))
    assert stored["progress_draft"]["date"] == "2026-12-01"
    assert stored["report_draft"]["attachments"][0]["file_id"] == "AgAD"
    again = _Context(stored)
    assert DRAFT.held(again) == report
    assert PROGRESS.held(again) == progress


def test_a_draft_stored_by_an_older_version_still_loads() -> None:
    """A draft held across an upgrade: the untyped dicts of before (a skipped amount was
    a key present with null, a photo had no file_name), keys since removed (ignored) and
    fields since added (defaulted)."""
    from handlers.programs.progress_steps import DRAFT as PROGRESS
    from handlers.programs.progress_steps import ProgressFields
    from handlers.registration import DRAFT as UNIT
    from handlers.registration import UnitFields
    from handlers.report.draft import DRAFT, ReportFields

    old_photo = {"kind": "photo", "file_id": "AgAD", "file_unique_id": "u", "size": 9}
    context = _Context(
        {
            "report_draft": {
                "attachments": [old_photo],
                "unit_id": 1,
                "category_id": 4,
                "description": "شرح",
                "retired_key": {"x": 1},
            },
            "progress_draft": {"program_id": 3, "percent": 40, "note": "n", "date": "2026-11-30"},
            "unit_draft": {"name": "نساجی", "sector_id": 2},
        }
    )
    assert DRAFT.held(context) == ReportFields(
        unit_id=1,
        category_id=4,
        description="شرح",
        attachments=[Attachment("photo", "AgAD", "u", size=9)],
    )
    assert PROGRESS.held(context) == ProgressFields(3, 40, "n", None, date(2026, 11, 30))
    unit = UNIT.held(context)
    assert unit == UnitFields(name="نساجی", sector_id=2)
    # What later steps never stored is missing: the flow's own check restarts politely.
    assert unit.ready("+989121234567") is None


@pytest.mark.parametrize(
    "stored",
    [
        "not a dict",
        ["a", "list"],
        {"unit_id": "3"},  # text where a number was stored
        {"unit_id": True},  # a bool is no unit id
        {"attachments": [{"kind": "photo"}]},  # an attachment without its file
        {"attachments": {"kind": "photo"}},
    ],
)
def test_a_draft_that_no_longer_fits_is_dropped_as_if_none_were_open(
    stored: object, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers.report.draft import DRAFT

    context = _Context({"lang": "fa", "report_draft": stored})
    assert DRAFT.held(context) is None
    assert context.user_data == {"lang": "fa"}  # dropped, so /report starts afresh
    assert "report_draft" in caplog.text


def test_a_wrong_date_is_unreadable() -> None:
    from handlers.programs.progress_steps import ProgressFields

    with pytest.raises(drafts.UnreadableDraftError):
        drafts.load(ProgressFields, {"date": "30/11/2026"})
    with pytest.raises(drafts.UnreadableDraftError):
        drafts.load(ProgressFields, {"date": 20261130})


def test_a_decision_draft_missing_a_field_is_dropped_and_its_buttons_are_stale() -> None:
    """A decision's draft is begun whole (text, agencies): one stored without its agencies
    is not half a decision to go on with, but none."""
    from handlers.decide import DECISION
    from handlers.decision_draft import DecisionFields

    context = _Context({"decision_draft": {"item": 4, "text": "مصوبه", "agencies": [2]}})
    assert DECISION.of(context, 4) == DecisionFields(4, "مصوبه", [2])
    assert DECISION.of(context, 5) is None  # another item's button
    assert DECISION.toggled(context, DecisionFields(4, "مصوبه", [2]), 3) == {2, 3}
    assert context.user_data == {
        "decision_draft": {"item": 4, "text": "مصوبه", "agencies": [2, 3], "session": None}
    }
    context = _Context({"decision_draft": {"item": 4, "text": "مصوبه"}})
    assert DECISION.of(context, 4) is None
    assert context.user_data == {}


class _Press:
    """A button press's answers, as (text, show_alert)."""

    def __init__(self) -> None:
        self.answers: list[tuple[str | None, bool]] = []

    async def answer(self, text: str | None = None, show_alert: bool = False) -> None:
        self.answers.append((text, show_alert))


@pytest.mark.parametrize(
    ("on_session", "agency", "chosen", "answer"),
    [
        (False, 3, {2, 3}, (None, False)),  # a known agency ticked on the HQ's picker
        (False, 9, None, ("stale", True)),  # gone from the directory: the HQ's is stale
        (True, 3, {2, 3}, (None, False)),
        (True, 9, {2}, (None, False)),  # a session's: a gone agency is not ticked...
        (True, 2, set(), (None, False)),  # ...and one already named may be unticked
    ],
)
async def test_an_agency_gone_from_the_directory_on_each_decision_picker(
    on_session: bool, agency: int, chosen: set[int] | None, answer: tuple[str | None, bool]
) -> None:
    from handlers.decide import DECISION as HQ
    from handlers.sessions.meeting import DECISION as SESSION

    decision = SESSION if on_session else HQ
    held = {"item": 4, "text": "مصوبه", "agencies": [2], "session": 1 if on_session else None}
    directory = SimpleNamespace(agencies=[SimpleNamespace(id=1), SimpleNamespace(id=3)])
    context = SimpleNamespace(
        user_data={decision.key: held},
        services=SimpleNamespace(directory=directory),
        tr=SimpleNamespace(t=lambda key: "stale" if key == "common.stale_button" else key),
    )
    press = _Press()
    toggled = await decision.toggled_agencies(cast(Any, context), cast(Any, press), 4, agency)
    assert toggled == chosen
    assert press.answers == [answer]
