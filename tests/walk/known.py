"""KNOWN_DEFECTS: violations the walk finds that other branches are fixing now (issue 11).

Each entry is narrow: one invariant and the exact condition of that defect. A hit is
recorded in the walk's result, not failed on. Empty this list as the fixes are merged;
an entry that no longer matches anything is dead and goes too. With main merged (issue
11's fixes in), walks of seeds 1 and 2 hit only the "one of the buttons" entry.
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


KNOWN_DEFECTS: tuple[KnownDefect, ...] = (
    KnownDefect(
        "buttons",
        re.compile("این دستور را نمی\u200cشناسم. از دکمه\u200cهای زیر|I don't know that command"),
        "issue 11 #3: the unknown-command answer points at buttons it does not carry",
    ),
    KnownDefect(
        "buttons",
        re.compile(
            "^points at a button below but has none: "
            "«(لطفاً یکی از دکمه‌ها|Please choose one of the buttons)"
        ),
        "issue 11 #3: a re-prompt at a choice step without its buttons. Still hit with main "
        "merged (seed 2, steps 446-506): a registration open beside a report flow re-prompts "
        "its sector step with no buttons",
    ),
    KnownDefect(
        "buttons",
        re.compile(
            "^asks to press «(ادامه|Continue)» but has no such button: "
            "«(اینجا فقط عکس یا سند|Only photos)"
        ),
        "issue 11 #3: the attachment step's re-prompt without the Continue button",
    ),
    KnownDefect(
        "error-log",
        re.compile(r"(?i)BadRequest\W+Can't parse reply keyboard markup json object"),
        "issue 11 #2: /digest sends an empty InlineKeyboardMarkup for some roles",
    ),
    KnownDefect(
        "bad-request",
        re.compile("(?i)^sendMessage: Bad Request: can't parse reply keyboard markup json object$"),
        "issue 11 #2: /digest sends an empty InlineKeyboardMarkup for some roles",
    ),
    KnownDefect(
        "error-log",
        re.compile("IntegrityError.*(FOREIGN KEY constraint failed|violates foreign key)"),
        "issue 11 #1: a brand-new person's first registration fails on the users foreign key",
        chats=frozenset({9001, 9002}),  # tests/walk/population.py: the new people
    ),
    KnownDefect(
        "counters",
        re.compile(r"^/stats shows \d+ reports, the rows hold \d+$"),
        "issue 11 #10: /stats serves a snapshot up to a minute old (maintained counters)",
    ),
    KnownDefect(
        "answer",
        re.compile("^no visible answer to (reply_kb «📱|contact_own)"),
        "issue 11 #1, after it: the new person's contact keeps failing, and the error "
        "handler stops apologising (seen with the real clock, --process)",
        chats=frozenset({9001, 9002}),
    ),
    KnownDefect(
        "answer",
        re.compile(r"^no visible answer to text «[0-9۰-۹٠-٩\-/]+»$"),
        "issue 11 #5: a bare number or a reversed tracking number gets no answer",
    ),
)


def known_defect(violation: Violation) -> bool:
    return any(
        k.invariant == violation.invariant
        and k.detail.search(violation.detail)
        and (k.chats is None or bool(k.chats & set(violation.chats)))
        for k in KNOWN_DEFECTS
    )
