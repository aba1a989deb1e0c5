"""A report's button kinds: `my:…` (/myreports: a page, open, files, full text) and
`wf:…` (an action on the report).

They live here, below handlers/, because many features put them on their messages (the
agency's notice, the HQ's agenda, the inbox, the owner's answer), while myreports and
actions import each other's neighbours; the handlers are handlers/myreports.py and
handlers/actions.py. Nothing in them is trusted: each press is checked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import ReportAction
from bot.callback_data import CallbackData

WITHDRAW_CONFIRMED = "wdy"
ACTION_CODES = frozenset({a.value for a in ReportAction} | {WITHDRAW_CONFIRMED})


@dataclass(frozen=True, slots=True)
class PageButton(CallbackData, prefix="my:p"):
    page: int


@dataclass(frozen=True, slots=True)
class OpenButton(CallbackData, prefix="my:o"):
    report_id: int


@dataclass(frozen=True, slots=True)
class FilesButton(CallbackData, prefix="my:f"):
    report_id: int


@dataclass(frozen=True, slots=True)
class FullTextButton(CallbackData, prefix="my:t"):
    report_id: int


@dataclass(frozen=True, slots=True)
class Act(CallbackData, prefix="wf"):
    """An action on a report (`wdy`: the withdrawal, confirmed)."""

    action: str
    report_id: int

    def valid(self) -> bool:
        return self.action in ACTION_CODES


@dataclass(frozen=True, slots=True)
class ActOnCard(CallbackData, prefix="wf", suffix="c"):
    """The same, pressed on the report's card: the card itself shows the result."""

    action: str
    report_id: int

    def valid(self) -> bool:
        return self.action in ACTION_CODES


@dataclass(frozen=True, slots=True)
class Reassign(CallbackData, prefix="wf:rsg"):
    """Reassignment to the agency picked."""

    report_id: int
    agency_id: int
