"""Routing: which agency is responsible for a report. Pure: the rules are data."""

from __future__ import annotations

from collections.abc import Iterable

from storage.dto import RoutingRuleDTO


def route(
    rules: Iterable[RoutingRuleDTO],
    *,
    category_id: int,
    sector_id: int | None,
    county_id: int | None,
    default_agency_id: int,
) -> int:
    """The most specific matching rule wins.

    Specificity: category+sector+county > category+sector > category+county > category.
    A rule naming a sector (or county) matches only that sector (or county). With no rule
    for the category, the category's default agency is responsible.
    """
    best: tuple[int, int] | None = None  # (specificity, agency)
    for rule in rules:
        if rule.category_id != category_id:
            continue
        if rule.sector_id is not None and rule.sector_id != sector_id:
            continue
        if rule.county_id is not None and rule.county_id != county_id:
            continue
        specificity = (2 if rule.sector_id is not None else 0) + (
            1 if rule.county_id is not None else 0
        )
        if best is None or specificity > best[0]:
            best = (specificity, rule.agency_id)
    return best[1] if best is not None else default_agency_id
