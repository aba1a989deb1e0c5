"""Telegram's HTML rules: what parses, what fails, and with which message."""

from __future__ import annotations

import pytest

from emulator import HtmlParseError, parse_html
from emulator.html_parse import strip_text


@pytest.mark.parametrize(
    ("source", "plain", "entities"),
    [
        ("plain", "plain", []),
        ("<b>bold</b> x", "bold x", [{"type": "bold", "offset": 0, "length": 4}]),
        ("<strong>a</strong><em>b</em>", "ab", [
            {"type": "bold", "offset": 0, "length": 1},
            {"type": "italic", "offset": 1, "length": 1},
        ]),
        ("a &lt; b &amp;&gt; &quot;c&quot; &#1587;&#x627;", 'a < b &> "c" سا', []),
        ("AT&T &nbsp;", "AT&T &nbsp;", []),  # Telegram keeps unknown entities literally
        ('<a href="https://x.ir/?a=1&amp;b=2">link</a>', "link", [
            {"type": "text_link", "offset": 0, "length": 4, "url": "https://x.ir/?a=1&b=2"},
        ]),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st", [
            {"type": "spoiler", "offset": 0, "length": 1},
            {"type": "spoiler", "offset": 1, "length": 1},
        ]),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", [
            {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        ]),
        ("<blockquote expandable>q</blockquote>", "q", [
            {"type": "expandable_blockquote", "offset": 0, "length": 1},
        ]),
        ("😀<u>x</u>", "😀x", [{"type": "underline", "offset": 2, "length": 1}]),  # UTF-16
        ("<b><i>سلام</i></b>", "سلام", [
            {"type": "bold", "offset": 0, "length": 4},
            {"type": "italic", "offset": 0, "length": 4},
        ]),
        ("<b></b>x", "x", []),  # empty entities vanish
        ("<B>x</B>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
    ],
)  # fmt: skip
def test_valid_html(source: str, plain: str, entities: list[dict[str, object]]) -> None:
    assert parse_html(source) == (plain, entities)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("a <foo>", 'Unsupported start tag "foo" at byte offset 2'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("سلام <x>", 'Unsupported start tag "x" at byte offset 9'),  # byte, not char, offset
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a" '
         "at byte offset 0"),
    ],
)  # fmt: skip
def test_invalid_html(source: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == error


def test_strict_ampersand_is_opt_in() -> None:
    assert parse_html("AT&T")[0] == "AT&T"
    with pytest.raises(HtmlParseError):
        parse_html("AT&T", strict_ampersand=True)


def test_strip_shifts_entities() -> None:
    text, entities = parse_html("  <b> hi</b>  ")
    assert strip_text(text, entities) == ("hi", [{"type": "bold", "offset": 0, "length": 2}])
