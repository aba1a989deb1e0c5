"""Digest sections from the HQ, the key programs and the loans (issues 3 and 4's data).

Officials and the secretariat get decisions due or overdue, program updates posted in the
period and the loan figures with what imports added; agency officers get the decisions
awaiting their agency. Detail buttons are /decisions' own ViewDecision and /status' own
OpenButton, whose handlers check the presser's access, as the report buttons do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Final

from bot.buttons.hq import ViewDecision
from bot.buttons.programs import OpenButton
from bot.digest.content import (
    TOP_LINES,
    Button,
    DigestDay,
    Recipient,
    Section,
    SharedByAgencies,
    SharedByLanguage,
    detail_buttons,
)
from bot.formatting import Presenter, escape
from bot.services.directory import Directory
from bot.services.hq import DecisionView, HQService, agency_state
from bot.services.loans import LoanService
from bot.services.programs import Posted, ProgramService, traffic_light
from storage.models import Role
from storage.models_workflow import AgencyResponse

# A decision whose implementation deadline is this close is "due" in the officials' digest.
DUE_SOON: Final = timedelta(days=7)
NOTE_PREVIEW: Final = 80


def decision_button(recipient: Recipient, view: DecisionView) -> Button:
    return Button(
        recipient.tr.t("digest_figures.btn_decision", id=recipient.fmt.plain_int(view.decision.id)),
        ViewDecision(view.decision.id).pack(),
    )


def program_button(recipient: Recipient, posted: Posted) -> Button:
    number = posted.program.number
    return Button(
        recipient.tr.t("digest_figures.btn_program", number=recipient.fmt.plain_int(number)),
        OpenButton(number).pack(),
    )


def _names(fmt: Presenter, directory: Directory, lang: str, agency_ids: Sequence[int]) -> str:
    return fmt.join(escape(directory.agency(a).name(lang)) for a in agency_ids)


@dataclass(frozen=True)
class DecisionsSection(
    SharedByLanguage, key="decisions", title_key="digest_figures.section_decisions"
):
    """Officials: HQ decisions whose implementation deadline is near or passed."""

    hq: HQService
    directory: Directory

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr, fmt, lang = recipient.tr, recipient.fmt, recipient.lang
        due = [v for v in await self.hq.owed() if v.decision.deadline_at <= day.now + DUE_SOON]
        if not due:
            return None
        overdue = sum(1 for v in due if v.decision.deadline_at < day.now)
        lines = [tr.plural("digest_figures.decisions_total", len(due), overdue=overdue)]
        for view in due[:TOP_LINES]:
            waiting = [
                a.agency_id for a in view.decision.agencies if a.state != AgencyResponse.IMPLEMENTED
            ]
            lines.append(
                tr.t(
                    "digest_figures.decision_line",
                    id=fmt.plain_int(view.decision.id),
                    title=escape(view.item.title),
                    state=tr.t(f"hq.state_{view.state}"),
                    deadline=fmt.date(view.decision.deadline_at),
                    agencies=_names(fmt, self.directory, lang, waiting),
                )
            )
        buttons = detail_buttons(due, partial(decision_button, recipient))
        return self.section(recipient, lines, buttons)


@dataclass(frozen=True)
class AgencyDecisionsSection(
    SharedByAgencies,
    key="agency_dec",
    title_key="digest_figures.section_agency_decisions",
    roles=frozenset({Role.OFFICER}),
):
    """Agency officers: decisions naming their agency that it has not implemented yet."""

    hq: HQService
    directory: Directory

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr, fmt, lang = recipient.tr, recipient.fmt, recipient.lang
        mine = recipient.principal.agency_ids
        views = await self.hq.owed(mine)
        lines: list[str] = []
        for view in views[:TOP_LINES]:
            for answer in view.decision.agencies:
                if answer.agency_id not in mine or answer.state == AgencyResponse.IMPLEMENTED:
                    continue
                may_object = (
                    answer.state == AgencyResponse.PENDING
                    and day.now <= view.decision.objection_until
                )
                lines.append(
                    tr.t(
                        "digest_figures.agency_decision_line",
                        id=fmt.plain_int(view.decision.id),
                        title=escape(view.item.title),
                        agency=escape(self.directory.agency(answer.agency_id).name(lang)),
                        state=tr.t(f"hq.state_{agency_state(answer, view.decision, day.now)}"),
                        deadline=fmt.date(view.decision.deadline_at),
                    )
                    + (
                        "\n"
                        + tr.t(
                            "digest_figures.objection_until",
                            date=fmt.date(view.decision.objection_until),
                        )
                        if may_object
                        else ""
                    )
                )
        if not lines:
            return None
        buttons = detail_buttons(views, partial(decision_button, recipient))
        return self.section(recipient, lines, buttons)


@dataclass(frozen=True)
class ProgramsSection(
    SharedByLanguage, key="programs", title_key="digest_figures.section_programs"
):
    """Officials: the key programs whose agencies posted progress in the period."""

    programs: ProgramService
    directory: Directory

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        tr, fmt, lang = recipient.tr, recipient.fmt, recipient.lang
        posted = await self.programs.posted(day.start, day.end)
        if not posted:
            return None
        today = day.now.astimezone(recipient.tz).date()
        lines = [tr.plural("digest_figures.programs_total", len(posted))]
        for item in posted[:TOP_LINES]:
            program, latest = item.program, item.updates[-1]
            note = fmt.shorten(latest.note, NOTE_PREVIEW)
            lines.append(
                tr.t(
                    "digest_figures.program_line",
                    light=tr.t(f"programs.light.{traffic_light(program, day.now, today).value}"),
                    number=fmt.plain_int(program.number),
                    title=escape(program.title(lang)),
                    agency=escape(self.directory.agency(program.agency_id).name(lang)),
                    progress=fmt.percent(Decimal(latest.percent) / 100),
                    note=escape(note),
                )
            )
        buttons = detail_buttons(posted, partial(program_button, recipient))
        return self.section(recipient, lines, buttons)


@dataclass(frozen=True)
class LoansSection(SharedByLanguage, key="loans", title_key="digest_figures.section_loans"):
    """Officials: the year's loan figures, each with its source, and what imports added.

    Only on days with news (a file imported since the period began). The quota, each
    official source's announced total and the imported per-facility rows stay separate
    lines: they are never added together.
    """

    loans: LoanService

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None:
        change = await self.loans.change(day.start)
        if change is None:
            return None
        tr, fmt, lang = recipient.tr, recipient.fmt, recipient.lang
        overview, added = change.overview, change.added
        assert overview.year is not None
        lines = [tr.t("digest_figures.loans_year", year=fmt.plain_int(overview.year))]
        if overview.quota is not None:
            lines.append(
                tr.t(
                    "digest_figures.loans_quota",
                    amount=fmt.money(overview.quota.amount_rials),
                    source=escape(overview.quota.source(lang)),
                )
            )
        for total in overview.reported:
            lines.append(
                tr.t(
                    "digest_figures.loans_reported",
                    source=escape(total.source(lang)),
                    amount=fmt.money(total.amount_rials),
                )
            )
        ratio = overview.realisation(overview.paid_rials)
        lines.append(
            tr.t(
                "digest_figures.loans_paid",
                amount=fmt.money(overview.paid_rials),
                projects=tr.plural("loans.count_projects", overview.paid_count),
                percent=fmt.percent(ratio) if ratio is not None else tr.t("loans.no_percent"),
            )
        )
        lines.append(
            tr.t(
                "digest_figures.loans_added",
                files=tr.plural("loans.count_uploads", added.files),
                amount=fmt.money(added.paid_rials),
                projects=tr.plural("loans.count_projects", added.paid_count),
                rows=tr.plural("loans.count_rows", added.all_count),
                since=fmt.date(day.start),
            )
        )
        return self.section(recipient, lines)
