"""The Presenter's Persian display rules (issue 11 items 6-8) and its catalog words (issue 13)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from bot.formatting import LRI, PDI, Presenter, Words, isolate_ltr_runs, strip_isolates
from bot.i18n import get_translator, languages
from bot.text import (
    normalize_for_match,
    parse_amount_rials,
    parse_int,
    parse_jalali_date,
    parse_tracking_number,
    shorten,
)
from handlers.myreports import TRACKING_TEXT
from storage.seed import load_dataset
from tests.display_rules import check_en, check_fa, unisolated_latin, zero_lookalikes

FA, EN = Presenter("fa"), Presenter("en")
PERSIAN_DIGIT = "[۰-۹]"


# ----------------------------------------------------------------- item 6: the catalogs


@pytest.mark.parametrize("lang", languages())
def test_no_separator_beside_a_persian_digit_in_either_catalog(lang: str) -> None:
    bad = {
        key: form
        for key, message in get_translator(lang).messages.items()
        for form in ([message] if isinstance(message, str) else message.values())
        if re.search(rf"[·.]\s*{PERSIAN_DIGIT}|{PERSIAN_DIGIT}\s*[·.]", form)
    }
    assert bad == {}


def test_fa_catalog_has_no_middle_dot_and_no_full_stop_beside_a_value() -> None:
    # A value put into {placeholder} may end or start with a digit: «ساعت ۰۸:۰۰.».
    bad = {
        key: form
        for key, message in get_translator("fa").messages.items()
        for form in ([message] if isinstance(message, str) else message.values())
        if "·" in form or re.search(r"\}\s*\.|\.\s*\{", form)
    }
    assert bad == {}


def test_the_rule_catches_what_the_issue_saw() -> None:
    assert zero_lookalikes("قم · ۷ روز")
    assert zero_lookalikes("· ۱ طرح")
    assert zero_lookalikes("<b>۳.</b> عنوان")
    assert zero_lookalikes("قم — ۷ روز") == []
    assert zero_lookalikes("Qom · 7 days") == []  # Latin digits do not look like a dot


# ------------------------------------------------------------------------ item 7: bidi


def test_tracking_numbers_and_short_dates_are_isolated_in_fa_only() -> None:
    assert FA.tracking(1405, 1) == LRI + "۱۴۰۵-۰۰۰۱" + PDI
    assert EN.tracking(1405, 1) == "1405-0001"
    assert FA.short_date(dt.date(2026, 11, 28)) == LRI + "۱۴۰۵/۰۹/۰۷" + PDI
    assert FA.ltr(FA.ltr("x")) == FA.ltr("x")  # once is enough


def test_commands_and_latin_words_in_fa_messages_are_isolated() -> None:
    fa = get_translator("fa")
    stray = fa.t("common.stray_message")
    assert f"{LRI}/report{PDI}" in stray
    assert f"{LRI}/help{PDI}" in stray
    assert "/report" not in stray.replace(f"{LRI}/report{PDI}", "")
    assert f"{LRI}Excel{PDI}" in fa.t("menu.export")
    check_fa(fa.t("help.official"))
    check_fa(fa.t("programs.link_usage"))
    # English messages are left as they are.
    assert LRI not in get_translator("en").t("common.stray_message")


def test_isolating_runs_keeps_tags_placeholders_and_sentence_stops() -> None:
    assert isolate_ltr_runs("فایل Excel.") == f"فایل {LRI}Excel{PDI}."
    assert isolate_ltr_runs("<b>{name}</b> /cancel") == f"<b>{{name}}</b> {LRI}/cancel{PDI}"
    assert isolate_ltr_runs('<a href="https://x.y/z">پیوند</a>') == (
        '<a href="https://x.y/z">پیوند</a>'
    )
    english = "Please choose your language."
    assert isolate_ltr_runs(english) == LRI + english + PDI  # its stop stays at its end
    once = isolate_ltr_runs("با /subscribe یا Excel (xlsx)")
    assert isolate_ltr_runs(once) == once
    # What is in <code> is copied back by a tap: marks go outside it, never inside.
    code = isolate_ltr_runs("بفرستید: <code>/start {code}</code>")
    assert "<code>/start {code}</code>" in code
    assert isolate_ltr_runs(code) == code


def test_the_bilingual_prompt_keeps_each_line_in_its_own_direction() -> None:
    line = get_translator("en").t("start.choose_language")
    assert FA.embed(line, "en") == LRI + line + PDI
    assert FA.embed("سلام", "fa") == "سلام"
    assert EN.embed("سلام", "fa") == "\u2067سلام" + PDI


def test_typed_names_are_escaped_and_latin_ones_isolated() -> None:
    assert FA.name("Sam <x>") == "\u2068Sam &lt;x&gt;" + PDI
    assert FA.name("رضا") == "رضا"
    assert EN.name("Sam") == "Sam"
    assert EN.name("رضا") == "\u2068رضا" + PDI  # a Persian name in an English sentence
    assert unisolated_latin(f"سلام {FA.name('Sam')}") == ""


@pytest.mark.parametrize(
    "shown",
    [
        FA.tracking(1405, 12),
        "\u200f" + FA.tracking(1405, 12) + "\u200e",
        "\u2067" + FA.tracking(1405, 12) + PDI,
    ],
)
def test_a_tracking_number_copied_with_its_marks_is_still_understood(shown: str) -> None:
    assert parse_tracking_number(shown) == (1405, 12)
    assert TRACKING_TEXT.pattern.search(shown) is not None  # reaches the lookup handler


def test_other_copied_values_are_understood() -> None:
    assert parse_amount_rials(LRI + "۲۵٬۰۰۰" + PDI + " میلیون ریال") == 25_000_000_000
    assert parse_int(FA.ltr("۱۲٬۵۰۰")) == 12_500
    assert parse_jalali_date(FA.short_date(dt.date(2026, 11, 28))) is not None
    assert normalize_for_match(f"{LRI}/report{PDI}") == "/report"


# --------------------------------------------------------------- item 8: cut labels


def test_labels_are_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    long = "دبیرخانه ستاد تسهیل و رفع موانع تولید استان"
    cut = shorten(long, 40)
    assert cut == "دبیرخانه ستاد تسهیل و رفع موانع تولید…"
    assert len(cut) <= 40
    assert shorten("اداره کل منابع طبیعی و آبخیزداری استان قم", 36) == (
        "اداره کل منابع طبیعی و آبخیزداری…"
    )
    assert shorten("کوتاه", 40) == "کوتاه"
    assert shorten("شهرک‌های‌صنعتی‌بسیاربسیاربلند", 10).endswith("…")  # one long word: cut it
    assert FA.shorten(long, 40) == cut


def test_every_word_of_a_cut_label_is_whole() -> None:
    for agency in load_dataset("qom").agencies:
        for limit in (12, 20, 30, 40):
            cut = shorten(agency.name_fa, limit)
            assert len(cut) <= limit
            words = cut.removesuffix("…").split()
            assert words == agency.name_fa.split()[: len(words)], (agency.code, limit, cut)


def test_the_data_set_gives_short_names_that_fit_a_button() -> None:
    agencies = load_dataset("qom").agencies
    for agency in agencies:
        if len(agency.name_fa) > 30:
            assert agency.short_name_fa, agency.code
            assert agency.short_name_en, agency.code
        for short in (agency.short_name_fa, agency.short_name_en):
            assert short is None or len(short) <= 30


# ------------------------------------------------------- issue 13: words in the catalog


def test_joining_and_separators_come_from_the_catalog() -> None:
    assert FA.join(["الف", "ب"]) == "الف، ب"
    assert EN.join(["a", "b"]) == "a, b"
    assert EN.join_and(["a", "b", "c"]) == "a, b and c"
    assert FA.join_and(["الف", "ب", "پ"]) == "الف، ب و پ"
    assert FA.fields("قم", "۷ روز") == "قم — ۷ روز"
    assert EN.fields("Qom", "", "7 days") == "Qom · 7 days"
    check_en(EN.datetime(dt.datetime(2026, 11, 28, 10, 35)))


def test_money_words_are_the_catalogs() -> None:
    assert FA.words is not None
    odd = replace(FA.words, billion="B", amount_and=" + ", units=(("rial", (("other", "R"),)),))
    shown = Presenter("fa", words=odd).money(11_165 * 10**9 + 500_000)
    assert shown == "۱۱ هزار + ۱۶۵ B + ۵۰۰ هزار R"
    assert EN.money(10**9) == "1 billion rials"
    assert EN.money(10, "toman") == "1 toman"


@pytest.mark.parametrize("lang", languages())
def test_words_load_from_every_catalog(lang: str) -> None:
    words = Words.from_messages(get_translator(lang).messages)
    assert words.list_sep
    if lang == "en":
        for value in (words.list_sep, words.field_sep, words.thousand, words.unit("rial", "one")):
            check_en(value)


def test_one_presenter_one_factory() -> None:
    # The translator formats placeholder numbers but carries no Presenter of its own
    # (one that was always Tehran time, whatever the setting said).
    assert not hasattr(get_translator("fa"), "presenter")
    assert Presenter("fa") == Presenter("fa")


def test_charts_get_text_without_isolates() -> None:
    assert strip_isolates(FA.tracking(1405, 1)) == "۱۴۰۵-۰۰۰۱"


def test_the_english_catalog_has_no_persian_letter() -> None:
    for key, message in get_translator("en").messages.items():
        for form in [message] if isinstance(message, str) else message.values():
            assert re.search("[\u0600-\u06ff]", form) is None, key
