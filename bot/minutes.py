"""The minutes of an HQ session (صورتجلسه) as a Word document, and a PNG of its decisions.

Persian minutes are right to left throughout: the section, every paragraph (`w:bidi`),
every run (`w:rtl`, with the complex-script font and size) and every table
(`w:bidiVisual`). The font is one Iranian offices have ("B Nazanin"); the document's font
table names Vazirmatn, which ships with the bot, as its alternative for machines without
it. All numbers come through the Presenter, so Persian minutes carry Persian digits.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Final

import jdatetime

from bot.charts import chart_style
from bot.formatting import Presenter, strip_isolates
from bot.i18n import Translator
from bot.services.directory import Directory
from bot.services.sessions import ItemBrief, SessionPack
from bot.text import JALALI_MONTHS_FA, shorten

DOCX_MIME: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_FA_ORDINALS: Final = (
    "یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم", "دهم",
    "یازدهم", "دوازدهم", "سیزدهم", "چهاردهم", "پانزدهم", "شانزدهم", "هفدهم", "هجدهم",
    "نوزدهم", "بیستم",
)  # fmt: skip


def _drawable(text: str) -> str:
    """Text for the PNG: matplotlib lays out the direction itself, and the charts' font has
    no emoji (a "⏸" would be an empty box)."""
    kept = (c for c in strip_isolates(text) if unicodedata.category(c) != "So")
    return "".join(kept).replace("\ufe0f", "").strip()


def fa_day_in_words(day: int) -> str:
    """«پانزدهم», «بیست و یکم», «سی‌ام»: the day of a Jalali month as officials write it."""
    if 1 <= day <= 20:
        return _FA_ORDINALS[day - 1]
    if day == 30:
        return "سی‌ام"
    tens, rest = ("بیست", day - 20) if day < 30 else ("سی", day - 30)
    return f"{tens} و {_FA_ORDINALS[rest - 1]}"


def date_in_words(fmt: Presenter, j: jdatetime.date, weekday: str) -> str:
    """«سه‌شنبه پانزدهم دی ماه ۱۴۰۵ (⁦۱۴۰۵/۱۰/۱۵⁩)» / "Tuesday 5 Jan 2027": English is
    Gregorian, as the Presenter writes every other English date (deadlines, lists)."""
    if not fmt.is_fa:
        return f"{weekday} {fmt.date(j)}"
    month = JALALI_MONTHS_FA[j.month - 1]
    # The digits isolated, as every Persian screen shows a "/" date (Presenter.short_date).
    digits = fmt.short_date(j)
    return f"{weekday} {fa_day_in_words(j.day)} {month} ماه {fmt.plain_int(j.year)} ({digits})"


@dataclass(frozen=True, slots=True)
class MinutesContext:
    tr: Translator
    fmt: Presenter
    directory: Directory
    secretary: str

    @property
    def lang(self) -> str:
        return self.fmt.lang

    @property
    def rtl(self) -> bool:
        return self.fmt.is_fa


def build_minutes(mc: MinutesContext, pack: SessionPack) -> bytes:
    """The session's minutes as a .docx file (bot.minutes_docx, imported on first use: the
    Word library costs every start of the bot otherwise, and few starts build minutes)."""
    from bot.minutes_docx import build_minutes as build

    return build(mc, pack)


def background_lines(mc: MinutesContext, brief: ItemBrief) -> list[str]:
    """The item's background: its reports counted by category and county, the amounts."""
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    if not brief.reports:  # the HQ put it on its agenda itself
        return [tr.t("sessions.doc_no_reports")]
    sep = tr.t("sessions.list_separator")
    lines = [
        tr.t(
            "sessions.doc_background",
            reports=fmt.number(len(brief.reports)),
            units=fmt.number(brief.units),
        ),
        tr.t(
            "sessions.doc_by_category",
            list=sep.join(
                tr.t(
                    "sessions.count_of", name=directory.category(c).name(lang), count=fmt.number(n)
                )
                for c, n in brief.by_category
            ),
        ),
        tr.t(
            "sessions.doc_by_county",
            list=sep.join(
                tr.t("sessions.count_of", name=directory.county(c).name(lang), count=fmt.number(n))
                for c, n in brief.by_county
            ),
        ),
    ]
    if brief.amount_rials:
        lines.append(tr.t("sessions.doc_amount", amount=fmt.money(brief.amount_rials)))
    return lines


def _wrap(text: str, width: int, lines: int) -> str:
    """At most `lines` lines of `width` characters; an ellipsis says there was more."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _decision_rows(mc: MinutesContext, pack: SessionPack) -> list[list[str]]:
    """One row per item: its number, title, decision (or outcome), agencies, deadline."""
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    rows: list[list[str]] = []
    for brief in pack.items:
        decision = brief.decision
        if decision is not None:
            text = _wrap(decision.text, 60, 2)
            agencies = "\n".join(
                shorten(directory.agency(a.agency_id).short_name(lang), 40)
                for a in decision.agencies
            )
            deadline = fmt.date(decision.deadline_at)
        else:
            outcome = tr.t(f"sessions.outcome_{brief.outcome or 'none'}")
            text, agencies, deadline = _drawable(outcome), "", ""
        rows.append(
            [fmt.plain_int(brief.position), shorten(brief.item.title, 50), text, agencies, deadline]
        )
    return rows


def decisions_png(mc: MinutesContext, pack: SessionPack) -> bytes:
    """One page with the session's decisions table (laid out on A4 landscape, cropped)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

    tr, fmt = mc.tr, mc.fmt
    header = tr.t("sessions.png_header").split("|")
    rows = _decision_rows(mc, pack)
    if mc.rtl:  # the first column stands on the right
        header = header[::-1]
        rows = [r[::-1] for r in rows]
    with chart_style():
        figure = Figure(figsize=(11.69, 8.27), dpi=100)
        figure.patch.set_facecolor("white")
        axes = figure.add_subplot()
        axes.axis("off")
        title = tr.t(
            "sessions.png_title",
            number=fmt.plain_int(pack.session.number),
            date=fmt.date(pack.session.starts_at),
        )
        axes.set_title(_drawable(title), fontsize=14, fontweight="bold")
        if rows:
            table = axes.table(
                cellText=rows,
                colLabels=header,
                loc="upper center",
                cellLoc="right" if mc.rtl else "left",
            )
            table.auto_set_font_size(False)
            table.set_fontsize(9)
            table.scale(1, 3.2)
            table.auto_set_column_width(list(range(len(header))))
        canvas = FigureCanvasAgg(figure)
        canvas.draw()  # type: ignore[no-untyped-call]
        # Cropped to the title and the table: the chat shows the page's content, not its
        # white half.
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        parts = [axes.title.get_window_extent(renderer)]
        if rows:
            parts.append(table.get_window_extent(renderer))
        box = Bbox.union(parts).transformed(figure.dpi_scale_trans.inverted())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches=box.padded(0.3))
    return buffer.getvalue()
