"""``reply_markup`` read the way telegram-bot-api reads it (Client.cpp, ``get_reply_markup``).

The server decodes the parameter as JSON ("can't parse reply keyboard markup JSON object"
only when that fails), wants an object ("object expected as reply markup"), then reads the
fields it knows with their own type errors. A valid object that carries no keyboard, e.g.
``{}``, ``{"inline_keyboard": []}`` or ``{"remove_keyboard": false}``, is no markup at all.
Error texts are the server's, after its rule of lower-casing the first letter of a message
whose second letter is lower-case ("Field ..." -> "field ...", "Can't ..." -> "can't ...").
"""

from __future__ import annotations

import re
from typing import Any

from .errors import BUTTON_DATA_INVALID, BUTTON_URL_INVALID, bad_request

JSON = dict[str, Any]

# The inline button kinds in the order the server tries them: the first one set wins.
# url and callback_data count only when non-empty; the others when present.
_STRING_ACTIONS = ("url", "callback_data")
_OTHER_ACTIONS = (
    "callback_game", "pay", "switch_inline_query", "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat", "login_url", "web_app", "copy_text",
)  # fmt: skip
INLINE_ACTIONS = _STRING_ACTIONS + _OTHER_ACTIONS
_OBJECT_ACTIONS = frozenset(
    {"switch_inline_query_chosen_chat", "login_url", "web_app", "copy_text"}
)
_BUTTON_URL = re.compile(r"^(?:https?|tg)://[^\s]+$", re.I)
# Telegram's cap on an inline keyboard; the server maps REPLY_MARKUP_TOO_LONG to this text.
_MAX_INLINE_BUTTONS = 100
_MARKUP_FLAGS = (
    "hide_keyboard", "remove_keyboard", "personal_keyboard", "selective",
    "force_reply_keyboard", "force_reply",
)  # fmt: skip
_KEYBOARD_FLAGS = ("resize_keyboard", "one_time_keyboard", "is_persistent")
_BUTTON_FLAGS = ("request_phone_number", "request_contact", "request_location")


class _FieldError(Exception):
    """A field error inside a button, wrapped by the caller with its prefix."""


def _string_field(obj: JSON, name: str, *, required: bool) -> str | None:
    """JsonObject::get_{required,optional}_string_field: a String, or a Number as text."""
    if name not in obj:
        if required:
            raise _FieldError(f'Can\'t find field "{name}"')
        return None
    value = obj[name]
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _FieldError(f'Field "{name}" must be of type String')


def _bool_field(obj: JSON, name: str) -> bool:
    value = obj.get(name, False)
    if not isinstance(value, bool):
        raise _FieldError(f'Field "{name}" must be of type Boolean')
    return value


def _object_field(obj: JSON, name: str) -> JSON:
    value = obj[name]
    if not isinstance(value, dict):
        raise _FieldError(f'Field "{name}" must be of type Object')
    return value


def _keyboard_button(button: Any) -> JSON:
    if isinstance(button, str):
        return {"text": button}
    if not isinstance(button, dict):
        raise _FieldError("KeyboardButton must be a String or an Object")
    text = _string_field(button, "text", required=True)
    normalized = {**button, "text": text}
    for flag in _BUTTON_FLAGS:
        _bool_field(button, flag)
    return normalized


def _inline_button(button: Any) -> JSON:
    if not isinstance(button, dict):
        raise _FieldError("InlineKeyboardButton must be an Object")
    text = _string_field(button, "text", required=True)
    for name in _STRING_ACTIONS:
        value = _string_field(button, name, required=False)
        if value:
            return {"text": text, name: value}
    for name in _OTHER_ACTIONS:
        if name in button:
            if name in _OBJECT_ACTIONS:
                _object_field(button, name)
            elif name.startswith("switch_inline_query"):
                _string_field(button, name, required=True)
            return {"text": text, name: button[name]}
    raise _FieldError("Text buttons are unallowed in the inline keyboard")


def _rows(markup: JSON, name: str, of_what: str) -> list[list[Any]]:
    """The array of arrays under ``name``; absent (or null) is no rows."""
    rows = markup.get(name)
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise bad_request(f'field "{name}" must be of type Array')
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(f'field "{name}"{of_what} must be an Array of Arrays')
    return rows


def _parse_rows(rows: list[list[Any]], parse: Any, prefix: str) -> list[list[JSON]]:
    parsed: list[list[JSON]] = []
    for row in rows:
        new_row = []
        for button in row:
            try:
                new_row.append(parse(button))
            except _FieldError as exc:
                raise bad_request(f"{prefix}: {exc}") from None
        parsed.append(new_row)
    return parsed


def _flags(markup: JSON, names: tuple[str, ...]) -> dict[str, bool]:
    try:
        return {name: _bool_field(markup, name) for name in names}
    except _FieldError as exc:
        raise bad_request(str(exc)[0].lower() + str(exc)[1:]) from None


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> JSON | None:
    """The effective markup (normalized), or None when the object asks for none."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    keyboard = _parse_rows(
        _rows(markup, "keyboard", ""), _keyboard_button, "can't parse keyboard button"
    )
    inline = _parse_rows(
        _rows(markup, "inline_keyboard", " of the InlineKeyboardMarkup"),
        _inline_button,
        "can't parse inline keyboard button",
    )
    flags = _flags(markup, _MARKUP_FLAGS)
    placeholder = markup.get("input_field_placeholder")
    if placeholder is not None and not isinstance(placeholder, str):
        raise bad_request('field "input_field_placeholder" must be of type String')
    selective = flags["personal_keyboard"] or flags["selective"]
    extra: JSON = {"selective": True} if selective else {}
    if placeholder:
        extra["input_field_placeholder"] = placeholder
    result: JSON | None = None
    if keyboard:
        shown = {name: True for name, on in _flags(markup, _KEYBOARD_FLAGS).items() if on}
        result = {"keyboard": keyboard, **shown, **extra}
    elif inline:
        result = {"inline_keyboard": inline}
    elif flags["hide_keyboard"] or flags["remove_keyboard"]:
        result = {"remove_keyboard": True, **({"selective": True} if selective else {})}
    elif flags["force_reply"] or flags["force_reply_keyboard"]:
        result = {"force_reply": True, **extra}
    if result is not None and inline_only and "inline_keyboard" not in result:
        raise bad_request("inline keyboard expected")
    if result is not None and "inline_keyboard" in result:
        _check_inline_limits(result["inline_keyboard"])
    return result


def _check_inline_limits(rows: list[list[JSON]]) -> None:
    """What Telegram's servers refuse after the Bot API server has read the keyboard."""
    if sum(len(row) for row in rows) > _MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if "callback_data" in button and len(button["callback_data"].encode("utf-8")) > 64:
                raise bad_request(BUTTON_DATA_INVALID)
            if "url" in button and not _BUTTON_URL.match(button["url"]):
                raise bad_request(BUTTON_URL_INVALID)
