"""Every button kind round-trips, fits Telegram's 64 bytes at its largest, and refuses
forged data; the wire format is the one buttons already sent carry."""

from __future__ import annotations

import dataclasses
import re
import typing

import pytest

import handlers  # noqa: F401  (imports every feature, declaring its kinds)
from bot.callback_data import MAX_CALLBACK_BYTES, CallbackData
from handlers import (
    actions,
    admin,
    compliance,
    digest,
    inbox,
    loans,
    myreports,
    programs,
    registration,
    start,
    stats,
)
from handlers.sessions import buttons as session_buttons

# Kinds with text fields take only the values their feature knows: one valid example each.
TEXT_EXAMPLES: dict[type[CallbackData], list[CallbackData]] = {
    stats.ExportButton: [
        stats.ExportButton("programs", "xlsx"),
        stats.ExportButton("loans", "csv"),
    ],
    loans.ViewButton: [loans.ViewButton("county", "t", 1404), loans.ViewButton("sum", "r", 0)],
    loans.ChartButton: [loans.ChartButton("month", "r", 1404)],
    admin.InviteRole: [admin.InviteRole("officer"), admin.InviteRole("secretariat")],
    admin.Grant: [admin.Grant(1002, "admin", 0)],
    admin.Revoke: [admin.Revoke(1002, "officer", 3)],
    actions.Act: [actions.Act("acc", 7), actions.Act("wdy", 7)],
    actions.ActOnCard: [actions.ActOnCard("rsg", 7)],
    registration.PickPermit: [registration.PickPermit(p) for p in sorted(registration.PERMITS)],
    start.ChooseLanguage: [start.ChooseLanguage("fa"), start.ChooseLanguage("en")],
    digest.PickTime: [digest.PickTime("0730"), digest.PickTime("2100")],
    digest.ToggleSection: [digest.ToggleSection("inbox")],
    programs.EditField: [programs.EditField("agency_id"), programs.EditField("title_fa")],
    compliance.BoardPeriod: [compliance.BoardPeriod(p) for p in ("month", "season", "year")],
    compliance.BoardChart: [compliance.BoardChart("year")],
    # Int kinds whose values are checked too: valid examples (0 days is no deadline).
    session_buttons.PickDeadline: [session_buttons.PickDeadline(7, 10)],
}
BIG = 10**18 - 1  # the most digits an int field takes


def _fields(kind: type[CallbackData]) -> list[type]:
    hints = typing.get_type_hints(kind)
    return [hints[f.name] for f in dataclasses.fields(kind)]  # type: ignore[arg-type]


def examples(kind: type[CallbackData]) -> list[CallbackData]:
    types = _fields(kind)
    if kind in TEXT_EXAMPLES:
        return TEXT_EXAMPLES[kind]
    if str in types:
        assert kind in TEXT_EXAMPLES, f"add an example of {kind.__name__} here"
        return TEXT_EXAMPLES[kind]
    return [kind(*[0] * len(types)), kind(*[1] * len(types))]


KINDS = CallbackData.kinds()


def test_kinds_are_declared() -> None:
    assert {"ex", "st:c", "ln", "lnc", "my:o", "ib", "ib:c", "ak:r"} <= {k.prefix for k in KINDS}
    # The HQ session's and the compliance board's buttons, one kind per verb.
    session_verbs = {"new", "v", "iv", "ia", "ai", "+", "sa", "po", "at", "ap", "d", "pp", "rj"}
    session_verbs |= {"rv", "a", "n", "dl", "m", "is", "ed", "ec", "up", "rq"}
    assert {f"ss:{v}" for v in session_verbs} | {"cp:p", "cp:c"} <= {k.prefix for k in KINDS}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: f"{k.__module__}.{k.__name__}")
def test_round_trip_and_size(kind: type[CallbackData]) -> None:
    for item in examples(kind):
        data = item.pack()
        assert type(item).unpack(data) == item
        assert re.match(kind.pattern(), data)
        assert len(data.encode()) <= MAX_CALLBACK_BYTES
    # The largest ints still fit (ids grow; text fields are short known words).
    types = _fields(kind)
    if str not in types and types:
        big = kind(*[BIG] * len(types))
        if big.valid():
            assert len(big.pack().encode()) <= MAX_CALLBACK_BYTES


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: f"{k.__module__}.{k.__name__}")
def test_forged_data_is_refused(kind: type[CallbackData]) -> None:
    types = _fields(kind)
    arity = len(types)
    # Per field type, values no button of this bot carries.
    bad = {int: ["-1", "9" * 40, "\u06f1", "1.5", ""], str: ["a b", "\u06f1", "<b>", ""]}
    forged: list[str | None] = [
        None,
        "",
        kind.prefix + ":x" * (arity + 1),  # one field too many
        "zz:" + kind.prefix,
        kind.prefix + ":" + "a" * 70,
    ]
    if arity:
        forged.append(kind.prefix)  # no fields at all
        good = examples(kind)[0].pack().split(":")[-arity:]
        for i, kind_of_field in enumerate(types):
            for value in bad[kind_of_field]:
                fields = [*good[:i], value, *good[i + 1 :]]
                forged.append(":".join([kind.prefix, *fields]))
    for data in forged:
        assert kind.unpack(data) is None, data


def test_each_press_is_matched_by_its_own_kind_only() -> None:
    for kind in KINDS:
        for item in examples(kind):
            data = item.pack()
            matched = [k for k in KINDS if re.match(k.pattern(), data)]
            assert matched == [kind], (data, matched)


def test_text_fields_refuse_unknown_values() -> None:
    assert stats.ExportButton.unpack("ex:passwords:csv") is None
    assert loans.ViewButton.unpack("ln:sum:usd:1404") is None
    assert inbox.ViewButton.unpack("ib:9:0:0:1") is None
    assert digest.PickTime.unpack("dg:t:7am") is None
    assert compliance.BoardPeriod.unpack("cp:p:decade") is None
    assert session_buttons.PickDeadline.unpack("ss:dl:7:11") is None
    assert session_buttons.InviteAgency.unpack("ss:ia:1:2:2") is None


def test_wire_format_of_buttons_already_sent() -> None:
    assert myreports.OpenButton.unpack("my:o:12") == myreports.OpenButton(12)
    assert inbox.ViewButton.unpack("ib:1:3:0:2") == inbox.ViewButton(1, 3, 0, 2)
    assert inbox.CategoryButton.unpack("ib:c:1:0") == inbox.CategoryButton(1, 0)
    assert stats.ChartButton.unpack("st:c") == stats.ChartButton()
    assert actions.ActOnCard.unpack("wf:acc:12:c") == actions.ActOnCard("acc", 12)
    assert actions.Reassign.unpack("wf:rsg:12:5") == actions.Reassign(12, 5)
    assert actions.Act.unpack("wf:acc:12:c") is None
    assert session_buttons.PutItem.unpack("ss:+:1:9") == session_buttons.PutItem(1, 9)
    assert session_buttons.NewSession.unpack("ss:new") == session_buttons.NewSession()
    assert compliance.BoardChart.unpack("cp:c:season") == compliance.BoardChart("season")
    # Kinds sharing a prefix do not take each other's presses.
    assert not re.match(inbox.ViewButton.pattern(), "ib:c:1:0")


def test_pack_refuses_oversize_and_separators() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        stats.ExportButton("a" * 70, "csv").pack()
    with pytest.raises(ValueError, match="ASCII word"):
        stats.ExportButton("a:b", "csv").pack()
