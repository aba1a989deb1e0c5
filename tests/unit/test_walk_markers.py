"""The random walk's leak check reads its step markers as whole tokens (tests/walk)."""

from __future__ import annotations

from tests.walk.invariants import contains_marker


def test_a_marker_is_a_whole_token() -> None:
    # Step 124's words are not in step 1242's internal note (seed 2 flagged it as a leak).
    note = "برق کارخانه هر روز سه ساعت قطع می‌شود zq2001x1242"
    assert contains_marker(note, "zq2001x1242")
    assert not contains_marker(note, "zq2001x124")
    assert contains_marker("zq2001x124\nmore", "zq2001x124")
