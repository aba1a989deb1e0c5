"""Whether an agency has anyone in the bot: an officer (who has not blocked it) or a group.

A report routed to an agency with nobody in it would be seen by nobody, so it goes to the
HQ secretariat at once (`ReportService.submit`); the admins are told, `/routing` marks the
agency, and the admins' digest lists it until it has an officer or a group.

When the agency later gets an officer or a group, new reports go to it as usual. Reports
already sent to the HQ stay with the HQ, which works them as any escalated report (an
agenda item and a decision naming the agency): nothing is moved behind anyone's back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.directory import Directory
from storage.db import Database
from storage.dto import AgencyDTO
from storage.models import Role
from storage.repositories.users import UserRepository
from storage.repositories.workflow import WorkflowRepository

# The history event of a report sent to the HQ because its agency had nobody in the bot.
UNSTAFFED_EVENT = "unstaffed"
# The data set's kind of the HQ secretariat's own agency: its desk is the secretariat's
# queue (/agenda), worked by the secretariat role, never an officer's inbox.
HQ_KIND = "hq"


def is_hq(agency: AgencyDTO) -> bool:
    """The HQ secretariat itself: a report routed there is in the HQ's queue at once."""
    return agency.kind == HQ_KIND


@dataclass(frozen=True, slots=True)
class Stranded:
    """An agency with nobody in the bot, and how many reports went to the HQ for it."""

    agency: AgencyDTO
    reports: int


async def unstaffed_ids(session: AsyncSession, directory: Directory) -> set[int]:
    staffed = await UserRepository(session).staffed_agencies(
        directory.province_id, Role.OFFICER.value
    )
    return {
        a.id
        for a in directory.agencies
        if not is_hq(a) and a.id not in staffed and a.group_chat_id is None
    }


class StaffingService:
    def __init__(self, database: Database, directory: Directory) -> None:
        self._db = database
        self._directory = directory

    async def unstaffed(self) -> set[int]:
        """The ids of the agencies with no officer and no group."""
        async with self._db.session() as session:
            return await unstaffed_ids(session, self._directory)

    async def stranded(self) -> list[Stranded]:
        """Agencies still without anyone that had reports sent to the HQ for that reason."""
        async with self._db.session() as session:
            empty = await unstaffed_ids(session, self._directory)
            counts = await WorkflowRepository(session).event_counts(
                self._directory.province_id, UNSTAFFED_EVENT, empty
            )
        return [
            Stranded(self._directory.agency(agency_id), n)
            for agency_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
