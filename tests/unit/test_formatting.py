"""bot.formatting: numbers, dates, money and message splitting, per language."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.formatting import (
    Presenter,
    escape,
    html_to_plain,
    split_message,
    telegram_length,
)

FA = Presenter("fa")
EN = Presenter("en")
LRM = "\u200e"


def test_presenter_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        Presenter("de")


def test_presenter_default_timezone_is_tehran() -> None:
    assert FA.tz == ZoneInfo("Asia/Tehran")


# ----------------------------------------------------------------------- numbers


def test_digits() -> None:
    assert FA.digits("1405-0012") == "۱۴۰۵-۰۰۱۲"
    assert EN.digits("1405-0012") == "1405-0012"


@pytest.mark.parametrize(
    ("n", "decimals", "fa", "en"),
    [
        (0, 0, "۰", "0"),
        (1234567, 0, "۱٬۲۳۴٬۵۶۷", "1,234,567"),
        (11165.5, 1, "۱۱٬۱۶۵٫۵", "11,165.5"),
        (11165.5, 0, "۱۱٬۱۶۶", "11,166"),
        (2.675, 2, "۲٫۶۸", "2.68"),  # half-up on the decimal the reader sees
        (Decimal("2.50"), 2, "۲٫۵", "2.5"),  # no trailing zeros
        (-1234, 0, LRM + "−۱٬۲۳۴", "-1,234"),
        (-0.4, 0, "۰", "0"),  # never "-0"
    ],
)
def test_number(n: float, decimals: int, fa: str, en: str) -> None:
    assert FA.number(n, decimals) == fa
    assert EN.number(n, decimals) == en


def test_percent_and_plain_int() -> None:
    assert FA.percent(1.24) == "۱۲۴٪"
    assert EN.percent(1.24) == "124%"
    assert FA.percent(0.125, 1) == "۱۲٫۵٪"
    assert EN.percent(0.07) == "7%"
    assert FA.plain_int(1405) == "۱۴۰۵"
    assert EN.plain_int(1405) == "1405"


# ------------------------------------------------------------------------- dates

UTC_EVENING = dt.datetime(2026, 11, 28, 10, 35, tzinfo=dt.UTC)  # 14:05 in Tehran


def test_dates_fa_are_jalali_in_tehran_time() -> None:
    assert FA.date(UTC_EVENING) == "۷ آذر ۱۴۰۵"
    assert FA.datetime(UTC_EVENING) == "۷ آذر ۱۴۰۵، ۱۴:۰۵"
    assert FA.time(UTC_EVENING) == "۱۴:۰۵"
    assert FA.short_date(UTC_EVENING) == "\u2066۱۴۰۵/۰۹/۰۷\u2069"  # isolated: LTR in RTL
    assert FA.weekday(UTC_EVENING) == "شنبه"


def test_dates_en_are_gregorian() -> None:
    assert EN.date(UTC_EVENING) == "28 Nov 2026"
    assert EN.datetime(UTC_EVENING) == "28 Nov 2026, 14:05"
    assert EN.short_date(UTC_EVENING) == "2026-11-28"
    assert EN.weekday(UTC_EVENING) == "Saturday"


def test_conversion_to_local_time_can_change_the_day() -> None:
    late = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)  # 00:30 on the 29th in Tehran
    assert FA.date(late) == "۸ آذر ۱۴۰۵"
    assert EN.datetime(late) == "29 Nov 2026, 00:30"
    utc_presenter = Presenter("en", tz=ZoneInfo("UTC"))
    assert utc_presenter.datetime(late) == "28 Nov 2026, 21:00"


def test_naive_datetimes_are_utc_and_dates_are_days() -> None:
    assert FA.datetime(dt.datetime(2026, 11, 28, 10, 35)) == "۷ آذر ۱۴۰۵، ۱۴:۰۵"
    assert FA.date(dt.date(2026, 11, 28)) == "۷ آذر ۱۴۰۵"
    assert EN.date(jdatetime.date(1405, 9, 7)) == "28 Nov 2026"
    assert FA.short_date(jdatetime.date(1405, 1, 1)) == "\u2066۱۴۰۵/۰۱/۰۱\u2069"


def test_nowruz_and_month_names() -> None:
    assert FA.date(dt.date(2026, 3, 21)) == "۱ فروردین ۱۴۰۵"
    assert FA.month_name(9) == "آذر"
    assert EN.month_name(1) == "Farvardin"
    assert FA.month_year(1405, 12) == "اسفند ۱۴۰۵"
    assert EN.month_year(1405, 9) == "Azar 1405"
    with pytest.raises(ValueError, match="month"):
        FA.month_name(13)


def test_dates_do_not_touch_jdatetime_global_locale() -> None:
    FA.date(UTC_EVENING)
    assert jdatetime.date(1405, 9, 7).strftime("%B") == "Azar"


# ------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("rials", "unit", "fa", "en"),
    [
        (11_165_000_000_000, "rial", "۱۱ هزار و ۱۶۵ میلیارد ریال", "11,165 billion rials"),
        (11_165_000_000_000, "toman", "هزار و ۱۱۶٫۵ میلیارد تومان", "1,116.5 billion tomans"),
        (9_000_000_000_000, "rial", "۹ هزار میلیارد ریال", "9,000 billion rials"),
        (500_000_000, "rial", "۵۰۰ میلیون ریال", "500 million rials"),
        (2_500_000, "rial", "۲ میلیون و ۵۰۰ هزار ریال", "2.5 million rials"),
        (1_500_000_000, "rial", "۱٫۵ میلیارد ریال", "1.5 billion rials"),
        (1_000_500_000_000, "rial", "هزار میلیارد و ۵۰۰ میلیون ریال", "1,000.5 billion rials"),
        (
            1_234_567_890,
            "rial",
            "۱ میلیارد و ۲۳۴ میلیون و ۵۶۷ هزار و ۸۹۰ ریال",
            "1,234,567,890 rials",
        ),
        (1000, "rial", "هزار ریال", "1,000 rials"),
        (750, "rial", "۷۵۰ ریال", "750 rials"),
        (1, "rial", "۱ ریال", "1 rial"),
        (10, "toman", "۱ تومان", "1 toman"),
        (15, "toman", "۱٫۵ تومان", "1.5 tomans"),
        (0, "rial", "۰ ریال", "0 rials"),
        (-2_500_000, "rial", LRM + "−۲ میلیون و ۵۰۰ هزار ریال", "-2.5 million rials"),
    ],
)
def test_money(rials: int, unit: Literal["rial", "toman"], fa: str, en: str) -> None:
    assert FA.money(rials, unit) == fa
    assert EN.money(rials, unit) == en


def test_money_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unit"):
        FA.money(1, "dollar")  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**15))
def test_money_fa_has_only_persian_digits(rials: int) -> None:
    text = FA.money(rials)
    assert not re.search("[0-9]", text)
    assert text.endswith(" ریال")


# -------------------------------------------------------------------------- HTML


def test_escape_and_plain() -> None:
    assert escape('<b>"x" & y</b>') == '&lt;b&gt;"x" &amp; y&lt;/b&gt;'
    assert html_to_plain("<b>قم</b> &amp; <i>کهک</i> &lt;3") == "قم & کهک <3"
    assert html_to_plain('<a href="https://x.ir/?a=1&amp;b=2">فرم</a>') == (
        "فرم (https://x.ir/?a=1&b=2)"
    )
    assert html_to_plain('<a href="https://x.ir">https://x.ir</a>') == "https://x.ir"
    assert html_to_plain('<a href="tg://user?id=1">علی</a>') == "علی"
    assert html_to_plain('<pre><code class="language-python">x</code></pre>') == "x"


def test_telegram_length_counts_parsed_utf16() -> None:
    assert telegram_length("<b>a</b>&amp;") == 2
    assert telegram_length("😀") == 2
    assert telegram_length("سلام") == 4


# ------------------------------------------------------------------ split_message


def test_short_message_is_one_chunk() -> None:
    assert split_message("سلام") == ["سلام"]
    assert split_message("") == []
    assert split_message(" \n\n ") == []


def test_split_prefers_section_boundaries() -> None:
    text = "aaaa\nbbbb\n\ncccc\ndddd\n\neeee"
    assert split_message(text, 12) == ["aaaa\nbbbb", "cccc\ndddd", "eeee"]
    # the last blank line that fits wins over a later line break
    assert split_message("aa\n\nbb\ncc\ndddddddd", 10) == ["aa", "bb\ncc", "dddddddd"]


def test_split_falls_back_to_lines_then_spaces() -> None:
    assert split_message("aaaa\nbbbb\ncccc", 9) == ["aaaa\nbbbb", "cccc"]
    assert split_message("aaa bbb ccc ddd", 8) == ["aaa bbb", "ccc ddd"]
    assert split_message("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_split_never_cuts_entities_or_tags_and_balances_tags() -> None:
    chunks = split_message("<b>" + "&amp;" * 15 + "</b>", 10)
    assert chunks == ["<b>" + "&amp;" * 10 + "</b>", "<b>" + "&amp;" * 5 + "</b>"]
    chunks = split_message('<a href="https://x.ir">aaaa\nbbbb</a>', 5)
    assert chunks == ['<a href="https://x.ir">aaaa</a>', '<a href="https://x.ir">bbbb</a>']


def test_split_counts_utf16_like_telegram() -> None:
    assert split_message("😀" * 5, 4) == ["😀😀", "😀😀", "😀"]


def test_split_rejects_tiny_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        split_message("abc", 1)


_WORD = st.sampled_from(["قم", "کهک", "گزارش", "abc", "😀", "&amp;", "&lt;", "x" * 30, "می‌خواهم"])


@st.composite
def html_messages(draw: st.DrawFn) -> str:
    sections = []
    for _ in range(draw(st.integers(1, 6))):
        lines = []
        for _ in range(draw(st.integers(1, 5))):
            words = draw(st.lists(_WORD, min_size=1, max_size=12))
            line = " ".join(words)
            tag = draw(st.sampled_from(["", "b", "i", "code"]))
            if tag:
                line = f"<{tag}>{line}</{tag}>"
            lines.append(line)
        body = "\n".join(lines)
        if draw(st.booleans()):
            body = (
                f'<blockquote><a href="https://qom.example/r?a=1&amp;b=2">{body}</a></blockquote>'
            )
        sections.append(body)
    return "\n\n".join(sections)


def _balanced(chunk: str) -> bool:
    stack: list[str] = []
    for m in re.finditer(r"<(/?)([a-z-]+)[^>]*>", chunk):
        closing, name = m.groups()
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _words(text: str) -> list[str]:
    # Tags stripped without html_to_plain, which adds link addresses.
    return html.unescape(re.sub(r"<[^<>]*>", "", text)).split()


@given(html_messages(), st.integers(min_value=8, max_value=300))
def test_split_message_properties(text: str, limit: int) -> None:
    chunks = split_message(text, limit)
    assert chunks
    for chunk in chunks:
        assert telegram_length(chunk) <= limit
        assert html_to_plain(chunk).strip()
        assert _balanced(chunk), chunk
        assert not re.search(r"&[a-z#0-9]*$", chunk.split("<")[0])  # no entity cut open
    # nothing lost, nothing reordered (words may only be broken at hard splits)
    assert "".join(_words("".join(chunks))) == "".join(_words(text))
    if telegram_length(text) <= limit:
        assert chunks == [text]


@given(st.text(max_size=200), st.integers(min_value=2, max_value=50))
def test_split_message_any_text(raw: str, limit: int) -> None:
    text = escape(raw)
    chunks = split_message(text, limit)
    for chunk in chunks:
        assert 0 < telegram_length(chunk) <= limit
    assert "".join("".join(html_to_plain(c).split()) for c in chunks) == "".join(raw.split())
