"""Every button kind round-trips, fits Telegram's 64 bytes at its largest, and refuses
forged data; the wire format is the one buttons already sent carry."""

from __future__ import annotations

import dataclasses
import re
import typing

import pytest

import handlers  # noqa: F401  (imports every feature, declaring its kinds)
from bot.buttons import hq as hq
from bot.buttons import reports as reports
from bot.callback_data import MAX_CALLBACK_BYTES, CallbackData
from handlers import (
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

# Kinds with text fields (or a closed set of numbers) take only the values their feature
# knows: valid examples of each.
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
    reports.Act: [reports.Act("acc", 7), reports.Act("wdy", 7)],
    reports.ActOnCard: [reports.ActOnCard("rsg", 7)],
    hq.PickCause: [hq.PickCause(k) for k in ("law", "bank", "input", "other")],
    # Not text, but only the deadlines offered (the largest item id with the longest).
    hq.PickDeadline: [hq.PickDeadline(4, 10), hq.PickDeadline(10**18 - 1, 60)],
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
    assert str not in types, f"add an example of {kind.__name__} here"
    return [kind(*[0] * len(types)), kind(*[1] * len(types))]


KINDS = CallbackData.kinds()


def test_kinds_are_declared() -> None:
    assert {"ex", "st:c", "ln", "lnc", "my:o", "ib", "ib:c", "ak:r", "hq:t", "dc:v", "wf"} <= {
        k.prefix for k in KINDS
    }
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
    assert hq.PickCause.unpack("hq:k:weather") is None
    assert hq.PickDeadline.unpack("hq:dl:3:15") is None


def test_wire_format_of_hq_buttons_already_sent() -> None:
    """The agenda's, the decisions' and the notices' buttons keep their data."""
    sent = {
        "hq:home": hq.AgendaHome(),
        "hq:pg:2": hq.AgendaPage(2),
        "hq:t:12:3": hq.ToggleReport(12, 3),
        "hq:b": hq.StartBundle(),
        "hq:k:law": hq.PickCause("law"),
        "hq:+:4": hq.AddToItem(4),
        "hq:i:4": hq.OpenItem(4),
        "hq:d:4": hq.Decide(4),
        "hq:a:4:9": hq.ToggleAgency(4, 9),
        "hq:n:4": hq.AgenciesChosen(4),
        "hq:dl:4:30": hq.PickDeadline(4, 30),
        "hq:csv": hq.LawsCsv(),
        "dc:p:2": hq.DecisionsPage(2),
        "dc:v:7": hq.ViewDecision(7),
        "dc:i:7:9": hq.Implemented(7, 9),
        "dc:o:7:9": hq.Object(7, 9),
    }
    for data, item in sent.items():
        assert type(item).unpack(data) == item
        assert item.pack() == data
    # An older toggle without its page matches no kind: the fallback's stale answer.
    assert not any(re.match(k.pattern(), "hq:t:12") for k in KINDS)


def test_wire_format_of_buttons_already_sent() -> None:
    assert myreports.OpenButton.unpack("my:o:12") == myreports.OpenButton(12)
    assert inbox.ViewButton.unpack("ib:1:3:0:2") == inbox.ViewButton(1, 3, 0, 2)
    assert inbox.CategoryButton.unpack("ib:c:1:0") == inbox.CategoryButton(1, 0)
    assert stats.ChartButton.unpack("st:c") == stats.ChartButton()
    assert session_buttons.PutItem.unpack("ss:+:1:9") == session_buttons.PutItem(1, 9)
    assert session_buttons.NewSession.unpack("ss:new") == session_buttons.NewSession()
    assert compliance.BoardChart.unpack("cp:c:season") == compliance.BoardChart("season")
    assert reports.ActOnCard.unpack("wf:acc:12:c") == reports.ActOnCard("acc", 12)
    assert reports.Reassign.unpack("wf:rsg:12:5") == reports.Reassign(12, 5)
    assert reports.Act.unpack("wf:acc:12:c") is None
    # Kinds sharing a prefix do not take each other's presses.
    assert not re.match(inbox.ViewButton.pattern(), "ib:c:1:0")


def test_kinds_are_frozen_dataclasses_and_shapes_are_not_kinds() -> None:
    """The declaration alone makes a kind a frozen dataclass; a shared shape (fields and
    checks several kinds carry) takes no presses itself, its kinds inherit its checks."""
    item = session_buttons.Postpone(3, 9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.item = 4  # type: ignore[misc]
    assert item == session_buttons.Postpone(3, 9)
    assert hash(item) == hash(session_buttons.Postpone(3, 9))
    assert session_buttons.Reject.unpack(item.pack()) is None  # same shape, another kind
    shapes = {session_buttons.OnItem, session_buttons.OnSession, reports.ActionOnReport}
    assert not shapes & set(KINDS)
    assert reports.ActOnCard.unpack("wf:zzz:12:c") is None  # the shape's valid()
    assert admin.Revoke.unpack("adm:r:5:owner:0") is None
    with pytest.raises(ValueError, match="declared twice"):

        class Again(CallbackData, prefix="ss:pp"):
            item: int


def test_a_kind_decorated_the_older_way_still_works() -> None:
    """`@dataclass(frozen=True, slots=True)` above a kind (how kinds were declared before)
    is harmless: a branch declaring one that way merges without an import error."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Older(CallbackData, prefix="zz:older"):
        number: int

    try:
        assert Older.unpack("zz:older:5") == Older(5)
        assert Older(5).pack() == "zz:older:5"
        with pytest.raises(dataclasses.FrozenInstanceError):
            Older(5).number = 6  # type: ignore[misc]
    finally:
        CallbackData._kinds.pop(("zz:older", ""))  # a test kind: no feature handles it


def test_pack_refuses_oversize_and_separators() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        stats.ExportButton("a" * 70, "csv").pack()
    with pytest.raises(ValueError, match="ASCII word"):
        stats.ExportButton("a:b", "csv").pack()


def test_pager_buttons_are_the_features_page_kinds() -> None:
    from bot.i18n import get_translator
    from handlers.ui import pager_row

    tr = get_translator("en")
    row = pager_row(tr, hq.AgendaPage, 2, 3)
    assert [b.callback_data for b in row] == ["hq:pg:1", "hq:pg:2", "hq:pg:3"]
    row = pager_row(tr, lambda page: inbox.ViewButton(1, 3, 0, page), 1, 2)
    assert [b.callback_data for b in row] == ["ib:1:3:0:1", "ib:1:3:0:2"]
    assert pager_row(tr, reports.PageButton, 1, 1) == []
