"""The HQ's button kinds: `hq:…` for the secretariat's agenda work, `dc:…` for decisions.

They live here, not in handlers/, because the digest and the notices put these buttons
in their messages too; the handlers for them are handlers/agenda.py, handlers/decide.py
and handlers/decisions.py. The wire formats are the ones buttons already sent carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.callback_data import CallbackData
from storage.models_workflow import CauseKind

DEADLINE_CHOICES = (10, 20, 30, 60)


@dataclass(frozen=True, slots=True)
class AgendaHome(CallbackData, prefix="hq:home"):
    """The agenda, sent anew (from a notice to the secretariat)."""


@dataclass(frozen=True, slots=True)
class AgendaPage(CallbackData, prefix="hq:pg"):
    page: int


@dataclass(frozen=True, slots=True)
class ToggleReport(CallbackData, prefix="hq:t"):
    """Select or unselect an escalated report for bundling; the page it was pressed on."""

    report_id: int
    page: int


@dataclass(frozen=True, slots=True)
class StartBundle(CallbackData, prefix="hq:b"):
    """Bundle the selection into a new agenda item: the cause is asked first."""


@dataclass(frozen=True, slots=True)
class PickCause(CallbackData, prefix="hq:k"):
    cause: str

    def valid(self) -> bool:
        return self.cause in CauseKind.ALL


@dataclass(frozen=True, slots=True)
class AddToItem(CallbackData, prefix="hq:+"):
    """Add the selection to an existing agenda item."""

    item_id: int


@dataclass(frozen=True, slots=True)
class OpenItem(CallbackData, prefix="hq:i"):
    item_id: int


@dataclass(frozen=True, slots=True)
class Decide(CallbackData, prefix="hq:d"):
    """Record the decision on an agenda item: its text is asked first."""

    item_id: int


@dataclass(frozen=True, slots=True)
class ToggleAgency(CallbackData, prefix="hq:a"):
    """Name or unname an agency in the decision being drafted."""

    item_id: int
    agency_id: int


@dataclass(frozen=True, slots=True)
class AgenciesChosen(CallbackData, prefix="hq:n"):
    item_id: int


@dataclass(frozen=True, slots=True)
class PickDeadline(CallbackData, prefix="hq:dl"):
    item_id: int
    days: int

    def valid(self) -> bool:
        return self.days in DEADLINE_CHOICES


@dataclass(frozen=True, slots=True)
class LawsCsv(CallbackData, prefix="hq:csv"):
    """The obstructive-laws list as a file (officials may press it too)."""


@dataclass(frozen=True, slots=True)
class DecisionsPage(CallbackData, prefix="dc:p"):
    page: int


@dataclass(frozen=True, slots=True)
class ViewDecision(CallbackData, prefix="dc:v"):
    decision_id: int


@dataclass(frozen=True, slots=True)
class Implemented(CallbackData, prefix="dc:i"):
    """The agency reports the decision implemented (evidence is asked)."""

    decision_id: int
    agency_id: int


@dataclass(frozen=True, slots=True)
class Object(CallbackData, prefix="dc:o"):
    """The agency objects to the decision (its reasons are asked)."""

    decision_id: int
    agency_id: int
