"""The progress-update flow's messages (/progress). Pure: catalog + presenter + data in,
text out; what the officer typed is escaped here."""

from __future__ import annotations

from datetime import date

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from storage.dto_figures import ProgramDTO


def ask_percent(tr: Translator, fmt: Presenter, program: ProgramDTO) -> str:
    return tr.t(
        "programs.ask_percent",
        number=fmt.plain_int(program.number),
        title=escape(program.title(tr.lang)),
        progress=fmt.percent(program.progress / 100),
    )


def progress_confirm(
    tr: Translator,
    fmt: Presenter,
    program: ProgramDTO,
    *,
    percent: int,
    day: date,
    evidence: bool,
    note: str,
) -> str:
    """The update as it will be saved, before the officer presses Save."""
    return tr.t(
        "programs.confirm",
        number=fmt.plain_int(program.number),
        title=escape(program.title(tr.lang)),
        percent=fmt.percent(percent / 100),
        date=fmt.date(day),
        evidence=tr.t("programs.evidence_yes" if evidence else "programs.evidence_no"),
        note=escape(note),
    )
