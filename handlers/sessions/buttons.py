"""The session's buttons: one typed kind per verb, on the wire as `ss:<verb>:<ids>`
(the strings the bot sent before the kinds existed, so old messages keep working)."""

from __future__ import annotations

# A session item's decision is an HQ decision (DecisionTerms): the same deadlines are
# offered as for one taken on the agenda.
from bot.buttons.hq import DEADLINE_CHOICES as DEADLINE_CHOICES
from bot.callback_data import CallbackData


# The shapes several verbs share (not kinds themselves).
class OnSession(CallbackData):
    session: int


class OnItem(CallbackData):
    """An agenda item, in the session it is discussed in."""

    session: int
    item: int


class ItemAgency(CallbackData):
    item: int
    agency: int


class DecisionAgency(CallbackData):
    """A decision, as it concerns one of the agencies it names."""

    decision: int
    agency: int


class NewSession(CallbackData, prefix="ss:new"):
    """Schedule a new session."""


class ViewSession(OnSession, prefix="ss:v"): ...


class Invite(OnSession, prefix="ss:iv"):
    """Open the invitation picker (in place of the session's view)."""


class InvitesDone(OnSession, prefix="ss:ivd"):
    """The picker's done: the session's view again, in the same message."""


class InviteAgency(CallbackData, prefix="ss:ia"):
    """The state the press sets (1 invited, 0 not): a press handled twice stays put."""

    session: int
    agency: int
    invited: int

    def valid(self) -> bool:
        return self.invited in (0, 1)


class AddItems(OnSession, prefix="ss:ai"): ...


class PutItem(OnItem, prefix="ss:+"): ...


class SendAgenda(OnSession, prefix="ss:sa"): ...


class WritePosition(ItemAgency, prefix="ss:po"):
    """An invited agency's officer writes its position on an item."""


class Attendance(OnSession, prefix="ss:at"): ...


class Attendee(CallbackData, prefix="ss:ap"):
    session: int
    agency: int


class Decide(OnItem, prefix="ss:d"): ...


class Postpone(OnItem, prefix="ss:pp"): ...


class Reject(OnItem, prefix="ss:rj"): ...


class Reviewed(OnItem, prefix="ss:rv"):
    """An overdue decision put back on the agenda was followed up."""


class PickAgency(ItemAgency, prefix="ss:a"):
    """Toggle an agency in the decision draft."""


class AgenciesPicked(CallbackData, prefix="ss:n"):
    item: int


class PickDeadline(CallbackData, prefix="ss:dl"):
    item: int
    days: int

    def valid(self) -> bool:
        return self.days in DEADLINE_CHOICES


class Minutes(OnSession, prefix="ss:m"):
    """The minutes to check: the DOCX and the decisions' picture."""


class Issue(OnSession, prefix="ss:is"): ...


class SendEdited(OnSession, prefix="ss:ed"):
    """The secretariat will send its edited DOCX."""


class StopWaiting(OnSession, prefix="ss:ec"):
    """No edited DOCX after all."""


class Uphold(DecisionAgency, prefix="ss:up"): ...


class Requeue(DecisionAgency, prefix="ss:rq"):
    """An overdue decision back on the next session's agenda."""
