"""Plain state objects of the emulator, each able to render itself as Bot API JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
ChatType = Literal["private", "group", "supergroup", "channel"]


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    persona: str | None = None
    phone_number: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # photo, document, voice, sticker, video...: Telegram refuses to mix them up
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def photo_size_json(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }

    def _base_json(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }

    def document_json(self) -> JSON:
        data = self._base_json()
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def video_json(self, kind: str, duration: int = 3) -> JSON:
        """A ``Video``, ``Animation`` or ``VideoNote`` (`kind`: video, animation, video_note)."""
        data = {**self._base_json(), "duration": duration}
        if kind == "video_note":
            return {**data, "length": 240}
        return {**data, "width": 640, "height": 360, "mime_type": self.mime_type or "video/mp4"}

    def file_json(self) -> JSON:
        """The ``File`` object of getFile."""
        return {**self._base_json(), "file_path": self.file_path}


@dataclass
class EditRecord:
    """A message's state before one edit, so tests can assert the history."""

    date: int
    text: str
    source_text: str | None
    entities: list[JSON]
    reply_markup: JSON | None


Button = tuple[str, str | None]


@dataclass
class SentMessage:
    """One message in a chat, from the bot or from a user, in its current state."""

    message_id: int
    chat_id: int
    date: int
    from_bot: bool
    sender: JSON
    chat_json: JSON
    kind: str = "text"  # text, photo, document, sticker, voice, contact, location
    text: str = ""  # what the user sees: the text, or the caption of media
    source_text: str | None = None  # exactly what the bot sent (HTML source)
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    photo: list[StoredFile] | None = None
    document: StoredFile | None = None
    extra: JSON = field(default_factory=dict)  # contact, location, sticker, forward_origin
    reply_to: SentMessage | None = None
    edit_date: int | None = None
    edits: list[EditRecord] = field(default_factory=list)
    deleted: bool = False
    created_seq: int = 0
    updated_seq: int = 0

    @property
    def plain_text(self) -> str:
        return self.text

    @property
    def caption(self) -> str | None:
        return self.text if self.kind not in ("text",) and self.text else None

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard as rows of ``(text, callback_data or url)``."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row] for row in rows
        ]

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def reply_keyboard(self) -> list[list[JSON]] | None:
        rows = (self.reply_markup or {}).get("keyboard")
        if rows is None:
            return None
        return [[b if isinstance(b, dict) else {"text": b} for b in row] for row in rows]

    def find_button(self, text_or_data: str) -> JSON | None:
        for row in (self.reply_markup or {}).get("inline_keyboard") or []:
            for button in row:
                if text_or_data in (button.get("callback_data"), button.get("text")):
                    return dict(button)
        return None

    def to_json(self, *, nested: bool = False) -> JSON:
        data: JSON = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat_json,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.reply_to is not None and not nested:
            data["reply_to_message"] = self.reply_to.to_json(nested=True)
        if self.kind == "text":
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        elif self.text:
            data["caption"] = self.text
            if self.entities:
                data["caption_entities"] = self.entities
        if self.photo:
            data["photo"] = [size.photo_size_json() for size in self.photo]
        if self.document is not None:
            data["document"] = self.document.document_json()
        data.update(self.extra)
        # Telegram echoes only inline keyboards inside Message objects.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class ChatEvent:
    seq: int
    # "markup": only the inline keyboard taken off (a step answered already); no client
    # shows that as news, so wait_for_message passes over it.
    kind: Literal["new", "edit", "markup", "delete"]
    message: SentMessage


@dataclass
class Chat:
    id: int
    type: ChatType
    title: str | None = None
    user: User | None = None  # the other party of a private chat
    members: set[int] = field(default_factory=set)
    next_message_id: int = 1
    messages: dict[int, SentMessage] = field(default_factory=dict)
    events: list[ChatEvent] = field(default_factory=list)
    mark: int = 0  # wait_for_message's default cursor: the last user action in this chat
    read_seq: int = 0  # for the demo page's unread badges
    started: bool = True
    blocked: bool = False
    deleted: bool = False
    deactivated: bool = False
    bot_kicked: bool = False
    chat_actions: list[str] = field(default_factory=list)
    menu_button: JSON | None = None

    @property
    def seq(self) -> int:
        return len(self.events)

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            data.update({k: v for k, v in self.user.to_json().items() if k in _PRIVATE_CHAT_KEYS})
        if self.title is not None:
            data["title"] = self.title
        return data


_PRIVATE_CHAT_KEYS = ("first_name", "last_name", "username")


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    # The demo page shows each answer once, even across reloads of the page.
    shown: bool = False


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answer: CallbackAnswer | None = None


@dataclass
class Stats:
    """Per-method counters of what the bot asked and what it got back."""

    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    too_many_requests: Counter[str] = field(default_factory=Counter)
    # Every refused call in order, (method, status, description): a check can tell the
    # bot's own mistakes (400) from the faults a test injected (5xx, 429).
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    # A reply_markup that asked for nothing (e.g. ``{}``), by its JSON: Telegram takes it as
    # no markup, so it is not an error, but a bot that sends one built an empty keyboard.
    empty_markups: Counter[str] = field(default_factory=Counter)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def total_429(self) -> int:
        return sum(self.too_many_requests.values())

    def reset(self) -> None:
        self.calls.clear()
        self.errors.clear()
        self.too_many_requests.clear()
        self.rejected.clear()
        self.empty_markups.clear()
