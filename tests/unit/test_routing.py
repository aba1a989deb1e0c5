"""Routing rules: the most specific matching rule wins; the category default backs them up."""

from __future__ import annotations

import pytest

from bot.services.routing import route
from storage.dto import RoutingRuleDTO

RAW, LAND = 1, 2
CARPET, FOOD = 10, 11
QOM, KAHAK = 20, 21
SMT, AGRI, ESTATES, HERITAGE, KAHAK_SMT = 100, 101, 102, 103, 104

RULES = (
    RoutingRuleDTO(1, RAW, None, None, SMT),
    RoutingRuleDTO(2, RAW, FOOD, None, AGRI),
    RoutingRuleDTO(3, RAW, None, KAHAK, KAHAK_SMT),
    RoutingRuleDTO(4, RAW, CARPET, KAHAK, HERITAGE),
    RoutingRuleDTO(5, LAND, None, None, ESTATES),
)


@pytest.mark.parametrize(
    ("category", "sector", "county", "expected"),
    [
        (RAW, CARPET, QOM, SMT),  # only the plain rule matches
        (RAW, FOOD, QOM, AGRI),  # sector rule beats the plain one
        (RAW, CARPET, KAHAK, HERITAGE),  # sector+county beats everything
        (RAW, FOOD, KAHAK, AGRI),  # sector beats county
        (RAW, None, KAHAK, KAHAK_SMT),  # county beats plain
        (LAND, FOOD, KAHAK, ESTATES),  # a rule for another category never applies
    ],
)
def test_most_specific_rule_wins(
    category: int, sector: int | None, county: int | None, expected: int
) -> None:
    got = route(
        RULES, category_id=category, sector_id=sector, county_id=county, default_agency_id=-1
    )
    assert got == expected


def test_category_without_rules_goes_to_its_default_agency() -> None:
    assert (
        route(RULES, category_id=99, sector_id=CARPET, county_id=QOM, default_agency_id=777) == 777
    )


def test_rule_order_does_not_matter() -> None:
    for rules in (RULES, tuple(reversed(RULES))):
        assert (
            route(rules, category_id=RAW, sector_id=CARPET, county_id=KAHAK, default_agency_id=-1)
            == HERITAGE
        )
