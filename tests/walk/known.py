"""KNOWN_DEFECTS: violations the walk finds that other branches are fixing now (issue 11).

Each entry is narrow: one invariant and the exact condition of that defect. A hit is
recorded in the walk's result, not failed on. Empty this list as the fixes are merged;
an entry that no longer matches anything is dead and goes too. Empty since issue 11's
fixes were merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.walk.invariants import Violation


@dataclass(frozen=True)
class KnownDefect:
    invariant: str
    detail: re.Pattern[str]
    why: str  # the issue-11 defect it is, for whoever empties this list
    chats: frozenset[int] | None = None  # only when one of these chats was involved


KNOWN_DEFECTS: tuple[KnownDefect, ...] = ()


def known_defect(violation: Violation) -> bool:
    return any(
        k.invariant == violation.invariant
        and k.detail.search(violation.detail)
        and (k.chats is None or bool(k.chats & set(violation.chats)))
        for k in KNOWN_DEFECTS
    )
