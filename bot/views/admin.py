"""/admin's and /routing's messages. Pure: catalog + presenter + data in, text out; names
from the directory and from users are escaped here."""

from __future__ import annotations

from collections.abc import Set

from bot.access import Principal
from bot.formatting import Presenter, escape
from bot.i18n import Translator
from bot.services.admin import GRANTABLE
from bot.services.directory import Directory
from storage.dto import CategoryDTO, UserDTO
from storage.models import Role


def roles_text(tr: Translator, fmt: Presenter, directory: Directory, principal: Principal) -> str:
    """The person's roles in the order they are granted; an officer's agencies named."""
    parts = []
    for role in sorted(principal.roles, key=lambda r: GRANTABLE.index(r) if r in GRANTABLE else -1):
        name = tr.t(f"roles.{role.value}")
        if role is Role.OFFICER:
            agencies = sorted(principal.agency_ids)
            names = (escape(directory.agency(a).name(tr.lang)) for a in agencies)
            name += " (" + fmt.join(names) + ")"
        parts.append(name)
    return fmt.join(parts)


def role_name(
    tr: Translator, fmt: Presenter, directory: Directory, role: str, agency_id: int | None
) -> str:
    """A role as an invite names it: an officer's with the agency."""
    name = tr.t(f"roles.{role}")
    if agency_id is None:
        return name
    return fmt.fields(name, escape(directory.agency(agency_id).name(tr.lang)))


def invite(
    tr: Translator,
    fmt: Presenter,
    directory: Directory,
    *,
    role: str,
    agency_id: int | None,
    code: str,
    link: str,
) -> str:
    """An invite to forward: the role, the link and the code to type."""
    return tr.t(
        "admin.invite",
        role=role_name(tr, fmt, directory, role, agency_id),
        # On a line of its own a link keeps its order; an isolate character beside it
        # could be taken into the link by a client's URL detection.
        link=escape(link),
        code=code,  # inside <code>, copied as it is
    )


def user_card(
    tr: Translator, fmt: Presenter, directory: Directory, user: UserDTO, principal: Principal
) -> str:
    return tr.t(
        "admin.user_card",
        name=fmt.name(user.first_name),
        id=str(user.id),
        username=fmt.ltr(escape("@" + user.username))
        if user.username
        else tr.t("admin.no_username"),
        roles=roles_text(tr, fmt, directory, principal),
    )


def group_where(tr: Translator, directory: Directory, unstaffed: Set[int]) -> str:
    """Where /admin group goes, with the command ready for each agency that lacks anyone."""
    lines = _group_lines(tr, directory, unstaffed)
    if lines:
        lines.insert(0, tr.t("admin.group_where_title"))
    return "\n".join([tr.t("admin.group_where"), *lines])


def group_codes(tr: Translator, directory: Directory) -> str:
    """In a group, /admin group without a code (or with one no agency has): which code to
    add, for every agency; the group may be for one that already has its officers."""
    every = {a.id for a in directory.agencies}
    return "\n".join([tr.t("admin.group_code_needed"), *_group_lines(tr, directory, every)])


def _group_lines(tr: Translator, directory: Directory, agency_ids: Set[int]) -> list[str]:
    return [
        tr.t("admin.group_where_line", agency=escape(a.name(tr.lang)), code=escape(a.code))
        for a in directory.agencies
        if a.id in agency_ids
    ]


def category_card(tr: Translator, fmt: Presenter, category: CategoryDTO) -> str:
    return tr.t(
        "admin.category_card",
        category=escape(category.name(tr.lang)),
        days=fmt.number(category.deadline_days),
    )


def routing_overview(
    tr: Translator, fmt: Presenter, directory: Directory, unstaffed: Set[int]
) -> str:
    """Each category's agency and deadline, its sector rules beneath it, and the agencies
    in use that have nobody (marked: their reports go straight to the HQ)."""
    lang = tr.lang
    mark = tr.t("admin.routing_unstaffed_mark")

    def agency_name(agency_id: int) -> str:
        name = escape(directory.agency(agency_id).name(lang))
        return f"{name} {mark}" if agency_id in unstaffed else name

    lines = [tr.t("admin.routing_title")]
    used: set[int] = set()
    for category in directory.categories:
        general = [
            r
            for r in directory.rules
            if r.category_id == category.id and r.sector_id is None and r.county_id is None
        ]
        agency_id = general[-1].agency_id if general else category.default_agency_id
        lines.append(
            tr.t(
                "admin.routing_line",
                category=escape(category.name(lang)),
                agency=agency_name(agency_id),
                days=fmt.number(category.deadline_days),
            )
        )
        used.add(agency_id)
        for rule in directory.rules:
            if rule.category_id == category.id and rule.sector_id is not None:
                sector = escape(directory.sector(rule.sector_id).name(lang))
                agency = agency_name(rule.agency_id)
                lines.append(tr.t("admin.routing_sector", sector=sector, agency=agency))
                used.add(rule.agency_id)
    empty = [a for a in directory.agencies if a.id in unstaffed and a.id in used]
    if empty:
        names = tr.t("admin.list_separator").join(escape(a.name(lang)) for a in empty)
        lines += ["", tr.t("admin.routing_unstaffed", mark=mark, agencies=names)]
    return "\n".join(lines)
