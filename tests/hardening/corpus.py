"""Hostile and odd inputs, as data. Each is one user action through the emulator.

The driver (test_corpus.py) feeds every input to every text-taking step of every flow;
a new flow adds its steps there, not inputs here. An input is a text, or a named action
for what is not text (media, contacts, edits, forwards, forged button presses).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from emulator import BotApiEmulator, CallbackQuery

# A 1x1 PNG: the smallest photo the emulator (like Telegram) accepts.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

Action = Callable[[BotApiEmulator, int], Awaitable[object]]


@dataclass(frozen=True)
class Input:
    id: str
    text: str | None = None  # sent as a plain message when set
    action: Action | None = None  # anything else

    async def send(self, emu: BotApiEmulator, user_id: int) -> CallbackQuery | None:
        """Send it; a button press returns its query, whose own answer is then awaited."""
        if self.text is not None:
            await emu.send_text(user_id, self.text)
            return None
        assert self.action is not None
        sent = await self.action(emu, user_id)
        return sent if isinstance(sent, CallbackQuery) else None


TEXTS: dict[str, str] = {
    "html": "<b>bold</b> <script>alert(1)</script> & &amp; <a href='x'>link</a> </pre>",
    "markdown": "*bold* _italic_ `code` [link](http://example.com) ~~s~~ ||spoiler|| \\",
    "long_5k": "ب" * 5000,
    "long_50k": "کارخانه " * 6250,
    "only_spaces": "   \u00a0  \u3000 ",
    "only_emoji": "😀🏭🔥👍🏽👨‍👩‍👧",
    "rtl_marks": "\u200f\u202eکارگاه\u202c\u200e \u2067نمونه\u2069\u061c",
    "zero_width": "\u200b\u200c\u200d\ufeff\u2060",
    "arabic_letters": "كارخانه يزدي كاشي",
    "mixed_digits": "واحد ۱۲3٤ و ٥٦7",
    "sql": "'; DROP TABLE reports; --",
    "sql_or": "1 OR 1=1; SELECT * FROM users",
    "nul_and_controls": "نام\x00واحد\x07\x1b[31m",
    "newlines": "\n\n\nسطر نخست\r\nسطر دوم\u2028سطر سوم\n\n",
    "persian_separators": "۱۲٬۵۰۰٬۰۰۰",
    "decimal_comma": "۱۲٫۵ میلیون",
    "huge_number": "9" * 40,
    "negative": "-500",
    "date_slashes": "۱۴۰۵/۰۹/۰۷",
    "date_words": "شنبه ۷ آذرماه ۱۴۰۵",
    "date_latin": "7 Azar 1405",
    "date_dashes": "1405-9-7",
    "date_short_year": "05/9/7",
    "date_latin_slashes": "1405/9/7",
    "date_arabic_indic_words": "٧ آذر ١٤٠٥",
    "date_day_first": "7/9/1405",
    "date_month_only": "آذر ۱۴۰۵",
    "date_invalid_month": "1405/13/40",
    "date_invalid_day": "۱۴۰۵/۰۷/۳۱",
    "date_gregorian": "2026-11-28",
    "date_far_past": "1205/1/1",
    "others_number": "1405-0001",
    "others_number_persian": "۱۴۰۵/۱",
    "missing_number": "#1405 9999",
    "command_with_args": "/start deep-link-payload",
    "register_with_args": "/register now please",
    "myreports_with_args": "/myreports 2",
    "command_with_mention": "/help@rounaq_test_bot",
    "unknown_command": "/nonsense",
    "unknown_command_shouting": "/DROP_TABLE",
    "lone_slash": "/",
    "mention_and_link": "@someone https://example.com/x?a=1&b=<2>",
}


async def _sticker(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_sticker(user_id)


async def _voice(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_voice(user_id)


async def _video(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_video(user_id)


async def _location(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_location(user_id, 34.6401, 50.8764)


async def _contact_of_someone_else(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_contact(user_id, "+989121234567", first_name="Someone", last_name="Else")


async def _forwarded(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_forwarded(user_id, "متن بازارسال‌شده از کس دیگر", origin_name="ناشناس")


async def _edited(emu: BotApiEmulator, user_id: int) -> None:
    """The user edits their first message in the chat (long since answered)."""
    mine = [m for m in emu.messages(user_id, include_user=True) if not m.from_bot]
    if not mine:
        mine = [await emu.send_text(user_id, "سلام")]
        await emu.wait_for_message(user_id)
    first = mine[0]
    await emu.edit_text(user_id, first.message_id, first.text + " (ویرایش‌شده)")


async def _photo(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_photo(user_id, PNG)


async def _big_document(emu: BotApiEmulator, user_id: int) -> None:
    # Over the test's MAX_UPLOAD_BYTES (see test_corpus), under Telegram's own limits.
    await emu.send_document(user_id, b"%PDF-1.4\n" + b"0" * 20_000, "scan.pdf")


async def _executable(emu: BotApiEmulator, user_id: int) -> None:
    await emu.send_document(user_id, b"MZ\x90\x00\x03", "invoice.pdf.exe")


def _press(data: str) -> Action:
    async def press(emu: BotApiEmulator, user_id: int) -> CallbackQuery:
        bot_messages = emu.messages(user_id)
        message_id = bot_messages[-1].message_id if bot_messages else 1
        return await emu.press_raw(user_id, user_id, message_id, data)

    return press


ACTIONS: dict[str, Action] = {
    "sticker": _sticker,
    "voice": _voice,
    "video": _video,
    "location": _location,
    "contact_of_someone_else": _contact_of_someone_else,
    "forwarded": _forwarded,
    "edited": _edited,
    "photo_without_caption": _photo,
    "document_over_limit": _big_document,
    "document_executable": _executable,
    "callback_garbage": _press("x" * 64),
    "callback_unknown_sector": _press("reg:sec:999999"),
    "callback_other_step": _press("reg:cty:1"),
    "callback_stale_submit": _press("rep:submit"),
    "callback_others_report": _press("my:o:1"),
    "callback_negative_page": _press("my:p:-1"),
    "callback_bad_language": _press("lang:xx"),
    "callback_injection": _press("rep:cat:1 OR 1=1"),
}

CORPUS: tuple[Input, ...] = (
    *(Input(name, text=value) for name, value in TEXTS.items()),
    *(Input(name, action=value) for name, value in ACTIONS.items()),
)
