"""The minutes' Word document (python-docx): right to left throughout, with the office's
font and Vazirmatn as its alternative. Imported only when minutes are built (bot.minutes)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Final

import jdatetime
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.minutes import MinutesContext, background_lines, date_in_words
from bot.services.sessions import ItemBrief, SessionPack
from storage.dto_sessions import SessionDTO

OFFICE_FONT: Final = "B Nazanin"
FALLBACK_FONT: Final = "Vazirmatn"
LATIN_FONT: Final = "Times New Roman"
BODY_SIZE: Final = Pt(13)
# --- low-level RTL helpers -------------------------------------------------------------

LRE, PDF = "\u202a", "\u202c"  # embeddings: Word and LibreOffice both honour them


def _typed(mc: MinutesContext, text: str) -> str:
    """Text someone typed, as a Persian document shows it: a Latin sentence is embedded
    left to right, so its final full stop stays after its last word (in a right-to-left
    paragraph a trailing "." would otherwise move to the sentence's left end)."""
    if not mc.rtl:
        return text
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return LRE + text + PDF
        if kind in ("R", "AL"):
            return text
    return text


def _on(parent: object, tag: str) -> None:
    """Add an empty on/off property (`<w:bidi/>`, `<w:rtl/>`) unless it is there."""
    element = parent  # an lxml element of python-docx (CT_PPr, CT_RPr, CT_TblPr)
    if element.find(qn(tag)) is None:  # type: ignore[attr-defined]
        element.append(OxmlElement(tag))  # type: ignore[attr-defined]


def _fonts(rpr: object, size: Pt) -> None:
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), OFFICE_FONT)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))  # type: ignore[attr-defined]
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)  # type: ignore[attr-defined]
        el.set(qn("w:val"), str(int(size.pt * 2)))


def _para(
    mc: MinutesContext,
    container: DocumentObject,
    text: str = "",
    *,
    bold: bool = False,
    size: Pt = BODY_SIZE,
    align: str = "start",
) -> Paragraph:
    paragraph = container.add_paragraph()
    _dress(mc, paragraph, align)
    if text:
        _run(mc, paragraph, text, bold=bold, size=size)
    return paragraph


def _dress(mc: MinutesContext, paragraph: Paragraph, align: str = "start") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    if mc.rtl:
        _on(ppr, "w:bidi")
    # No justification otherwise: a w:bidi paragraph starts on the right by itself, while
    # "left"/"right" mean different sides to Word and LibreOffice in RTL paragraphs.
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _run(
    mc: MinutesContext, paragraph: Paragraph, text: str, *, bold: bool = False, size: Pt = BODY_SIZE
) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    rpr = run._r.get_or_add_rPr()
    _fonts(rpr, size)
    if bold:
        _on(rpr, "w:bCs")
    if mc.rtl:
        _on(rpr, "w:rtl")


