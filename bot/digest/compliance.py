"""The weekly head of the compliance board in the officials' digest (first day of the
Iranian week): this year's share of HQ decisions implemented, its change since last
week, and the agencies furthest behind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.digest.content import DigestDay, Recipient, Section, SharedByLanguage
from bot.formatting import escape
from bot.services.compliance import ComplianceService
from bot.services.directory import Directory

SATURDAY: Final = 5  # date.weekday(): the Iranian week starts on Saturday
WORST: Final = 3


@dataclass(frozen=True)
class ComplianceSection(SharedByLanguage, key="compliance", title_key="sessions.digest_title"):
    compliance: ComplianceService
    directory: Directory

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        if day.day.weekday() != SATURDAY:
            return None
        tr, fmt = recipient.tr, recipient.fmt
        period, share, before, lines = await self.compliance.head(day.now)
        if not lines:
            return None
        if before is None:
            change = tr.t("sessions.digest_change_new")
        else:
            points = round((share - before) * 100)
            sign = "+" if points > 0 else ""
            change = tr.t("sessions.digest_change", points=sign + fmt.number(points))
        text = [
            tr.t(
                "sessions.digest_head",
                year=fmt.plain_int(period.year),
                share=fmt.percent(share),
                change=change,
            )
        ]
        for line in lines[:WORST]:
            text.append(
                tr.t(
                    "sessions.digest_line",
                    agency=escape(self.directory.agency(line.agency_id).name(recipient.lang)),
                    share=fmt.percent(line.share),
                    done=fmt.number(line.implemented),
                    assigned=fmt.number(line.assigned),
                    overdue=fmt.number(line.overdue),
                )
            )
        return self.section(recipient, text)
