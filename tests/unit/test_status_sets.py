"""The workflow's status sets and the figures' "closed" set agree: every status is in one."""

from __future__ import annotations

from bot.services import stats
from bot.services.workflow import CLOSED, OWNER_OPEN, TRANSITIONS
from storage.models import ReportStatus
from storage.repositories.digest import CLOSED_STATUSES


def test_every_status_is_open_closed_or_just_submitted() -> None:
    everything = {s.value for s in ReportStatus}
    submitted = {ReportStatus.SUBMITTED.value}
    assert not OWNER_OPEN & CLOSED
    assert OWNER_OPEN | CLOSED | submitted == everything
    # The digest and /stats count "open" and "overdue" by the same terminal states.
    assert CLOSED_STATUSES == CLOSED
    assert set(stats.CLOSED) == CLOSED
    assert set(stats.OPEN) == everything - CLOSED


def test_no_action_starts_from_a_terminal_state_but_the_owners_verdict() -> None:
    # Only the owner's verdict on a resolution (confirm / not removed) acts on a closed
    # report; any other source in CLOSED would make the figures miss open work.
    for action, transition in TRANSITIONS.items():
        closed_sources = transition.sources & CLOSED
        assert closed_sources <= {ReportStatus.RESOLVED.value}, action
