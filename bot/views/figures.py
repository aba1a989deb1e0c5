"""Rendering the officials' figures into HTML messages and chart bars. Pure: data in, text out.

Every name that users or admins typed (program titles, unit names, notes) is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from bot.charts import Bar
from bot.formatting import Presenter, escape, telegram_length
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.loans import ImportResult, LoanOverview, Share
from bot.services.programs import Light, ProgramPage, ProgramRollup, expected_progress
from bot.services.stats import StatsSnapshot
from bot.text import shorten
from bot.views.common import status_label
from storage.dto import ProvinceDTO
from storage.dto_figures import LinkedReportDTO, ProgramDTO, ProgramUpdateDTO

Unit = Literal["rial", "toman"]
PAGE_BUDGET: Final = 3800  # under Telegram's 4096, leaving room for the header
NOTE_PREVIEW: Final = 160
TOP: Final = 10  # rows per breakdown in /stats
MAX_ERRORS_SHOWN: Final = 20


def _preview(text: str, limit: int) -> str:
    return shorten(text, limit)


# ------------------------------------------------------------------------------ programs


def program_line(
    tr: Translator, fmt: Presenter, directory: Directory, program: ProgramDTO, light: Light
) -> str:
    updated = (
        tr.t("programs.updated_on", date=fmt.date(program.last_update_at))
        if program.last_update_at
        else tr.t("programs.never_updated")
    )
    return tr.t(
        "programs.line",
        light=tr.t(f"programs.light.{light.value}"),
        number=fmt.plain_int(program.number),
        title=escape(program.title(tr.lang)),
        agency=escape(directory.agency(program.agency_id).name(tr.lang)),
        progress=fmt.percent(Decimal(program.progress) / 100),
        updated=updated,
    )


def paginate(lines: Sequence[str], budget: int = PAGE_BUDGET) -> list[list[str]]:
    """Group lines into pages whose text (joined by blank lines) stays within `budget`."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        weight = telegram_length(line) + 2
        if pages[-1] and size + weight > budget:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += weight
    return pages


def status_pages(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    programs: Sequence[tuple[ProgramDTO, Light]],
) -> list[str]:
    """/status as pages, each one message under 4096 characters."""
    if not programs:
        return [tr.t("programs.empty")]
    header = tr.t("programs.title") + "\n" + tr.t("programs.legend")
    footer = tr.t("programs.open_hint")
    budget = PAGE_BUDGET - telegram_length(header) - telegram_length(footer) - 8
    lines = [program_line(tr, fmt, directory, p, light) for p, light in programs]
    return ["\n\n".join([header, *page, footer]) for page in paginate(lines, budget)]


def program_detail(
    tr: Translator, fmt: Presenter, directory: Directory, page: ProgramPage, today: date
) -> str:
    history = [_history_line(tr, fmt, update) for update in page.updates]
    linked = [_linked_line(tr, fmt, directory, report) for report in page.linked]
    return "\n".join(
        [
            *_program_facts(tr, fmt, directory, page, today),
            *_block(tr.t("programs.history_title"), history, tr.t("programs.history_empty")),
            *_block(
                tr.plural("programs.linked_title", page.linked_total),
                linked,
                tr.t("programs.linked_empty"),
            ),
        ]
    )


def _block(title: str, lines: list[str], empty: str) -> list[str]:
    """A titled block of a detail page, after a blank line; `empty` stands in for no lines."""
    return ["", title, *(lines or [empty])]


