"""Validation of ``reply_markup`` the way the Bot API rejects it."""

from __future__ import annotations

import re
from typing import Any

from .errors import BUTTON_DATA_INVALID, BUTTON_URL_INVALID, bad_request

JSON = dict[str, Any]

# Exactly one of these makes an inline button do something; a bare text button is refused.
INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_BUTTON_URL = re.compile(r"^(?:https?|tg)://[^\s]+$", re.I)
_MAX_INLINE_BUTTONS = 100


def _button_error(detail: str) -> Exception:
    return bad_request(f"can't parse inline keyboard button: {detail}")


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> JSON | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline(markup["inline_keyboard"])
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in markup:
        _validate_keyboard(markup["keyboard"])
    elif "remove_keyboard" not in markup and "force_reply" not in markup:
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _validate_inline(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > _MAX_INLINE_BUTTONS:
        raise bad_request("too many inline keyboard buttons")
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise _button_error("InlineKeyboardButton must be an Object")
            if not isinstance(button.get("text"), str):
                raise _button_error('Field "text" must be of type String')
            actions = [key for key in INLINE_ACTIONS if key in button]
            if not actions:
                raise _button_error("Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                # Telegram would silently pick the first; a bot that sets two is buggy.
                raise _button_error(f"only one of {', '.join(actions)} may be specified")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad_request(BUTTON_DATA_INVALID)
            if "url" in button and not (
                isinstance(button["url"], str) and _BUTTON_URL.match(button["url"])
            ):
                raise bad_request(BUTTON_URL_INVALID)


def _validate_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
