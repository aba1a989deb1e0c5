"""The e2e expectation helpers: a key's text as the user sees it, in one language."""

from __future__ import annotations

import pytest

from tests.e2e.expect import EN, FA_P, fa, parts, piece, says


def test_says_pins_the_language() -> None:
    persian = fa("common.not_allowed")
    assert says(persian, "common.not_allowed")
    assert not says(persian, "common.not_allowed", lang="en")
    assert not says(EN.t("common.not_allowed"), "common.not_allowed")


def test_open_placeholders_leave_the_fixed_text_in_order() -> None:
    number = FA_P.tracking(1405, 1)
    text = fa("notify.owner_accepted", agency="سازمان", number=number)
    assert says(text, "notify.owner_accepted")
    assert says(text, "notify.owner_accepted", number=number)
    assert not says(text, "notify.owner_accepted", number=FA_P.tracking(1405, 2))
    assert "<b>" not in "".join(parts("notify.owner_accepted"))  # as the user sees it


def test_values_are_plain_text_and_numbers_are_localised() -> None:
    assert fa("digest.chat_subscribed", title="<a & b>", time="۰۸:۰۰").count("<a & b>") == 1
    assert "۲" in fa("digest.figure_overdue", n=2)
    assert piece("loans.projects", n=3) == fa("loans.projects", n=3)


def test_a_missing_value_or_key_is_an_error_not_a_pass() -> None:
    with pytest.raises(TypeError):
        fa("notify.owner_accepted")
    with pytest.raises(KeyError):
        says("x", "no.such.key")
