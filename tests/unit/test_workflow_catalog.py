"""Catalog keys the workflow builds at run time (the parity test sees only literal keys)."""

from __future__ import annotations

import pytest

from bot.access import (
    AGENCY_ACTIONS,
    OWNER_ACTIONS,
    Permission,
    Principal,
    ReportAction,
    may,
)
from bot.i18n import get_translator
from bot.services.hq import DecisionState
from bot.services.workflow import EVENT_KINDS, EVENT_OF, TRANSITIONS, Audience, allowed
from handlers.actions import TEXT_ACTIONS
from storage.dto import ReportDTO
from storage.dto_workflow import TrackingDTO
from storage.models import ReportStatus, Role
from storage.models_workflow import CauseKind
from tests.unit.samples import report_dto

LANGS = ("fa", "en")
NOTICE_PLACEHOLDERS = {"number": "1", "agency": "a", "subject": "s", "when": "w", "decision": "1"}
# Every (audience, kind) the services emit.
NOTICES = {
    Audience.OWNER: [
        "accepted", "question", "resolved", "rejected", "reassigned", "escalated",
        "reopened", "on_agenda", "decided", "decision_objected", "decision_implemented",
    ],
    Audience.AGENCY: [
        "reassigned", "answered", "info", "withdrawn", "confirmed", "not_removed",
        "overdue", "escalated", "decision",
    ],
    Audience.SECRETARIAT: ["escalated", "decision_objected", "decision_implemented", "unstaffed"],
    Audience.ADMIN: ["unstaffed"],
}  # fmt: skip
REASONS = [
    "not_found", "not_now", "note_length", "bad_agency", "not_allowed", "title_length",
    "date_past", "nothing_selected", "objection_closed", "item_not_found",
]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_runtime_keys_exist(lang: str) -> None:
    """The translator is strict in tests: a missing key or placeholder raises here."""
    tr = get_translator(lang)
    assert tr.strict
    for audience, kinds in NOTICES.items():
        for kind in kinds:
            tr.t(f"notify.{audience.value}_{kind}", **NOTICE_PLACEHOLDERS)
    for kind in EVENT_KINDS:
        tr.t(f"history.{kind}", when="w", agency="a")
    for action in ReportAction:
        tr.t(f"workflow.btn_{action.value}")
        tr.t(f"workflow.done_{action.value}")
    for action in TEXT_ACTIONS:
        tr.t(f"workflow.ask_{action.value}", number="1")
    for event in EVENT_OF.values():
        tr.t(f"workflow.by_{event}", name="n", when="w")
    for reason in REASONS:
        tr.t(f"workflow.error_{reason}", min="1", max="2", length="3")
    for state in (*DecisionState.ALL, "scheduled"):
        tr.t(f"hq.state_{state}")
    for cause in CauseKind.ALL:
        tr.t(f"hq.cause_{cause}")
    for status in ReportStatus:
        tr.t(f"status.{status.value}")
    for verdict in ("objected", "implemented"):
        tr.t(f"hq.responded_{verdict}")


def _report(owner: int, agency: int, status: str = "referred") -> ReportDTO:

    return report_dto(owner_id=owner, agency_id=agency, status=status)


PRINCIPALS = {
    "owner": Principal(1, frozenset({Role.OWNER}), frozenset()),
    "officer_here": Principal(2, frozenset({Role.OWNER, Role.OFFICER}), frozenset({7})),
    "officer_elsewhere": Principal(3, frozenset({Role.OWNER, Role.OFFICER}), frozenset({8})),
    "official": Principal(4, frozenset({Role.OWNER, Role.OFFICIAL}), frozenset()),
    "secretariat": Principal(5, frozenset({Role.OWNER, Role.SECRETARIAT}), frozenset()),
    "admin": Principal(6, frozenset({Role.OWNER, Role.ADMIN}), frozenset()),
}


@pytest.mark.parametrize("who", sorted(PRINCIPALS))
@pytest.mark.parametrize("action", list(ReportAction))
def test_who_may_act_on_a_report(who: str, action: ReportAction) -> None:
    report = _report(owner=1, agency=7)
    result = may(PRINCIPALS[who], action, report)
    if action in AGENCY_ACTIONS:
        assert result == (who == "officer_here")
    else:
        assert action in OWNER_ACTIONS
        assert result == (who == "owner")


def test_transitions_cover_every_action_and_closed_reports_stay_closed() -> None:
    assert set(TRANSITIONS) == set(ReportAction)
    blank = TrackingDTO(1)
    for status in ("withdrawn", "rejected", "decided"):
        movable = [a for a in ReportAction if allowed(a, status, blank)]
        assert movable == [], (status, movable)
    assert allowed(ReportAction.NOT_REMOVED, "resolved", blank)
    assert not allowed(ReportAction.NOT_REMOVED, "resolved", TrackingDTO(1, verdict="removed"))
    assert not allowed(ReportAction.ACCEPT, "in_progress", blank)


def test_permissions_by_role() -> None:
    expected = {
        Role.OWNER: {"register_unit", "submit_report", "view_own_reports"},
        Role.OFFICER: {"work_inbox", "view_decisions", "view_programs", "update_programs"},
        Role.OFFICIAL: {"view_province", "view_laws", "view_decisions", "view_programs"},
        Role.SECRETARIAT: {
            "view_province", "manage_agenda", "view_decisions", "view_programs", "link_reports",
            "view_laws",
        },
        Role.MINISTRY: {"view_province", "view_laws", "view_national", "view_programs"},
        Role.ADMIN: {
            "view_province", "view_decisions", "manage_roles", "edit_routing", "broadcast",
            "view_programs", "edit_programs", "link_reports", "import_loans",
            "manage_api_keys", "manage_chat_digests", "view_laws",
        },
    }  # fmt: skip
    for role, permissions in expected.items():
        principal = Principal(9, frozenset({role}), frozenset({1}))
        assert {p.value for p in Permission if principal.can(p)} == permissions, role
