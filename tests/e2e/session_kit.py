"""Helpers of the HQ-session tests: escalated reports bundled into agenda items, the DOCX
read back, and the compliance board recomputed from the rows."""

from __future__ import annotations

import io
import statistics
import zipfile
from dataclasses import dataclass
from datetime import datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from sqlalchemy import select

from bot.context import RounaqApp
from bot.services.compliance import AgencyCompliance
from bot.services.reports import ReportDraft
from emulator import BotApiEmulator, SentMessage
from storage.dto import ReportDTO
from storage.models import Report
from storage.models_sessions import DecisionFollowUp
from storage.models_workflow import AgencyResponse, Decision, DecisionAgency
from tests.e2e.workflow_kit import services_of
from tests.people import Person


async def file_with_amount(
    app: RounaqApp, owner: Person, category: str, description: str, amount: int
) -> ReportDTO:
    services = services_of(app)
    (unit,) = await services.units.of_owner(owner.id)
    found = services.directory.category_by_code(category)
    assert found is not None
    submission = await services.reports.submit(
        owner.id,
        ReportDraft(unit.id, found.id, description, amount_rials=amount),
    )
    return submission.report


async def escalate(person: Person, number: str, button: str, reason: str) -> None:
    card = await person.say(number)
    await person.press(card, button)
    await person.say(reason)


async def bundle(
    hq: Person, emulator: BotApiEmulator, number: str, cause: str, title: str, day: str
) -> SentMessage:
    """Through /agenda: select one escalated report, bundle it into a new item."""
    agenda = await hq.say("/agenda")
    shown = f"\u2066{number}\u2069"  # a label carries the number isolated, as every screen
    await hq.press_only(agenda, f"☐ {shown}")
    agenda = await emulator.wait_for_message(hq.id, lambda m: f"☑ {shown}" in m.button_texts)
    causes = await hq.press(agenda, "تجمیع")
    await hq.press(causes, cause)
    await hq.say(title)
    created = await hq.say(day)
    assert "موضوع دستور جلسه ساخته شد" in created.text, created.text
    return created


@dataclass(frozen=True)
class DocxView:
    document: DocumentObject
    raw: bytes

    @property
    def paragraphs(self) -> list[str]:
        return [p.text for p in self.document.paragraphs]

    @property
    def all_text(self) -> str:
        cells = [c.text for t in self.document.tables for row in t.rows for c in row.cells]
        return "\n".join(self.paragraphs + cells)

    def every_paragraph(self) -> list[Paragraph]:
        found = list(self.document.paragraphs)
        for table in self.document.tables:
            for row in table.rows:
                for cell in row.cells:
                    found.extend(cell.paragraphs)
        return found

    def font_table(self) -> str:
        return zipfile.ZipFile(io.BytesIO(self.raw)).read("word/fontTable.xml").decode()


def open_docx(data: bytes) -> DocxView:
    return DocxView(Document(io.BytesIO(data)), data)


def rtl_everywhere(view: DocxView) -> tuple[int, int]:
    """(paragraphs with text lacking w:bidi, runs lacking w:rtl): both 0 when all is RTL."""
    no_bidi = no_rtl = 0
    for paragraph in view.every_paragraph():
        p = paragraph._p
        if not paragraph.text:
            continue
        ppr = p.pPr
        if ppr is None or ppr.find(qn("w:bidi")) is None:
            no_bidi += 1
        for run in paragraph.runs:
            rpr = run._r.rPr
            if rpr is None or rpr.find(qn("w:rtl")) is None:
                no_rtl += 1
    return no_bidi, no_rtl


async def recompute_board(app: RounaqApp, now: datetime) -> list[AgencyCompliance]:
    """The board from the rows, counted independently of bot.services.compliance (only its
    record type is shared). An objection the secretariat upheld is not overdue."""
    async with services_of(app).database.session() as session:
        rows = await session.execute(
            select(DecisionAgency, Decision).join(
                Decision, Decision.id == DecisionAgency.decision_id
            )
        )
        per: dict[int, list[tuple[DecisionAgency, Decision]]] = {}
        for answer, decision in rows:
            per.setdefault(answer.agency_id, []).append((answer, decision))
        upheld = {
            (f.decision_id, f.agency_id)
            for f in await session.scalars(select(DecisionFollowUp))
            if f.upheld_at is not None
        }
    result = []
    for agency_id, pairs in per.items():
        done = [
            (a, d) for a, d in pairs if a.state == AgencyResponse.IMPLEMENTED and a.responded_at
        ]
        on_time = sum(1 for a, d in done if a.responded_at and a.responded_at <= d.deadline_at)
        days = [
            (a.responded_at - d.created_at).total_seconds() / 86400
            for a, d in done
            if a.responded_at
        ]
        result.append(
            AgencyCompliance(
                agency_id=agency_id,
                assigned=len(pairs),
                on_time=on_time,
                late=len(done) - on_time,
                overdue=sum(
                    1
                    for a, d in pairs
                    if a.state != AgencyResponse.IMPLEMENTED
                    and now > d.deadline_at
                    and (d.id, agency_id) not in upheld
                ),
                objected=sum(1 for a, _ in pairs if a.objection is not None),
                upheld=sum(1 for a, d in pairs if (d.id, agency_id) in upheld),
                median_days=round(statistics.median(days), 1) if days else None,
            )
        )
    result.sort(key=lambda e: (e.share, -e.overdue))
    return result


async def amounts_of_items(app: RounaqApp, report_ids: list[int]) -> int:
    async with services_of(app).database.session() as session:
        found = await session.scalars(select(Report.amount_rials).where(Report.id.in_(report_ids)))
        return sum(a or 0 for a in found)


async def schedule_session(hq: Person, when: str = "۱۴۰۵/۰۹/۲۵ ۱۰:۳۰") -> SentMessage:
    """Through /session: a new session at `when`, in the governorate's hall, chaired by
    the governor; the session's view."""
    home = await hq.say("/session")
    await hq.press(home, "ss:new")
    await hq.say(when)
    await hq.say("سالن جلسات استانداری")
    return await hq.say("استاندار قم")
