"""The built-in digest sections, from the foundation's reports.

Each provider queries only what its section shows; officials' sections are the same for
everyone in a language, so they are built once per run (`scope`), not once per recipient.
The HQ's, the programs' and the loans' sections are in bot.digest.figures. To add a
section: write a provider with `key`, `title_key`, `roles`, `scope` and `build`, and add
it in `default_registry`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from functools import partial

from bot.buttons.reports import OpenButton
from bot.digest.compliance import ComplianceSection
from bot.digest.content import (
    MAX_BUTTONS_PER_SECTION,
    TOP_LINES,
    Button,
    DigestDay,
    Recipient,
    Section,
    SectionRegistry,
    SharedByAgencies,
    SharedByLanguage,
    Titled,
    detail_buttons,
)
from bot.digest.figures import (
    AgencyDecisionsSection,
    DecisionsSection,
    LoansSection,
    ProgramsSection,
)
from bot.digest.staffing import UnstaffedSection
from bot.formatting import escape
from bot.services.compliance import ComplianceService
from bot.services.directory import Directory
from bot.services.hq import HQService
from bot.services.loans import LoanService
from bot.services.programs import ProgramService
from bot.services.staffing import StaffingService
from bot.views.common import status_label, tracking_number
from storage.db import Database
from storage.dto import ReportDTO
from storage.models import Role
from storage.models_digest import ChatKind
from storage.repositories.digest import DeliveryRepository, DigestQueries

OWNER_LINES = 10

# The detail button is /myreports' own OpenButton, whose handler applies the access rules
# for whoever presses it (a group member included).


def open_report_button(recipient: Recipient, report: ReportDTO) -> Button:
    return Button(
        recipient.tr.t("digest.btn_report", number=tracking_number(recipient.fmt, report)),
        OpenButton(report.id).pack(),
    )


@dataclass(frozen=True)
class _Base:
    database: Database
    directory: Directory


@dataclass(frozen=True)
class NewReportsSection(SharedByLanguage, _Base, key="new", title_key="digest.section_new"):
    """Officials: reports filed in the period, by category and by agency."""

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr, fmt, lang = recipient.tr, recipient.fmt, recipient.lang
        async with self.database.session() as session:
            q = DigestQueries(session, self.directory.province_id)
            by_category = await q.new_by("category_id", day.start, day.end)
            by_agency = await q.new_by("agency_id", day.start, day.end)
            newest = await q.newest_open(day.start, day.end, MAX_BUTTONS_PER_SECTION)
        total = sum(c.count for c in by_category)
        if not total:
            return None
        lines = [tr.t("digest.new_total", n=total, since=fmt.date(day.start)), ""]
        lines.append(tr.t("digest.by_category"))
        lines += [
            tr.t(
                "digest.count_line",
                name=escape(self.directory.category(c.id).name(lang)),
                n=c.count,
            )
            for c in by_category[:TOP_LINES]
        ]
        lines.append(tr.t("digest.by_agency"))
        lines += [
            tr.t(
                "digest.count_line", name=escape(self.directory.agency(a.id).name(lang)), n=a.count
            )
            for a in by_agency[:TOP_LINES]
        ]
        return self.section(
            recipient,
            lines,
            (open_report_button(recipient, r) for r in newest),
        )


@dataclass(frozen=True)
class FiguresSection(SharedByLanguage, _Base, key="figures", title_key="digest.section_figures"):
    """Officials: resolved and escalated in the period; open and overdue now."""

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr = recipient.tr
        async with self.database.session() as session:
            q = DigestQueries(session, self.directory.province_id)
            resolved = await q.count_moved_to("resolved", day.start, day.end)
            escalated = await q.count_moved_to("escalated", day.start, day.end)
            open_now = await q.count_open()
            overdue = await q.count_overdue(day.now)
        if not (resolved or escalated or open_now):
            return None
        lines = (
            tr.t("digest.figure_resolved", n=resolved),
            tr.t("digest.figure_escalated", n=escalated),
            tr.t("digest.figure_open", n=open_now),
            tr.t("digest.figure_overdue", n=overdue),
        )
        return self.section(recipient, lines)


@dataclass(frozen=True)
class BehindSection(SharedByLanguage, _Base, key="behind", title_key="digest.section_behind"):
    """Officials: the agencies with the most overdue open reports, and the oldest of those."""

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr, lang = recipient.tr, recipient.lang
        async with self.database.session() as session:
            q = DigestQueries(session, self.directory.province_id)
            behind = await q.overdue_by_agency(day.now, TOP_LINES)
            oldest = await q.most_overdue(day.now, MAX_BUTTONS_PER_SECTION)
        if not behind:
            return None
        lines = tuple(
            tr.t(
                "digest.behind_line",
                rank=recipient.fmt.plain_int(rank),
                name=escape(self.directory.agency(a.id).name(lang)),
                n=a.count,
            )
            for rank, a in enumerate(behind, start=1)
        )
        buttons = tuple(open_report_button(recipient, r) for r in oldest)
        return self.section(recipient, lines, buttons)


@dataclass(frozen=True)
class AgencySection(
    SharedByAgencies,
    _Base,
    key="agency",
    title_key="digest.section_agency",
    roles=frozenset({Role.OFFICER}),
):
    """Agency officers: their agency's open, new and overdue reports."""

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr, lang = recipient.tr, recipient.lang
        lines: list[str] = []
        buttons: list[Button] = []
        for agency_id in sorted(recipient.principal.agency_ids):
            agency = [agency_id]
            async with self.database.session() as session:
                q = DigestQueries(session, self.directory.province_id)
                open_now = await q.count_open(agency)
                new = await q.count_new(day.start, day.end, agency)
                overdue = await q.count_overdue(day.now, agency)
                oldest = await q.most_overdue(day.now, TOP_LINES, agency)
                newest = await q.newest_open(day.start, day.end, TOP_LINES, agency)
            if not (open_now or new):
                continue
            if lines:
                lines.append("")
            name = escape(self.directory.agency(agency_id).name(lang))
            lines.append(tr.t("digest.agency_line", agency=name, open=open_now, new=new))
            lines.append(tr.t("digest.agency_overdue", n=overdue))
            for report in oldest:
                lines.append(self._report_line(recipient, report, overdue=True))
            for report in newest if not oldest else ():
                lines.append(self._report_line(recipient, report, overdue=False))
            buttons += detail_buttons(oldest or newest, partial(open_report_button, recipient))
        if not lines:
            return None
        return self.section(recipient, lines, buttons)

    def _report_line(self, recipient: Recipient, report: ReportDTO, *, overdue: bool) -> str:
        tr, fmt = recipient.tr, recipient.fmt
        return tr.t(
            "digest.report_due_line" if overdue else "digest.report_new_line",
            number=tracking_number(fmt, report),
            category=escape(self.directory.category(report.category_id).name(recipient.lang)),
            due=fmt.date(report.due_at),
        )


