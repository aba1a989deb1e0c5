"""The HQ's button kinds: `hq:…` for the secretariat's agenda work, `dc:…` for decisions.

They live here, not in handlers/, because the digest and the notices put these buttons
in their messages too; the handlers for them are handlers/agenda.py, handlers/decide.py
and handlers/decisions.py. The wire formats are the ones buttons already sent carry.
"""

from __future__ import annotations

from bot.callback_data import CallbackData
from storage.models_workflow import CauseKind

DEADLINE_CHOICES = (10, 20, 30, 60)


# The shapes several kinds share (not kinds themselves).
class Page(CallbackData):
    page: int


class OnItem(CallbackData):
    """An agenda item."""

    item_id: int


class DecisionAgency(CallbackData):
    """A decision, as it concerns one of the agencies it names."""

    decision_id: int
    agency_id: int


class AgendaHome(CallbackData, prefix="hq:home"):
    """The agenda, sent anew (from a notice to the secretariat)."""


class AgendaPage(Page, prefix="hq:pg"): ...


class ToggleReport(CallbackData, prefix="hq:t"):
    """Select or unselect an escalated report for bundling; the page it was pressed on."""

    report_id: int
    page: int


class SelectForAgenda(CallbackData, prefix="hq:s"):
    """An escalated report's card: the agenda, with that report selected for bundling."""

    report_id: int


class StartBundle(CallbackData, prefix="hq:b"):
    """Bundle the selection into a new agenda item: the cause is asked first."""


class PickCause(CallbackData, prefix="hq:k"):
    cause: str

    def valid(self) -> bool:
        return self.cause in CauseKind.ALL


class AddToItem(OnItem, prefix="hq:+"):
    """Add the selection to an existing agenda item."""


class OpenItem(OnItem, prefix="hq:i"): ...


class Decide(OnItem, prefix="hq:d"):
    """Record the decision on an agenda item: its text is asked first."""


# The decision picker's kinds carry `item` (and `agency`, `days`) as a session's do: one
# DecisionDraft handles both (handlers/decision_draft.py).


class ToggleAgency(CallbackData, prefix="hq:a"):
    """Name or unname an agency in the decision being drafted."""

    item: int
    agency: int


class AgenciesChosen(CallbackData, prefix="hq:n"):
    item: int


class PickDeadline(CallbackData, prefix="hq:dl"):
    item: int
    days: int

    def valid(self) -> bool:
        return self.days in DEADLINE_CHOICES


class LawsCsv(CallbackData, prefix="hq:csv"):
    """The obstructive-laws list as a file (officials may press it too)."""


class DecisionsPage(Page, prefix="dc:p"): ...


class ViewDecision(CallbackData, prefix="dc:v"):
    decision_id: int


class Implemented(DecisionAgency, prefix="dc:i"):
    """The agency reports the decision implemented (evidence is asked)."""


class Object(DecisionAgency, prefix="dc:o"):
    """The agency objects to the decision (its reasons are asked)."""
