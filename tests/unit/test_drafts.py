"""The drafts registry: every flow that keeps half-made work declares it where it is
defined, and /cancel, the error handler and the fallback read the one registry."""

from __future__ import annotations

import handlers  # noqa: F401 -- importing the flows registers their drafts
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


def test_a_declared_draft_is_read_begun_and_dropped_through_its_handle() -> None:
    from handlers.report.draft import DRAFT

    assert DRAFT.key in set(drafts.keys())  # declaring it registered it with /cancel
    context = _Context({"lang": "fa"})
    assert DRAFT.held(context) is None
    DRAFT.of(context)["unit_id"] = 3  # begun empty on first use
    assert DRAFT.held(context) == {"unit_id": 3}
    DRAFT.begin(context, attachments=[])  # a new draft replaces the old one
    assert DRAFT.of(context) == {"attachments": []}
    DRAFT.drop(context)
    assert context.user_data == {"lang": "fa"}
    DRAFT.drop(_Context(None))  # no user data (a channel post): nothing to drop
