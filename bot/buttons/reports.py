"""A report's button kinds: `my:…` (/myreports: a page, open, files, full text) and
`wf:…` (an action on the report).

They live here, below handlers/, because many features put them on their messages (the
agency's notice, the HQ's agenda, the inbox, the owner's answer), while myreports and
actions import each other's neighbours; the handlers are handlers/myreports.py and
handlers/actions.py. Nothing in them is trusted: each press is checked again.
"""

from __future__ import annotations

from bot.access import ReportAction
from bot.callback_data import CallbackData

WITHDRAW_CONFIRMED = "wdy"
ACTION_CODES = frozenset({a.value for a in ReportAction} | {WITHDRAW_CONFIRMED})


class PageButton(CallbackData, prefix="my:p"):
    page: int


class OnReport(CallbackData):
    """The shape of a button about one report (not a kind itself)."""

    report_id: int


class OpenButton(OnReport, prefix="my:o"): ...


class FilesButton(OnReport, prefix="my:f"): ...


class FullTextButton(OnReport, prefix="my:t"): ...


class ActionOnReport(CallbackData):
    """The shape of an action on a report (`wdy`: the withdrawal, confirmed)."""

    action: str
    report_id: int

    def valid(self) -> bool:
        return self.action in ACTION_CODES


class Act(ActionOnReport, prefix="wf"):
    """An action pressed anywhere but on the report's card."""


class ActOnCard(ActionOnReport, prefix="wf", suffix="c"):
    """The same, pressed on the report's card: the card itself shows the result."""


class Reassign(CallbackData, prefix="wf:rsg"):
    """Reassignment to the agency picked."""

    report_id: int
    agency_id: int