def _program_facts(
    tr: Translator, fmt: Presenter, directory: Directory, page: ProgramPage, today: date
) -> list[str]:
    """The program's head: title and light, agency, progress, then target, schedule and
    category where it has them."""
    program, lang = page.program, tr.lang
    updated = (
        tr.t("programs.updated_on", date=fmt.date(program.last_update_at))
        if program.last_update_at
        else tr.t("programs.never_updated")
    )
    lines = [
        tr.t(
            "programs.detail_title",
            light=tr.t(f"programs.light.{page.light.value}"),
            number=fmt.plain_int(program.number),
            title=escape(program.title(lang)),
        ),
        tr.t(
            "programs.detail_agency", agency=escape(directory.agency(program.agency_id).name(lang))
        ),
        tr.t(
            "programs.detail_progress",
            progress=fmt.percent(Decimal(program.progress) / 100),
            updated=updated,
        ),
    ]
    target = program.target(lang)
    if target:
        lines.append(tr.t("programs.detail_target", target=escape(target)))
    if program.due_on is not None:
        expected = expected_progress(program, today)
        if program.starts_on is not None and expected is not None:
            lines.append(
                tr.t(
                    "programs.detail_schedule",
                    starts=fmt.date(program.starts_on),
                    due=fmt.date(program.due_on),
                    expected=fmt.percent(Decimal(expected) / 100),
                )
            )
        else:
            lines.append(tr.t("programs.detail_due", due=fmt.date(program.due_on)))
    if program.category_id is not None:
        category = directory.category(program.category_id).name(lang)
        lines.append(tr.t("programs.detail_category", category=escape(category)))
    return lines


def _history_line(tr: Translator, fmt: Presenter, update: ProgramUpdateDTO) -> str:
    return tr.t(
        "programs.history_line",
        date=fmt.date(update.reported_on),
        percent=fmt.percent(Decimal(update.percent) / 100),
        note=escape(_preview(update.note, NOTE_PREVIEW)),
        evidence=" 📎" if update.evidence_file_id else "",
    )


def _linked_line(
    tr: Translator, fmt: Presenter, directory: Directory, report: LinkedReportDTO
) -> str:
    return tr.t(
        "programs.linked_line",
        number=fmt.tracking(report.year, report.seq),
        status=status_label(tr, report.status, staff=True),
        category=escape(directory.category(report.category_id).name(tr.lang)),
        how=tr.t("programs.linked_by_hand") if report.explicit else "",
    )


def progress_bars(tr: Translator, fmt: Presenter, programs: Sequence[ProgramDTO]) -> list[Bar]:
    return [
        Bar(
            label=tr.t("programs.btn_pick", number=fmt.plain_int(p.number), title=p.title(tr.lang)),
            value=p.progress,
            text=fmt.percent(Decimal(p.progress) / 100),
        )
        for p in programs
    ]


# --------------------------------------------------------------------------------- loans


def _percent(tr: Translator, fmt: Presenter, ratio: Decimal | None) -> str:
    return fmt.percent(ratio) if ratio is not None else tr.t("loans.no_percent")


def loans_summary(tr: Translator, fmt: Presenter, overview: LoanOverview, unit: Unit) -> str:
    if overview.year is None:
        return tr.t("loans.no_data")
    lang = tr.lang
    lines = [tr.t("loans.title", year=fmt.plain_int(overview.year)), ""]
    if overview.quota is not None:
        lines.append(
            tr.t(
                "loans.quota",
                amount=fmt.money(overview.quota.amount_rials, unit),
                source=escape(overview.quota.source(lang)),
            )
        )
    else:
        lines.append(tr.t("loans.no_quota"))
    if overview.reported:
        lines += ["", tr.t("loans.reported_title")]
        for total in overview.reported:
            lines.append(
                tr.t(
                    "loans.reported_line",
                    source=escape(total.source(lang)),
                    date=(
                        tr.t("loans.reported_date", date=fmt.date(total.reported_on))
                        if total.reported_on
                        else ""
                    ),
                    amount=fmt.money(total.amount_rials, unit),
                    projects=(
                        tr.plural("loans.projects", total.projects)
                        if total.projects is not None
                        else ""
                    ),
                    percent=_percent(tr, fmt, overview.realisation(total.amount_rials)),
                )
            )
    lines += ["", tr.t("loans.records_title")]
    if overview.all_count:
        lines.append(
            tr.t(
                "loans.records_paid",
                amount=fmt.money(overview.paid_rials, unit),
                projects=tr.plural("loans.count_projects", overview.paid_count),
                percent=_percent(tr, fmt, overview.realisation(overview.paid_rials)),
            )
        )
        lines.append(
            tr.t(
                "loans.records_all",
                amount=fmt.money(overview.all_rials, unit),
                files=tr.plural("loans.count_records", overview.all_count),
            )
        )
    else:
        lines.append(tr.t("loans.records_none"))
    lines += ["", tr.t("loans.never_merged")]
    return "\n".join(lines)


