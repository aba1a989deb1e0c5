"""The report flow's messages (/report): the summary before submitting and the receipt.
Pure: catalog + presenter + data in, text out; what the owner typed is escaped here."""

from __future__ import annotations

from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.reports import Submission
from bot.views.common import CARD_DESCRIPTION_PREVIEW, is_trimmed, preview, tracking_number
from storage.dto import AgencyDTO, CategoryDTO


def draft_summary(
    tr: Translator,
    fmt: Presenter,
    *,
    unit_name: str,
    category: CategoryDTO,
    agency: AgencyDTO,
    amount: int | None,
    attachments: int,
    description: str,
) -> str:
    """The draft as it will be submitted, with the question that the buttons answer."""
    lang = tr.lang
    lines = [
        tr.t("report.summary_title"),
        tr.t("report.card_unit", unit=fmt.name(unit_name)),
        tr.t("report.card_category", category=escape(category.name(lang))),
        tr.t("report.summary_agency", agency=escape(agency.name(lang))),
    ]
    if amount:
        lines.append(tr.t("report.card_amount", amount=fmt.money(amount)))
    if attachments:
        lines.append(tr.plural("report.card_attachments", attachments))
    # A long description is shown by its start, so the summary stays one message; the
    # whole of it is submitted.
    lines += ["", escape(preview(description, CARD_DESCRIPTION_PREVIEW))]
    if is_trimmed(description):
        lines.append(tr.t("report.summary_trimmed", length=fmt.number(len(description))))
    lines += ["", tr.t("report.confirm_question")]
    return "\n".join(lines)


def submitted(tr: Translator, fmt: Presenter, submission: Submission) -> str:
    """The receipt: the tracking number, where the report went and, unless the HQ has it,
    the deadline."""
    report = submission.report
    # In the HQ's queue (nobody at the agency, or the HQ's own kind of obstacle): said so,
    # and no deadline promised.
    key = "report.submitted"
    if submission.unstaffed:
        key = "report.submitted_unstaffed"
    elif submission.to_hq:
        key = "report.submitted_hq"
    return tr.t(
        key,
        number=tracking_number(fmt, report),
        agency=escape(submission.agency.name(tr.lang)),
        due=fmt.date(report.due_at),
    )
