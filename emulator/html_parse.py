"""Telegram's ``parse_mode=HTML`` parser, ported from TDLib's ``parse_html``.

The point is to fail exactly where Telegram fails (same error text and byte offsets), so a
bot that interpolates unescaped user input breaks in tests, not in production. Offsets in
the produced entities are UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_URL_RE = re.compile(r"^(?:(?:https?|tg|ton)://\S+|[\w.-]+\.[a-z]{2,}(?:[/?#]\S*)?)$", re.I)


class HtmlParseError(ValueError):
    """Raised with TDLib's message; the caller prefixes "Bad Request: can't parse entities: "."""


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    text_index: int  # index into the output buffer, to recover the inner text for <a>
    order: int  # opening order: for equal ranges the outer tag comes first, as on Telegram
    expandable: bool = False


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _is_space(ch: str) -> bool:
    # TDLib's is_space also treats the terminating NUL as space; "" is our end-of-text.
    return ch == "" or ch in " \t\r\n\v\f"


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos``; the semicolon is optional, as in TDLib."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        hexa = end < n and text[end] == "x"
        if hexa:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        while end < n and text[end] in digits:
            value = value * (16 if hexa else 10) + int(text[end], 16)
            end += 1
            if value >= 0x10FFFF:
                return None
        if value == 0 or 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


def parse_html(text: str, *, strict_ampersand: bool = False) -> tuple[str, list[JSON]]:
    """Return ``(plain_text, entities)`` or raise :class:`HtmlParseError`.

    ``strict_ampersand``: Telegram keeps an ``&`` that starts no known entity literally;
    tests may opt into rejecting it to catch unescaped interpolation earlier.
    """
    parser = _Parser(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                parser.put(decoded[0])
                i = decoded[1]
                continue
            if strict_ampersand:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {_byte_offset(text, i)} (strict mode)'
                )
        if ch != "<":
            parser.put(ch)
            i += 1
        elif i + 1 < n and text[i + 1] == "/":
            i = parser.end_tag(i)
        else:
            i = parser.start_tag(i)
    return parser.result()


class _Parser:
    """The output so far: plain text, its length in UTF-16 units, the tags still open and
    the entities of the tags closed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[JSON] = []
        self.order: dict[int, int] = {}
        self.opened_count = 0

    def put(self, chars: str) -> None:
        self.out.append(chars)
        self.utf16 += utf16_len(chars)

    def start_tag(self, begin: int) -> int:
        opened, i = _start_tag(self.text, begin, self.utf16, len(self.out), self.opened_count)
        self.opened_count += 1
        self.stack.append(opened)
        return i

    def end_tag(self, begin: int) -> int:
        begin_bytes = _byte_offset(self.text, begin)
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin_bytes}")
        end_name, i = _end_tag_name(self.text, begin + 2, begin_bytes)
        top = self.stack[-1]
        if end_name and end_name != top.tag:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {begin_bytes}, "
                f'expected "</{top.tag}>", found "</{end_name}>"'
            )
        self.stack.pop()
        length = self.utf16 - top.utf16_offset
        if length > 0:
            before = len(self.entities)
            _emit(top, length, "".join(self.out[top.text_index :]), self.entities)
            if len(self.entities) > before:
                self.order[id(self.entities[-1])] = top.order
        return i

    def result(self) -> tuple[str, list[JSON]]:
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        for entity in self.entities:
            # A language survives only when folded into <pre>; bare <code> carries none.
            if entity["type"] == "code":
                entity.pop("language", None)
        order = self.order
        self.entities.sort(key=lambda e: (e["offset"], -e["length"], order.get(id(e), 0)))
        return "".join(self.out), self.entities


def _start_tag(
    text: str, begin: int, utf16_offset: int, text_index: int, order: int
) -> tuple[_Open, int]:
    """The start tag whose "<" is at `begin`, with its attribute, opened where the output
    stands now; and the index past its '>'."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    begin_bytes = _byte_offset(text, begin)
    i = begin + 1
    while not _is_space(at(i)) and at(i) != ">":
        i += 1
    if at(i) == "":
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")
    tag = text[begin + 1 : i].lower()
    if tag not in ALLOWED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin_bytes}')
    opened = _Open(tag, "", utf16_offset, text_index, order)
    i = _parse_attributes(text, i, opened, begin_bytes)
    if tag == "span" and opened.argument != "spoiler":
        raise HtmlParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {begin_bytes}'
        )
    return opened, i + 1  # past '>'