@dataclass(frozen=True)
class OwnerSection(
    Titled, _Base, key="mine", title_key="digest.section_mine", roles=frozenset({Role.OWNER})
):
    """Owners: their reports that changed since their last digest, with the new status."""

    def scope(self, recipient: Recipient) -> Hashable | None:
        return None  # personal

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        if recipient.kind is not ChatKind.USER:
            return None
        owner_id = recipient.principal.user_id
        async with self.database.session() as session:
            last = await DeliveryRepository(session).last_sent_at(recipient.chat_id, day.day)
            since = max(last, day.start) if last else day.start
            changed = await DigestQueries(session, self.directory.province_id).changed_for_owner(
                owner_id, since, day.now, OWNER_LINES
            )
        if not changed:
            return None
        tr, fmt = recipient.tr, recipient.fmt
        lines = tuple(
            tr.t(
                "digest.mine_line",
                number=tracking_number(fmt, r),
                category=escape(self.directory.category(r.category_id).name(recipient.lang)),
                status=status_label(tr, r.status),
            )
            for r in changed
        )
        buttons = detail_buttons(changed, partial(open_report_button, recipient))
        return self.section(recipient, lines, buttons)


def default_registry(
    database: Database,
    directory: Directory,
    *,
    hq: HQService,
    programs: ProgramService,
    loans: LoanService,
    staffing: StaffingService,
    compliance: ComplianceService | None = None,
) -> SectionRegistry:
    """The digest's sections, in the order they appear. Features add theirs here."""
    weekly = [ComplianceSection(compliance, directory)] if compliance is not None else []
    return SectionRegistry(
        [
            OwnerSection(database, directory),
            AgencySection(database, directory),
            AgencyDecisionsSection(hq, directory),
            FiguresSection(database, directory),
            NewReportsSection(database, directory),
            BehindSection(database, directory),
            DecisionsSection(hq, directory),
            *weekly,
            ProgramsSection(programs, directory),
            LoansSection(loans),
            UnstaffedSection(staffing),
        ]
    )
