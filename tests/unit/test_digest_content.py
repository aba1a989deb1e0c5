"""Pure parts of the digest: splitting into messages, the registry, the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.access import Principal
from bot.digest import schedule
from bot.digest.content import (
    Button,
    Part,
    Recipient,
    Section,
    SectionRegistry,
    decode_parts,
    encode_parts,
    render,
)
from bot.formatting import telegram_length
from bot.services.calendar import WorkCalendar
from storage.models import Role

TEHRAN = ZoneInfo("Asia/Tehran")
CALENDAR = WorkCalendar(tz=TEHRAN, holidays=frozenset({date(2026, 12, 1)}))


def section(key: str, lines: int, width: int = 60) -> Section:
    body = tuple(f"{key} {i} " + "ب" * width for i in range(lines))
    return Section(key, key.upper(), body, (Button(f"open {key}", f"my:o:{len(key)}"),))


def test_render_packs_sections_and_cuts_only_between_them() -> None:
    sections = [section("first", 30), section("second", 30), section("third", 5)]
    parts = render("HEADER", sections)
    assert len(parts) == 2
    assert all(telegram_length(p.text) <= 4096 for p in parts)
    assert parts[0].text.startswith("HEADER\n\n<b>FIRST</b>")
    assert parts[1].text.startswith("<b>SECOND</b>")
    assert "THIRD" in parts[1].text
    # Each message carries the buttons of the sections it holds.
    assert [b.label for b in parts[0].buttons] == ["open first"]
    assert [b.label for b in parts[1].buttons] == ["open second", "open third"]


def test_a_section_longer_than_a_message_is_split_inside_and_keeps_its_buttons_last() -> None:
    parts = render("H", [section("small", 2), section("huge", 200)])
    assert len(parts) >= 3
    assert all(telegram_length(p.text) <= 4096 for p in parts)
    assert parts[-1].buttons == (Button("open huge", "my:o:4"),)
    assert all(not p.buttons for p in parts[1:-1])


def test_no_sections_no_messages_and_payload_round_trip() -> None:
    assert render("H", []) == []
    parts = [Part("<b>x</b>", (Button("گزارش ۱", "my:o:1"),)), Part("y")]
    assert decode_parts(encode_parts(parts)) == parts


class _Provider:
    def __init__(self, key: str, roles: frozenset[Role]) -> None:
        self.key, self.title_key, self.roles = key, f"digest.section_{key}", roles

    def scope(self, recipient: Recipient) -> None:
        return None

    async def build(self, recipient: Recipient, day: object) -> Section | None:
        return None


def test_registry_rejects_bad_and_duplicate_keys_and_filters_by_role() -> None:
    registry = SectionRegistry([_Provider("new", frozenset({Role.OFFICIAL}))])
    with pytest.raises(ValueError, match="already"):
        registry.add(_Provider("new", frozenset({Role.OWNER})))
    with pytest.raises(ValueError, match="key"):
        registry.add(_Provider("a:b", frozenset({Role.OWNER})))
    with pytest.raises(ValueError, match="key"):
        registry.add(_Provider("x" * 17, frozenset({Role.OWNER})))
    registry.add(_Provider("mine", frozenset({Role.OWNER})))
    owner = Principal(1, frozenset({Role.OWNER}), frozenset())
    official = Principal(2, frozenset({Role.OWNER, Role.OFFICIAL}), frozenset())
    assert [p.key for p in registry.for_principal(owner)] == ["mine"]
    assert [p.key for p in registry.for_principal(official)] == ["new", "mine"]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Saturday 07:00 Tehran (03:30 UTC): today at 08:00 Tehran = 04:30 UTC.
        (datetime(2026, 11, 28, 3, 30, tzinfo=UTC), datetime(2026, 11, 28, 4, 30, tzinfo=UTC)),
        # Exactly on time counts as now.
        (datetime(2026, 11, 28, 4, 30, tzinfo=UTC), datetime(2026, 11, 28, 4, 30, tzinfo=UTC)),
        # Thursday 09:00 Tehran: Friday is the weekend, so Saturday.
        (datetime(2026, 11, 26, 5, 30, tzinfo=UTC), datetime(2026, 11, 28, 4, 30, tzinfo=UTC)),
        # Monday 09:00: Tuesday 1 Dec is a holiday, so Wednesday.
        (datetime(2026, 11, 30, 5, 30, tzinfo=UTC), datetime(2026, 12, 2, 4, 30, tzinfo=UTC)),
        # 23:00 UTC Friday is already Saturday 02:30 in Tehran.
        (datetime(2026, 11, 27, 23, 0, tzinfo=UTC), datetime(2026, 11, 28, 4, 30, tzinfo=UTC)),
    ],
)
def test_next_run_in_tehran_time_on_working_days(now: datetime, expected: datetime) -> None:
    assert schedule.next_run(now, "08:00", CALENDAR, working_days_only=True) == expected


def test_every_day_when_not_restricted_and_the_period_covers_the_weekend() -> None:
    thursday_nine = datetime(2026, 11, 26, 5, 30, tzinfo=UTC)
    friday_eight = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
    assert schedule.next_run(thursday_nine, "08:00", CALENDAR, working_days_only=False) == (
        friday_eight
    )
    # Saturday's digest reports since Thursday; Wednesday's (after a holiday) since Monday.
    assert schedule.previous_digest_day(date(2026, 11, 28), CALENDAR, True) == date(2026, 11, 26)
    assert schedule.previous_digest_day(date(2026, 12, 2), CALENDAR, True) == date(2026, 11, 30)
    assert schedule.previous_digest_day(date(2026, 11, 28), CALENDAR, False) == date(2026, 11, 27)
    assert schedule.start_of(date(2026, 11, 28), TEHRAN) == datetime(
        2026, 11, 27, 20, 30, tzinfo=UTC
    )
    assert schedule.time_slots("07:30")[:3] == ("06:00", "07:00", "07:30")