def share_label(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    dimension: str,
    key: object,
    *,
    short: bool = False,
) -> str:
    """A breakdown row's label; ``short`` for a chart, where a bank's short name fits."""
    if key is None:
        return tr.t("loans.not_given")
    if dimension == "bank" and isinstance(key, int):
        agency = directory.agency(key)
        return agency.short_name(tr.lang) if short else agency.name(tr.lang)
    if dimension == "sector" and isinstance(key, int):
        return directory.sector(key).name(tr.lang)
    if dimension == "county" and isinstance(key, int):
        return directory.county(key).name(tr.lang)
    if dimension == "type":
        return tr.t(f"loans.type.{key}")
    if dimension == "stage":
        return tr.t(f"loans.stage.{key}")
    if dimension == "month" and isinstance(key, int):
        return fmt.month_year(key // 100, key % 100)
    return str(key)


def loans_breakdown(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    overview: LoanOverview,
    dimension: str,
    unit: Unit,
) -> str:
    assert overview.year is not None
    year = fmt.plain_int(overview.year)
    if dimension == "stage":
        title = tr.t("loans.breakdown_title_stage", year=year)
    else:
        title = tr.t("loans.breakdown_title", dimension=tr.t(f"loans.dim.{dimension}"), year=year)
    shares = overview.breakdown(dimension)
    if not shares:
        return title + "\n\n" + tr.t("loans.breakdown_empty")
    whole = sum(s.amount_rials for s in shares) or 1
    lines = [
        tr.t(
            "loans.breakdown_line",
            label=escape(share_label(tr, fmt, directory, dimension, s.key)),
            amount=fmt.money(s.amount_rials, unit),
            count=s.count,
            share=fmt.percent(Decimal(s.amount_rials) / whole, 1),
        )
        for s in shares
    ]
    return title + "\n\n" + "\n".join(lines)


def loan_bars(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    shares: Sequence[Share],
    dimension: str,
    unit: Unit,
) -> list[Bar]:
    """Bars in billions of the chosen unit; each annotated the way officials say it."""
    divisor = Decimal(10**9) * (10 if unit == "toman" else 1)
    return [
        Bar(
            label=share_label(tr, fmt, directory, dimension, s.key, short=True),
            value=float(Decimal(s.amount_rials) / divisor),
            text=fmt.money(s.amount_rials, unit),
        )
        for s in shares
    ]


def import_summary(tr: Translator, fmt: Presenter, result: ImportResult) -> str:
    """What became of an imported file: done, a duplicate, unreadable, or its bad rows."""
    if result.imported:
        text = tr.t(
            "loans.import_done",
            rows=tr.plural("loans.count_rows", result.rows),
            amount=fmt.money(result.total_rials),
        )
        if result.skipped_total_rows:
            text += "\n" + tr.plural("loans.import_skipped_totals", result.skipped_total_rows)
        return text
    if result.duplicate_of is not None:
        name, when = result.duplicate_of
        return tr.t("loans.import_duplicate", date=fmt.date(when), name=fmt.name(name))
    if result.format_error is not None:
        detail = result.format_detail
        if result.format_error == "missing_columns":
            detail = fmt.join(tr.t(f"loans.column.{c.strip()}") for c in detail.split(","))
        return tr.t(f"loans.format.{result.format_error}", detail=escape(detail))
    lines = [tr.t("loans.import_refused")]
    for error in result.errors[:MAX_ERRORS_SHOWN]:
        reason = tr.t(f"loans.reason.{error.reason}")
        if error.value:
            reason += " " + tr.t("loans.import_error_value", value=fmt.name(error.value))
        lines.append(tr.t("loans.import_error_line", row=fmt.plain_int(error.row), reason=reason))
    hidden = len(result.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        lines.append(tr.plural("loans.import_more", hidden))
    return "\n".join(lines)


# --------------------------------------------------------------------------------- stats


def duration(tr: Translator, fmt: Presenter, seconds: float | None) -> str:
    if seconds is None:
        return tr.t("stats.no_value")
    minutes = int(seconds // 60)
    hours, days = minutes // 60, minutes // (60 * 24)
    if days:
        rest = hours - days * 24
        if rest:
            return tr.t("stats.days_hours", days=days, hours=rest)
        return tr.t("stats.days", days=days)
    if hours:
        return tr.t("stats.hours", hours=hours)
    return tr.t("stats.minutes", minutes=minutes)


def stats_text(
    tr: Translator, fmt: Presenter, directory: Directory, snapshot: StatsSnapshot
) -> str:
    lang = tr.lang
    lines = [tr.t("stats.title"), tr.t("stats.as_of", when=fmt.datetime(snapshot.computed_at))]
    if not snapshot.total:
        return "\n".join([*lines, "", tr.t("stats.empty")])
    lines.append(tr.t("stats.total", count=snapshot.total))

    def section(title_key: str, rows: Sequence[tuple[str, int]]) -> None:
        lines.extend(["", tr.t(title_key)])
        shown = rows[:TOP]
        lines.extend(tr.t("stats.line", label=escape(label), count=count) for label, count in shown)
        if len(rows) > TOP:
            rest = sum(count for _, count in rows[TOP:])
            lines.append(tr.t("stats.line", label="…", count=rest))

    section(
        "stats.by_status", [(status_label(tr, s, staff=True), n) for s, n in snapshot.by_status]
    )
    section(
        "stats.by_category",
        [(directory.category(c).name(lang), n) for c, n in snapshot.by_category],
    )
    section("stats.by_agency", [(directory.agency(a).name(lang), n) for a, n in snapshot.by_agency])
    section("stats.by_county", [(directory.county(c).name(lang), n) for c, n in snapshot.by_county])
    section("stats.by_sector", [(directory.sector(s).name(lang), n) for s, n in snapshot.by_sector])
    lines.append("")
    if snapshot.overdue_total:
        lines.append(tr.t("stats.overdue_title", count=snapshot.overdue_total))
        lines.extend(
            tr.t("stats.line", label=escape(directory.agency(a).name(lang)), count=n)
            for a, n in snapshot.overdue[:TOP]
        )
    else:
        lines.append(tr.t("stats.overdue_none"))
    lines.extend(["", tr.t("stats.timing_title")])
    if not snapshot.timings:
        lines.append(tr.t("stats.timing_none"))
    for timing in snapshot.timings:
        lines.append(
            tr.t(
                "stats.timing_line",
                agency=escape(directory.agency(timing.agency_id).name(lang)),
                first=duration(tr, fmt, timing.median_first_response_s),
                responded=timing.responded,
                resolution=duration(tr, fmt, timing.median_resolution_s),
                resolved=timing.resolved,
            )
        )
    lines.extend(["", tr.t("stats.weekly_title")])
    lines.extend(
        tr.t("stats.weekly_line", date=fmt.date(week), count=count)
        for week, count in snapshot.weekly
    )
    return "\n".join(lines)


def agency_bars(
    tr: Translator, fmt: Presenter, directory: Directory, snapshot: StatsSnapshot
) -> list[Bar]:
    return [
        Bar(directory.agency(a).short_name(tr.lang), n, fmt.number(n))
        for a, n in snapshot.by_agency[:15]
    ]


# ------------------------------------------------------------------- across provinces


def national_programs(
    tr: Translator, fmt: Presenter, rows: Sequence[tuple[ProvinceDTO, ProgramRollup]]
) -> str:
    """The ministry's /status: each province's programs in brief, then the whole country."""
    lang = tr.lang
    blocks = [tr.t("national_figures.programs_title"), tr.t("programs.legend")]

    def line(name: str, rollup: ProgramRollup) -> str:
        lights = " ".join(
            f"{tr.t(f'programs.light.{light.value}')} {fmt.number(rollup.lights.get(light, 0))}"
            for light in Light
            if rollup.lights.get(light, 0)
        )
        return tr.t(
            "national_figures.programs_line",
            province=name,
            programs=fmt.number(rollup.programs),
            progress=fmt.percent(rollup.mean_progress)
            if rollup.mean_progress is not None
            else tr.t("loans.no_percent"),
            lights=lights or "—",
        )

    blocks += [line(escape(p.name(lang)), r) for p, r in rows]
    blocks.append(line(tr.t("national_figures.total"), merge_rollups([r for _, r in rows])))
    return "\n\n".join(blocks)


def merge_rollups(rollups: Sequence[ProgramRollup]) -> ProgramRollup:
    """The country's rollup: the mean is over every program, not over provinces' means."""
    programs = sum(r.programs for r in rollups)
    weighted = sum((r.mean_progress * r.programs for r in rollups if r.mean_progress), Decimal(0))
    lights: dict[Light, int] = {}
    for rollup in rollups:
        for light, count in rollup.lights.items():
            lights[light] = lights.get(light, 0) + count
    return ProgramRollup(programs, weighted / programs if programs else None, lights)


def national_loans(
    tr: Translator,
    fmt: Presenter,
    year: int | None,
    rows: Sequence[tuple[ProvinceDTO, LoanOverview]],
    unit: Unit = "rial",
) -> str:
    """The ministry's /loans: per province the quota, each source's announced total and the
    imported rows' paid total against the quota; the total adds only like with like (quotas,
    imported rows), never one source's figure to another's."""
    if year is None:
        return tr.t("loans.no_data")
    lang = tr.lang
    blocks = [tr.t("national_figures.loans_title", year=fmt.plain_int(year))]
    for province, overview in rows:
        lines = [
            tr.t(
                "national_figures.loans_province",
                province=escape(province.name(lang)),
                quota=fmt.money(overview.quota.amount_rials, unit)
                if overview.quota
                else tr.t("national_figures.no_quota"),
                paid=fmt.money(overview.paid_rials, unit),
                projects=tr.plural("loans.count_projects", overview.paid_count),
                percent=_percent(tr, fmt, overview.realisation(overview.paid_rials)),
            )
        ]
        lines += [
            tr.t(
                "national_figures.loans_reported",
                source=escape(total.source(lang)),
                amount=fmt.money(total.amount_rials, unit),
                percent=_percent(tr, fmt, overview.realisation(total.amount_rials)),
            )
            for total in overview.reported
        ]
        blocks.append("\n".join(lines))
    quota = sum(o.quota.amount_rials for _, o in rows if o.quota)
    paid = sum(o.paid_rials for _, o in rows)
    blocks.append(
        tr.t(
            "national_figures.loans_total",
            quota=fmt.money(quota, unit),
            paid=fmt.money(paid, unit),
            projects=tr.plural("loans.count_projects", sum(o.paid_count for _, o in rows)),
            percent=_percent(tr, fmt, Decimal(paid) / quota if quota else None),
        )
    )
    blocks.append(tr.t("loans.never_merged"))
    return "\n\n".join(blocks)
