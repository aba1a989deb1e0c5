"""Spreadsheets for officials: reports with their history, loans and programs, as XLSX or CSV.

Numbers stay numbers (amounts in rials) so officials can sum them in Excel; dates are
Jalali text in the reader's language. CSV is UTF-8 with a BOM so Excel shows Persian right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.formatting import Presenter, html_to_plain
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.programs import ProgramService
from bot.text import format_tracking_number
from storage.db import Database
from storage.repositories.loans import LoanRepository
from storage.repositories.stats import StatsRepository

MAX_REPORTS: Final = 50_000
XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME: Final = "text/csv"
REPORT_COLUMNS: Final = (
    "number", "unit", "category", "agency", "county", "sector", "status",
    "created", "due", "closed", "amount", "description", "history",
)  # fmt: skip
LOAN_COLUMNS: Final = (
    "unit", "bank", "sector", "county", "amount", "loan_type", "stage", "year",
    "applied_on", "approved_wg_on", "approved_bank_on", "paid_on",
)  # fmt: skip
PROGRAM_COLUMNS: Final = (
    "program",
    "title",
    "agency",
    "progress",
    "last_update",
    "light",
    "target",
)


# A cell starting with one of these is a formula to Excel and LibreOffice (CSV included):
# user text such as "=HYPERLINK(...)" must stay text.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet cell: text that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Sequence[object]) -> list[object]:
    return [safe_cell(v) for v in values]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[object]]


def to_xlsx(tables: Sequence[Table], *, rtl: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.name[:31])
        sheet.sheet_view.rightToLeft = rtl
        bold = Font(bold=True)
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(table.header))
    writer.writerows(safe_row(row) for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


class Exporter:
    """Builds the tables in the reader's language from the services' data."""

    def __init__(
        self,
        database: Database,
        directory: Directory,
        programs: ProgramService,
    ) -> None:
        self._db = database
        self._directory = directory
        self._programs = programs

    async def reports(self, tr: Translator, fmt: Presenter) -> tuple[list[Table], bool]:
        """Reports and their public history; True when capped at MAX_REPORTS."""
        d, lang = self._directory, tr.lang
        async with self._db.session() as session:
            repo = StatsRepository(session)
            reports = await repo.latest_reports(d.province_id, MAX_REPORTS + 1)
            truncated = len(reports) > MAX_REPORTS
            reports = reports[:MAX_REPORTS]
            events = await repo.events_of([r.id for r in reports])
        numbers = {r.id: format_tracking_number(r.year, r.seq) for r in reports}
        history: dict[int, list[str]] = {}
        history_rows: list[list[object]] = []
        for event in events:
            key = f"history.{event.kind}"
            agency = d.agency(event.agency_id).name(lang) if event.agency_id else ""
            text = (
                html_to_plain(tr.t(key, when="", agency=agency)).strip("•— ").strip()
                if tr.has(key)
                else event.kind
            )
            history.setdefault(event.report_id, []).append(
                f"{fmt.short_date(event.created_at)}: {text}"
            )
            history_rows.append(
                [
                    numbers[event.report_id],
                    fmt.datetime(event.created_at),
                    text,
                    tr.t(f"status.{event.to_status}") if event.to_status else "",
                    event.note or "",
                ]
            )
        c = "stats.col."
        report_rows: list[list[object]] = [
            [
                numbers[r.id],
                r.unit_name,
                d.category(r.category_id).name(lang),
                d.agency(r.agency_id).name(lang),
                d.county(r.county_id).name(lang),
                d.sector(r.sector_id).name(lang),
                tr.t(f"status.{r.status}"),
                fmt.short_date(r.created_at),
                fmt.short_date(r.due_at),
                fmt.short_date(r.closed_at) if r.closed_at else "",
                r.amount_rials if r.amount_rials is not None else "",
                r.description,
                "\n".join(history.get(r.id, [])),
            ]
            for r in reports
        ]
        keys = REPORT_COLUMNS
        return [
            Table(tr.t("stats.sheet_reports"), [tr.t(c + k) for k in keys], report_rows),
            Table(
                tr.t("stats.sheet_history"),
                [tr.t(c + k) for k in ("number", "when", "event", "status", "note")],
                history_rows,
            ),
        ], truncated

    async def loans(self, tr: Translator, fmt: Presenter) -> list[Table]:
        d, lang = self._directory, tr.lang
        rows: list[list[object]] = []
        async with self._db.session() as session:
            async for f in LoanRepository(session).facilities(d.province_id):
                rows.append(
                    [
                        f.unit_name,
                        d.agency(f.bank_id).name(lang),
                        d.sector(f.sector_id).name(lang) if f.sector_id else "",
                        d.county(f.county_id).name(lang) if f.county_id else "",
                        f.amount_rials,
                        tr.t(f"loans.type.{f.loan_type}"),
                        tr.t(f"loans.stage.{f.stage}"),
                        f.year,
                        *(
                            fmt.short_date(day) if day else ""
                            for day in (f.applied_on, f.approved_wg_on, f.approved_bank_on)
                        ),
                        fmt.short_date(f.paid_on) if f.paid_on else "",
                    ]
                )
        keys = LOAN_COLUMNS
        return [Table(tr.t("stats.sheet_loans"), [tr.t(f"stats.col.{k}") for k in keys], rows)]

    async def programs(self, tr: Translator, fmt: Presenter) -> list[Table]:
        d, lang = self._directory, tr.lang
        programs, updates = await self._programs.history()
        numbers = {p.id: p.number for p in programs}
        program_rows: list[list[object]] = [
            [
                p.number,
                p.title(lang),
                d.agency(p.agency_id).name(lang),
                p.progress,
                fmt.short_date(p.last_update_at) if p.last_update_at else "",
                html_to_plain(tr.t(f"programs.light.{self._programs.light(p).value}")),
                p.target(lang) or "",
            ]
            for p in programs
        ]
        update_rows: list[list[object]] = [
            [
                numbers[u.program_id],
                fmt.short_date(u.reported_on),
                u.percent,
                u.note,
                u.evidence_file_name or (u.evidence_kind or ""),
            ]
            for u in updates
        ]
        c = "stats.col."
        return [
            Table(
                tr.t("stats.sheet_programs"),
                [tr.t(c + k) for k in PROGRAM_COLUMNS],
                program_rows,
            ),
            Table(
                tr.t("stats.sheet_updates"),
                [tr.t(c + k) for k in ("program", "date", "percent", "note", "evidence")],
                update_rows,
            ),
        ]
