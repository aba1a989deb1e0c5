"""Keys built at run time (f"status.{...}") cannot be found by the static key check: cover them."""

from __future__ import annotations

import pytest

from bot.i18n import get_translator, languages
from storage.models import PermitStatus, ReportStatus, Role


@pytest.mark.parametrize("lang", languages())
def test_every_enum_value_has_a_label(lang: str) -> None:
    tr = get_translator(lang)
    missing = [
        key
        for key in (
            *(f"status.{s.value}" for s in ReportStatus),
            *(f"roles.{r.value}" for r in Role),
            *(f"help.{r.value}" for r in Role),
            *(f"registration.permit_{p.value}" for p in PermitStatus),
        )
        if not tr.has(key)
    ]
    assert missing == []


@pytest.mark.parametrize("lang", languages())
def test_menu_has_a_description_for_every_command(lang: str) -> None:
    from handlers import MENU

    tr = get_translator(lang)
    for command in MENU:
        description = tr.t(f"menu.{command.command}")
        assert 3 <= len(description) <= 256, command.command
