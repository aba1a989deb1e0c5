"""The HQ's button kinds: `hq:…` for the secretariat's agenda work, `dc:…` for decisions.

They live here, not in handlers/, because the digest and the notices put these buttons
in their messages too; the handlers for them are handlers/agenda.py, handlers/decide.py
and handlers/decisions.py. The wire formats are the ones buttons already sent carry.
"""

from __future__ import annotations

from bot.buttons.reports import OnReport
from bot.callback_data import CallbackData
from storage.models_workflow import CauseKind

DEADLINE_CHOICES = (10, 20, 30, 60)


# The shapes several kinds share (not kinds themselves); a kind's own fields follow its
# shape's on the wire.
class Page(CallbackData):
    page: int


class OnItem(CallbackData):
    """An agenda item."""

    item_id: int


class OnDecision(CallbackData):
    decision_id: int


class DecisionAgency(OnDecision):
    """A decision, as it concerns one of the agencies it names."""

    agency_id: int


class AgendaHome(CallbackData, prefix="hq:home"):
    """The agenda, sent anew (from a notice to the secretariat)."""


class AgendaPage(Page, prefix="hq:pg"): ...


class ToggleReport(OnReport, prefix="hq:t"):
    """Select or unselect an escalated report for bundling; the page it was pressed on."""

    page: int


class SelectForAgenda(OnReport, prefix="hq:s"):
    """An escalated report's card: the agenda, with that report selected for bundling."""


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


# The decision picker. A session's picker kinds (handlers/sessions/buttons.py) carry the
# same fields, so one DecisionDraft handles both (handlers/decision_draft.py); they may
# derive from these shapes too.
class PickerItem(CallbackData):
    """The agenda item a decision is being drafted for."""

    item: int


class DeadlinePick(PickerItem):
    """The implementation deadline picked: only the days offered."""

    days: int

    def valid(self) -> bool:
        return self.days in DEADLINE_CHOICES


class ToggleAgency(PickerItem, prefix="hq:a"):
    """Name or unname an agency in the decision being drafted."""

    agency: int


class AgenciesChosen(PickerItem, prefix="hq:n"): ...


class PickDeadline(DeadlinePick, prefix="hq:dl"): ...


class LawsCsv(CallbackData, prefix="hq:csv"):
    """The obstructive-laws list as a file (officials may press it too)."""


class DecisionsPage(Page, prefix="dc:p"): ...


class ViewDecision(OnDecision, prefix="dc:v"): ...


class Implemented(DecisionAgency, prefix="dc:i"):
    """The agency reports the decision implemented (evidence is asked)."""


class Object(DecisionAgency, prefix="dc:o"):
    """The agency objects to the decision (its reasons are asked)."""
