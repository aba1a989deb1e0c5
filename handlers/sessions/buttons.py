"""The session's buttons: one typed kind per verb, on the wire as `ss:<verb>:<ids>`
(the strings the bot sent before the kinds existed, so old messages keep working)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callback_data import CallbackData

DEADLINE_CHOICES = (10, 20, 30, 60)


@dataclass(frozen=True, slots=True)
class NewSession(CallbackData, prefix="ss:new"):
    """Schedule a new session."""


@dataclass(frozen=True, slots=True)
class ViewSession(CallbackData, prefix="ss:v"):
    session: int


@dataclass(frozen=True, slots=True)
class Invite(CallbackData, prefix="ss:iv"):
    """Open the invitation picker."""

    session: int


@dataclass(frozen=True, slots=True)
class InviteAgency(CallbackData, prefix="ss:ia"):
    """The state the press sets (1 invited, 0 not): a press handled twice stays put."""

    session: int
    agency: int
    invited: int

    def valid(self) -> bool:
        return self.invited in (0, 1)


@dataclass(frozen=True, slots=True)
class AddItems(CallbackData, prefix="ss:ai"):
    session: int


@dataclass(frozen=True, slots=True)
class PutItem(CallbackData, prefix="ss:+"):
    session: int
    item: int


@dataclass(frozen=True, slots=True)
class SendAgenda(CallbackData, prefix="ss:sa"):
    session: int


@dataclass(frozen=True, slots=True)
class WritePosition(CallbackData, prefix="ss:po"):
    """An invited agency's officer writes its position on an item."""

    item: int
    agency: int


@dataclass(frozen=True, slots=True)
class Attendance(CallbackData, prefix="ss:at"):
    session: int


@dataclass(frozen=True, slots=True)
class Attendee(CallbackData, prefix="ss:ap"):
    session: int
    agency: int


@dataclass(frozen=True, slots=True)
class Decide(CallbackData, prefix="ss:d"):
    session: int
    item: int


@dataclass(frozen=True, slots=True)
class Postpone(CallbackData, prefix="ss:pp"):
    session: int
    item: int


@dataclass(frozen=True, slots=True)
class Reject(CallbackData, prefix="ss:rj"):
    session: int
    item: int


@dataclass(frozen=True, slots=True)
class Reviewed(CallbackData, prefix="ss:rv"):
    """An overdue decision put back on the agenda was followed up."""

    session: int
    item: int


@dataclass(frozen=True, slots=True)
class PickAgency(CallbackData, prefix="ss:a"):
    """Toggle an agency in the decision draft."""

    item: int
    agency: int


@dataclass(frozen=True, slots=True)
class AgenciesPicked(CallbackData, prefix="ss:n"):
    item: int


@dataclass(frozen=True, slots=True)
class PickDeadline(CallbackData, prefix="ss:dl"):
    item: int
    days: int

    def valid(self) -> bool:
        return self.days in DEADLINE_CHOICES


@dataclass(frozen=True, slots=True)
class Minutes(CallbackData, prefix="ss:m"):
    """The minutes to check: the DOCX and the decisions' picture."""

    session: int


@dataclass(frozen=True, slots=True)
class Issue(CallbackData, prefix="ss:is"):
    session: int


@dataclass(frozen=True, slots=True)
class SendEdited(CallbackData, prefix="ss:ed"):
    """The secretariat will send its edited DOCX."""

    session: int


@dataclass(frozen=True, slots=True)
class StopWaiting(CallbackData, prefix="ss:ec"):
    """No edited DOCX after all."""

    session: int


@dataclass(frozen=True, slots=True)
class Uphold(CallbackData, prefix="ss:up"):
    decision: int
    agency: int


@dataclass(frozen=True, slots=True)
class Requeue(CallbackData, prefix="ss:rq"):
    """An overdue decision back on the next session's agenda."""

    decision: int
    agency: int