def _table(mc: MinutesContext, document: DocumentObject, header: Sequence[str]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if mc.rtl:
        _on(table._tbl.tblPr, "w:bidiVisual")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(mc, cell, text, bold=True)
    return table


def _cell(mc: MinutesContext, cell: object, text: str, *, bold: bool = False) -> None:
    paragraph: Paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    _dress(mc, paragraph)
    _run(mc, paragraph, text, bold=bold, size=Pt(12))


def _widths(table: Table, centimetres: Sequence[float]) -> None:
    """Column widths (Word reads them from every cell, LibreOffice from the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres, strict=True):
            cell.width = Cm(width)


def _row(mc: MinutesContext, table: Table, values: Sequence[str]) -> None:
    row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves it untyped
    for cell, text in zip(row.cells, values, strict=True):
        _cell(mc, cell, text)


# --- the document ----------------------------------------------------------------------


def _heading(mc: MinutesContext, document: DocumentObject, session: SessionDTO) -> None:
    """The governorate, the HQ, the session's number, its date in words and digits."""
    tr, fmt = mc.tr, mc.fmt
    province = mc.directory.province.name(mc.lang)
    local = session.starts_at.astimezone(fmt.tz)
    j = jdatetime.date.fromgregorian(date=local.date())
    for key, size in (("sessions.doc_governorate", 14), ("sessions.doc_hq", 14)):
        _para(mc, document, tr.t(key, province=province), bold=True, align="center", size=Pt(size))
    title = tr.t("sessions.doc_title", number=fmt.plain_int(session.number))
    _para(mc, document, title, bold=True, align="center", size=Pt(16))
    when = tr.t(
        "sessions.doc_when",
        date=date_in_words(fmt, j, fmt.weekday(local)),
        time=fmt.time(session.starts_at),
    )
    _para(mc, document, when, align="center")
    place = tr.t(
        "sessions.doc_place", place=_typed(mc, session.place), chair=_typed(mc, session.chair)
    )
    _para(mc, document, place, align="center")


def _section_title(mc: MinutesContext, document: DocumentObject, text: str) -> None:
    """A part's title, with room above it (after a table it would stick to the grid)."""
    paragraph = _para(mc, document, text, bold=True, size=Pt(14))
    paragraph.paragraph_format.space_before = Pt(14)
    paragraph.paragraph_format.keep_with_next = True


def _attendance(mc: MinutesContext, document: DocumentObject, session: SessionDTO) -> None:
    tr, fmt = mc.tr, mc.fmt
    _section_title(mc, document, tr.t("sessions.doc_attendance"))
    table = _table(mc, document, tr.t("sessions.doc_attendance_header").split("|"))
    for number, invited in enumerate(session.agencies, start=1):
        values = [
            fmt.plain_int(number),
            mc.directory.agency(invited.agency_id).name(mc.lang),
            _typed(mc, invited.attendee) if invited.attendee else "—",
            tr.t("sessions.present" if invited.attended else "sessions.absent"),
        ]
        _row(mc, table, values)
    _widths(table, (1.8, 6.4, 5.8, 3.0))


def _signatures(mc: MinutesContext, document: DocumentObject, session: SessionDTO) -> None:
    """The chair's and the secretary's names, with room under them to sign."""
    tr = mc.tr
    _section_title(mc, document, tr.t("sessions.doc_signatures"))
    table = _table(mc, document, [tr.t("sessions.doc_chair"), tr.t("sessions.doc_secretary")])
    _row(mc, table, [_typed(mc, session.chair), _typed(mc, mc.secretary)])
    _row(mc, table, [tr.t("sessions.doc_sign"), tr.t("sessions.doc_sign")])
    sign = table.rows[-1]
    sign.height, sign.height_rule = Cm(2.2), WD_ROW_HEIGHT_RULE.AT_LEAST


def build_minutes(mc: MinutesContext, pack: SessionPack) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    if mc.rtl:
        _on(section._sectPr, "w:bidi")
    normal = document.styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), BODY_SIZE)

    _heading(mc, document, pack.session)
    _attendance(mc, document, pack.session)
    _section_title(mc, document, mc.tr.t("sessions.doc_items"))
    for brief in pack.items:
        _item(mc, document, brief)
    _signatures(mc, document, pack.session)

    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fallback_font(buffer.getvalue())


def _item(mc: MinutesContext, document: DocumentObject, brief: ItemBrief) -> None:
    tr, fmt, directory, lang = mc.tr, mc.fmt, mc.directory, mc.lang
    title = _typed(mc, brief.item.title)
    head = tr.t("sessions.doc_item", number=fmt.plain_int(brief.position), title=title)
    # An item's title and its first lines start a page together.
    _para(mc, document, head, bold=True).paragraph_format.keep_with_next = True
    for line in background_lines(mc, brief):
        _para(mc, document, line)
    # What each agency said on the reports, then the positions written for the session.
    spoken = [(s.agency_id, "sessions.doc_said", s.note) for s in brief.said]
    spoken += [(p.agency_id, "sessions.doc_position", p.text) for p in brief.positions]
    for agency_id, key, text in spoken:
        if agency_id is None:
            continue  # not written on an agency's behalf
        agency = directory.agency(agency_id).name(lang)
        _para(mc, document, tr.t(key, agency=agency, text=_typed(mc, text)))
    if brief.decision is not None:
        decision = brief.decision
        _para(
            mc,
            document,
            tr.t("sessions.doc_decision", number=fmt.plain_int(decision.id)),
            bold=True,
        )
        _para(mc, document, _typed(mc, decision.text))
        agencies = tr.t("sessions.list_separator").join(
            directory.agency(a.agency_id).name(lang) for a in decision.agencies
        )
        _para(mc, document, tr.t("sessions.doc_agencies", agencies=agencies))
        _para(
            mc,
            document,
            tr.t(
                "sessions.doc_deadline",
                date=fmt.date(decision.deadline_at),
                digits=fmt.short_date(decision.deadline_at),
            ),
        )
    if brief.outcome_in_words:
        _para(mc, document, tr.t(f"sessions.outcome_{brief.outcome_in_words}"), bold=True)


def _with_fallback_font(data: bytes) -> bytes:
    """Name Vazirmatn as the office font's alternative (`w:altName`) in the font table.

    python-docx offers no API for the font table, so the saved package is rewritten.
    """
    entry = (
        f'<w:font w:name="{OFFICE_FONT}"><w:altName w:val="{FALLBACK_FONT}"/>'
        '<w:charset w:val="B2"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                content = content.replace(b"</w:fonts>", entry.encode() + b"</w:fonts>")
            target.writestr(info, content)
    return out.getvalue()


# --- the decisions table as a picture ----------------------------------------------------
