"""The obstructive-laws list (/laws' file): the HQ's agenda items rooted in a law."""

from __future__ import annotations

from collections.abc import Sequence

from bot.exports.tables import Table, to_csv
from bot.formatting import Presenter
from bot.i18n import Translator
from bot.services.hq import LawItem
from bot.views.hq import law_state

LAWS_FILENAME = "obstructive-laws.csv"


def laws_table(tr: Translator, fmt: Presenter, items: Sequence[LawItem]) -> Table:
    rows: list[list[object]] = [
        [
            law.item.id,
            law.item.title,
            fmt.short_date(law.item.session_date),
            len(law.item.report_ids),
            law.decision.text if law.decision else "",
            law_state(tr, law),
        ]
        for law in items
    ]
    # The sheet's name is never shown: the file is a CSV.
    return Table("laws", tr.t("hq.csv_header").split("|"), rows)


def laws_csv(tr: Translator, fmt: Presenter, items: Sequence[LawItem]) -> bytes:
    """As CSV, UTF-8 with a BOM so spreadsheet programs read Persian; formulas stay text."""
    return to_csv(laws_table(tr, fmt, items))