def _end_tag_name(text: str, i: int, begin_bytes: int) -> tuple[str, int]:
    """The name of the end tag whose name starts at `i` (may be empty: "</>") and the index
    past its '>'."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    name_start = i
    while not _is_space(at(i)) and at(i) != ">":
        i += 1
    end_name = text[name_start:i].lower()
    while at(i) != "" and _is_space(at(i)):
        i += 1
    if at(i) != ">":
        raise HtmlParseError(f"Unclosed end tag at byte offset {begin_bytes}")
    return end_name, i + 1


def _parse_attributes(text: str, i: int, opened: _Open, begin_bytes: int) -> int:
    """Consume attributes up to (not past) the closing '>'; return its index."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    tag = opened.tag
    while at(i) != ">":
        while at(i) != "" and _is_space(at(i)):
            i += 1
        if at(i) == ">":
            break
        if at(i) == "":
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin_bytes}')
        name_start = i
        while not _is_space(at(i)) and at(i) not in ("=", ">"):
            i += 1
        name = text[name_start:i]
        if not name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {begin_bytes}'
            )
        while at(i) != "" and _is_space(at(i)):
            i += 1
        if at(i) != "=":
            if tag == "blockquote" and name.lower() == "expandable":
                opened.expandable = True
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {begin_bytes}"
            )
        i += 1
        while at(i) != "" and _is_space(at(i)):
            i += 1
        if at(i) == "":
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin_bytes}')
        value, i = _attribute_value(text, i)
        if at(i) == "":
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin_bytes}")
        _set_attribute(opened, name.lower(), value)
    return i


def _attribute_value(text: str, i: int) -> tuple[str, int]:
    """An attribute's value at `i` (quoted, with entities decoded, or a bare name token)
    and the index after it."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    if at(i) not in ("'", '"'):
        # An unquoted name token: letters, digits, periods and hyphens; case-insensitive.
        token_start = i
        while at(i) != "" and (at(i).isascii() and (at(i).isalnum() or at(i) in ".-")):
            i += 1
        if not _is_space(at(i)) and at(i) != ">":
            raise HtmlParseError(
                f"Unexpected end of name token at byte offset {_byte_offset(text, token_start)}"
            )
        return text[token_start:i].lower(), i
    quote = text[i]
    i += 1
    value_chars: list[str] = []
    while at(i) != "" and at(i) != quote:
        if at(i) == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                value_chars.append(decoded[0])
                i = decoded[1]
                continue
        value_chars.append(text[i])
        i += 1
    if at(i) == quote:
        i += 1
    return "".join(value_chars), i


def _set_attribute(opened: _Open, lname: str, value: str) -> None:
    """Keep the one attribute each tag may carry; others are ignored."""
    tag = opened.tag
    if tag == "a" and lname == "href":
        opened.argument = value
    elif tag == "code" and lname == "class" and value.startswith("language-"):
        opened.argument = value[len("language-") :]
    elif tag == "span" and lname == "class" and value.startswith("tg-"):
        opened.argument = value[len("tg-") :]
    elif tag == "tg-emoji" and lname == "emoji-id":
        opened.argument = value
    elif tag == "blockquote" and lname == "expandable":
        opened.expandable = True


def _emit(opened: _Open, length: int, inner_text: str, entities: list[JSON]) -> None:
    tag, offset = opened.tag, opened.utf16_offset
    if tag in _SIMPLE_TYPES:
        entities.append({"type": _SIMPLE_TYPES[tag], "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not opened.argument.isdigit():
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": opened.argument,
            }
        )
    elif tag == "a":
        url = opened.argument or inner_text
        if url.startswith("tg://user?id="):
            user_id = url.removeprefix("tg://user?id=")
            if user_id.isdigit():
                entities.append(
                    {
                        "type": "text_mention",
                        "offset": offset,
                        "length": length,
                        "user": {"id": int(user_id), "is_bot": False, "first_name": ""},
                    }
                )
        elif _URL_RE.match(url):
            # Telegram silently drops links whose URL it rejects; so do we.
            entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif tag == "code":
        entity: JSON = {"type": "code", "offset": offset, "length": length}
        if opened.argument:
            entity["language"] = opened.argument  # folded into an enclosing <pre> below
        entities.append(entity)
    elif tag == "pre":
        pre: JSON = {"type": "pre", "offset": offset, "length": length}
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
        ):
            entities.pop()
            if "language" in last:
                pre["language"] = last["language"]
        entities.append(pre)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.expandable else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


def strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Trim surrounding whitespace the way the Bot API does, shifting entity offsets."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result: list[JSON] = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
