"""The admins' digest section: agencies with nobody in the bot whose reports went to the
HQ instead (bot.services.staffing). It is listed every day until the agency has an
officer or a group."""

from __future__ import annotations

from dataclasses import dataclass

from bot.digest.content import DigestDay, Recipient, Section, SharedByLanguage
from bot.formatting import escape
from bot.services.staffing import StaffingService
from storage.models import Role


@dataclass(frozen=True)
class UnstaffedSection(
    SharedByLanguage,
    key="unstaffed",
    title_key="digest.section_unstaffed",
    roles=frozenset({Role.ADMIN}),
):
    staffing: StaffingService

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        stranded = await self.staffing.stranded()
        if not stranded:
            return None
        tr, fmt, lang = recipient.tr, recipient.fmt, recipient.lang
        lines = [
            tr.plural(
                "digest.unstaffed_line",
                s.reports,
                agency=escape(s.agency.name(lang)),
                code=escape(s.agency.code),
                n=fmt.number(s.reports),
            )
            for s in stranded
        ]
        lines.append(tr.t("digest.unstaffed_fix"))
        return self.section(recipient, lines)
