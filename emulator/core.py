"""``BotApiEmulator``: lifecycle plus the test-facing side, where tests play the users."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from . import persist
from .botapi import BotApi
from .faults import Fault
from .files import image_size
from .models import (
    JSON,
    CallbackAnswer,
    CallbackQuery,
    Chat,
    ChatType,
    SentMessage,
    Stats,
    User,
)
from .ratelimit import DEFAULT_RATE_LIMITS, RateLimits
from .server import build_app
from .state import EmulatorState

Predicate = Callable[[SentMessage], bool]
# Telegram detects these in user text whatever the client; PTB's CommandHandler needs them.
_AUTO_ENTITIES = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}")),
    ("url", re.compile(r"\bhttps?://[^\s]+")),
)
# "New person" users of the demo page get ids from here up, one more each time.
NEW_PERSON_FIRST_ID = 9_000_001
NEW_PERSON_LABEL = "فرد تازه · New person"
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Saving is coalesced: one write for a burst of changes, at most this often.
SAVE_INTERVAL = 0.3


def _detect_entities(text: str) -> list[JSON]:
    from .html_parse import utf16_len

    found: list[JSON] = []
    for kind, pattern in _AUTO_ENTITIES:
        for match in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    return sorted(found, key=lambda e: e["offset"])


class BotApiEmulator:
    """A local Telegram Bot API server (aiohttp, 127.0.0.1) with a scripted user side.

    ``rate_limits=None`` disables flood control. ``clock`` drives rate limits, fault
    durations and callback-query expiry, so tests can move time without sleeping.
    ``state_path``: a file to keep the emulator in (the demo's), restored now if it exists
    and saved while running, so update ids and chats survive a restart.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "rounaq_bot",
        bot_first_name: str = "Rounaq",
        rate_limits: RateLimits | None = DEFAULT_RATE_LIMITS,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        strict_ampersand: bool = False,
        callback_timeout: float = 15.0,
        state_path: Path | str | None = None,
    ) -> None:
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.token = token
        self.bot_user = User(bot_id, bot_first_name, username=bot_username, is_bot=True)
        self.state = EmulatorState(token, self.bot_user, rate_limits, clock)
        self.api = BotApi(
            self.state, strict_ampersand=strict_ampersand, callback_timeout=callback_timeout
        )
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.state_path = Path(state_path) if state_path is not None else None
        self.restored = self.state_path is not None and persist.load(self.state, self.state_path)
        self._saver: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self.state.closing = False
        # A short shutdown grace: long polls and injected delays end themselves on stop().
        self._runner = web.AppRunner(build_app(self), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        if self.state_path is not None:
            self._saver = asyncio.create_task(self._keep_saved(), name="emulator-saver")

    async def stop(self) -> None:
        self.state.closing = True
        self.state.pulse.fire()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._saver is not None:
            self._saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._saver
            self._saver = None
        self.save()

    def save(self) -> None:
        """Write the state to ``state_path`` now (a no-op without one)."""
        if self.state_path is not None:
            persist.save(self.state, self.state_path)

    async def _keep_saved(self) -> None:
        while not self.state.closing:
            await self.state.pulse.wait(3600.0)
            await asyncio.sleep(SAVE_INTERVAL)  # let the rest of a burst land first
            self.save()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def stats(self) -> Stats:
        return self.state.stats

    @property
    def commands(self) -> dict[tuple[str, str], list[JSON]]:
        """Last setMyCommands per ``(scope key, language_code)``; see ``botapi.scope_key``."""
        return self.state.commands

    # --- people and chats ------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fa",
        persona: str | None = None,
        phone_number: str | None = None,
        started: bool = True,
    ) -> User:
        """Add a user and their private chat (id == user id).

        ``started=False``: the user never opened the bot, so it gets 403 until they write.
        A user restored from ``state_path`` keeps their chat and its history.
        """
        user = User(
            user_id, first_name, last_name, username, language_code, persona=persona,
            phone_number=phone_number or f"98912{user_id % 10_000_000:07d}",
        )  # fmt: skip
        self.state.users[user_id] = user
        chat = self.state.chats.get(user_id)
        if chat is not None and chat.type == "private" and self.state_path is not None:
            chat.user = user
        else:
            self.state.chats[user_id] = Chat(user_id, "private", user=user, started=started)
        return user

    def add_new_person(self, *, language_code: str = "fa") -> User:
        """A person who has never written to the bot, with an id nobody had before."""
        taken = [uid for uid in self.state.users if uid >= NEW_PERSON_FIRST_ID]
        user_id = max(taken, default=NEW_PERSON_FIRST_ID - 1) + 1
        number = str(user_id - NEW_PERSON_FIRST_ID + 1).translate(_PERSIAN_DIGITS)
        return self.add_user(
            user_id, f"تازه‌وارد {number}", language_code=language_code,
            persona=NEW_PERSON_LABEL, started=False,
        )  # fmt: skip

    def add_group(
        self,
        chat_id: int,
        title: str,
        members: list[int] | tuple[int, ...] = (),
        *,
        chat_type: ChatType | None = None,
    ) -> Chat:
        kind: ChatType = chat_type or ("supergroup" if str(chat_id).startswith("-100") else "group")
        chat = Chat(chat_id, kind, title=title, members=set(members))
        self.state.chats[chat_id] = chat
        return chat

    def user(self, user_id: int) -> User:
        return self.state.users[user_id]

    def chat(self, chat_id: int) -> Chat:
        return self.state.chats[chat_id]

    def personas(self) -> list[User]:
        return list(self.state.users.values())

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends get 403 and the bot gets a my_chat_member update."""
        self.chat(user_id).blocked = True
        if notify:
            self._member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        self.chat(user_id).blocked = False
        if notify:
            self._member_update(user_id, "kicked", "member")

    def delete_chat(self, chat_id: int, *, deactivated: bool = False) -> None:
        """Make a chat vanish (400 chat not found) or its user deleted (403 deactivated)."""
        chat = self.chat(chat_id)
        chat.deactivated = deactivated
        chat.deleted = not deactivated

    def kick_bot(self, chat_id: int) -> None:
        self.chat(chat_id).bot_kicked = True

    def _member_update(self, user_id: int, old: str, new: str) -> None:
        user, chat = self.user(user_id), self.chat(user_id)
        bot = self.bot_user.to_json()
        self.state.push_update(
            "my_chat_member",
            {
                "chat": chat.to_json(),
                "from": user.to_json(),
                "date": self.state.now(),
                "old_chat_member": {"status": old, "user": bot},
                "new_chat_member": {"status": new, "user": bot, **(
                    {"until_date": 0} if new == "kicked" else {})},
            },
        )  # fmt: skip

    # --- fault injection -------------------------------------------------------------

    def fail_method(
        self,
        method: str,
        status: int = 500,
        *,
        times: int | None = None,
        duration: float | None = None,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> Fault:
        """Fail ``method`` ("*" = all) with ``status``; forever unless times/duration given;
        with ``chat_id``, only the calls addressed to that chat."""
        until = None if duration is None else self.state.clock() + duration
        fault = Fault(
            method.lower(), status, description, retry_after, times=times, until=until,
            chat_id=chat_id,
        )  # fmt: skip
        return self.state.faults.add(fault, delay=False)

    def delay_method(
        self, method: str, seconds: float, *, times: int | None = None,
        duration: float | None = None, chat_id: int | None = None,
    ) -> Fault:  # fmt: skip
        """Hold ``method`` for ``seconds`` before handling it; it still takes effect after,
        as a real request does even when the client has given up on it. With ``chat_id``,
        only the calls addressed to that chat."""
        until = None if duration is None else self.state.clock() + duration
        fault = Fault(method.lower(), delay=seconds, times=times, until=until, chat_id=chat_id)
        return self.state.faults.add(fault, delay=True)

    def fill_flood_window(self, chat_id: int) -> None:
        """Use up the chat's flood allowance now, as if the bot had just sent it its limit:
        its next message gets 429 until the emulator's clock has moved past the window."""
        limiter = self.state.limiter
        if limiter is None:
            raise RuntimeError("this emulator has no flood control (rate_limits=None)")
        limiter.fill(chat_id, self.state.chats[chat_id].type)

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def redeliver(self, update_id: int) -> JSON:
        """Deliver an update again, as Telegram may: the next getUpdates returns a copy of
        it (once) even if the bot already confirmed it."""
        update = dict(self.state.history[update_id])
        self.state.redeliveries.append(update)
        self.state.pulse.fire()
        return update

    def update_ids(self, kind: str | None = None) -> list[int]:
        """Ids of every update queued so far (optionally of one kind, e.g. "callback_query")."""
        return [i for i, u in self.state.history.items() if kind is None or kind in u]

    def take_updates(self) -> list[JSON]:
        """Remove and return the queued updates (to post them to a webhook by hand)."""
        taken, self.state.updates = self.state.updates, []
        return taken

    # --- users acting ----------------------------------------------------------------

    def _user_chat(self, user_id: int, chat_id: int | None) -> tuple[User, Chat]:
        user = self.user(user_id)
        chat = self.chat(user_id if chat_id is None else chat_id)
        if chat.type == "private":
            chat.started = True
            if chat.blocked:
                self.unblock(user_id)  # writing to a bot you blocked means pressing Restart
        else:
            chat.members.add(user_id)
        return user, chat

    def _user_message(
        self, user_id: int, chat_id: int | None, *, update_type: str = "message", **fields: Any
    ) -> SentMessage:
        user, chat = self._user_chat(user_id, chat_id)
        message = self.state.add_message(chat, from_bot=False, sender=user, **fields)
        chat.mark = chat.seq  # wait_for_message's default: replies to this action
        self.state.push_update(update_type, message.to_json())
        return message

    async def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None,
        reply_to: SentMessage | int | None = None,
    ) -> SentMessage:  # fmt: skip
        """The user writes ``text``; "/cmd arg" gets a bot_command entity as on Telegram."""
        reply = self._lookup_reply(user_id, chat_id, reply_to)
        return self._user_message(
            user_id, chat_id, text=text, entities=_detect_entities(text), reply_to=reply
        )

    def _lookup_reply(
        self, user_id: int, chat_id: int | None, reply_to: SentMessage | int | None
    ) -> SentMessage | None:
        if reply_to is None or isinstance(reply_to, SentMessage):
            return reply_to
        return self.chat(user_id if chat_id is None else chat_id).messages[reply_to]

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        *,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        chat_id: int | None = None,
    ) -> SentMessage:
        """Send a contact card; ``contact_user_id=None`` means someone else's number."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name or "Contact"}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._user_message(user_id, chat_id, kind="contact", extra={"contact": contact})

    async def share_contact(self, user_id: int) -> SentMessage:
        """What a request_contact keyboard button sends: the user's own number and id."""
        user = self.user(user_id)
        return await self.send_contact(
            user_id, user.phone_number or "", contact_user_id=user_id,
            first_name=user.first_name, last_name=user.last_name,
        )  # fmt: skip

    async def send_photo(
        self, user_id: int, data: bytes, *, caption: str | None = None,
        chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        sizes = self.state.files.add_photo(data, image_size(data) or (1280, 960))
        return self._user_message(
            user_id, chat_id, kind="photo", photo=sizes, text=caption or "",
            entities=_detect_entities(caption or ""),
        )  # fmt: skip

    async def send_document(
        self, user_id: int, data: bytes, file_name: str,
        mime_type: str | None = None, *, caption: str | None = None,
        chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        stored = self.state.files.add_document(data, file_name, mime_type)
        return self._user_message(
            user_id, chat_id, kind="document", document=stored, text=caption or ""
        )

    async def send_sticker(
        self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None
    ) -> SentMessage:
        stored = self.state.files.add_other("sticker", b"RIFF\x00\x00\x00\x00WEBP", "image/webp")
        sticker = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "type": "regular", "width": 512, "height": 512, "is_animated": False,
            "is_video": False, "emoji": emoji, "file_size": len(stored.data),
        }  # fmt: skip
        return self._user_message(user_id, chat_id, kind="sticker", extra={"sticker": sticker})

    async def send_voice(
        self, user_id: int, data: bytes = b"OggS\x00fake-voice", *, duration: int = 2,
        chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        stored = self.state.files.add_other("voice", data, "audio/ogg")
        voice = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "duration": duration, "mime_type": "audio/ogg", "file_size": len(data),
        }  # fmt: skip
        return self._user_message(user_id, chat_id, kind="voice", extra={"voice": voice})

    async def send_video(
        self, user_id: int, data: bytes = b"\x00\x00\x00\x18ftypmp42fake-video", *,
        duration: int = 3, caption: str | None = None, chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        stored = self.state.files.add_other("video", data, "video/mp4")
        video = stored.video_json("video", duration)
        return self._user_message(
            user_id, chat_id, kind="video", text=caption or "", extra={"video": video}
        )

    async def send_video_note(
        self, user_id: int, data: bytes = b"\x00\x00\x00\x18ftypmp42fake-note", *,
        chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        """A round video message (no caption: Telegram has none for them)."""
        stored = self.state.files.add_other("video_note", data, "video/mp4")
        note = stored.video_json("video_note")
        return self._user_message(user_id, chat_id, kind="video_note", extra={"video_note": note})

    async def send_animation(
        self, user_id: int, data: bytes = b"\x00\x00\x00\x18ftypmp42fake-gif", *,
        caption: str | None = None, chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        """A GIF: as Telegram does, the message carries it as a document too."""
        stored = self.state.files.add_other("animation", data, "video/mp4")
        extra = {
            "animation": stored.video_json("animation"),
            "document": {**stored.document_json(), "file_name": "animation.mp4"},
        }
        return self._user_message(
            user_id, chat_id, kind="animation", text=caption or "", extra=extra
        )

    async def send_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> SentMessage:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(user_id, chat_id, kind="location", extra={"location": location})

    async def send_forwarded(
        self, user_id: int, text: str, *, origin_user_id: int | None = None,
        origin_name: str = "Hidden", chat_id: int | None = None,
    ) -> SentMessage:  # fmt: skip
        """A message the user forwarded from someone (a known user, or a hidden one)."""
        origin: JSON
        if origin_user_id is not None and origin_user_id in self.state.users:
            origin = {"type": "user", "sender_user": self.user(origin_user_id).to_json()}
        else:
            origin = {"type": "hidden_user", "sender_user_name": origin_name}
        origin["date"] = self.state.now() - 60
        return self._user_message(
            user_id, chat_id, text=text, entities=_detect_entities(text),
            extra={"forward_origin": origin},
        )  # fmt: skip

    async def edit_text(
        self, user_id: int, message_id: int, new_text: str, *, chat_id: int | None = None
    ) -> SentMessage:
        """The user edits their own message: the bot gets an ``edited_message`` update."""
        user, chat = self._user_chat(user_id, chat_id)
        message = chat.messages[message_id]
        if message.from_bot or message.sender["id"] != user.id:
            raise ValueError("users can only edit their own messages")
        message.text = new_text
        message.entities = _detect_entities(new_text)
        message.edit_date = self.state.now()
        self.state.record_event(chat, "edit", message)
        chat.mark = chat.seq
        self.state.push_update("edited_message", message.to_json())
        return message

    async def press(
        self, user_id: int, message: SentMessage | int, button: str, *,
        chat_id: int | None = None,
    ) -> CallbackQuery:  # fmt: skip
        """Press the inline button whose callback_data or text is ``button``."""
        if isinstance(message, int):
            message = self.chat(user_id if chat_id is None else chat_id).messages[message]
        if message.deleted:
            raise LookupError(f"message {message.message_id} was deleted")
        found = message.find_button(button)
        if found is None:
            raise LookupError(f"no button {button!r} on message; buttons: {message.buttons}")
        if "callback_data" not in found:
            raise ValueError(f"button {button!r} is not a callback button: {found}")
        return await self.press_raw(
            user_id, message.chat_id, message.message_id, found["callback_data"]
        )

    async def press_raw(
        self, user_id: int, chat_id: int, message_id: int, callback_data: str
    ) -> CallbackQuery:
        """Forge a callback query with any data, e.g. stale or tampered buttons."""
        user, chat = self._user_chat(user_id, chat_id)
        message = chat.messages.get(message_id)
        query = CallbackQuery(
            self.state.new_query_id(), user_id, chat.id, message_id, callback_data,
            created=self.state.clock(),
        )  # fmt: skip
        self.state.callback_queries[query.id] = query
        payload: JSON = {
            "id": query.id,
            "from": user.to_json(),
            "chat_instance": str(abs(chat.id) * 7919 + 104729),
            "data": callback_data,
        }
        if message is not None and not message.deleted:
            payload["message"] = message.to_json()
        else:
            # Telegram sends an InaccessibleMessage for messages the bot can't see any more.
            payload["message"] = {"chat": chat.to_json(), "message_id": message_id, "date": 0}
        chat.mark = chat.seq
        self.state.push_update("callback_query", payload)
        return query

    def current_reply_keyboard(self, chat_id: int) -> list[list[JSON]] | None:
        """The reply keyboard the user currently sees (the latest one the bot set)."""
        for message in reversed(list(self.chat(chat_id).messages.values())):
            markup = message.reply_markup or {}
            if message.from_bot and "remove_keyboard" in markup:
                return None
            if message.from_bot and "keyboard" in markup:
                return message.reply_keyboard
        return None

    async def press_reply(
        self, user_id: int, text: str, *, chat_id: int | None = None
    ) -> SentMessage:
        """Tap a reply-keyboard button: request_contact shares the user's own contact."""
        for row in self.current_reply_keyboard(user_id if chat_id is None else chat_id) or []:
            for button in row:
                if button.get("text") == text and button.get("request_contact"):
                    return await self.share_contact(user_id)
        return await self.send_text(user_id, text, chat_id=chat_id)

    # --- observing the bot -----------------------------------------------------------

    def messages(
        self, chat_id: int, *, include_user: bool = False, include_deleted: bool = True
    ) -> list[SentMessage]:
        """What the bot sent to the chat, in order, in its current (edited) state."""
        return [
            m
            for m in self.chat(chat_id).messages.values()
            if (m.from_bot or include_user) and (include_deleted or not m.deleted)
        ]

    def last_message(self, chat_id: int) -> SentMessage:
        bot_messages = self.messages(chat_id, include_deleted=False)
        if not bot_messages:
            raise LookupError(f"the bot has sent nothing to chat {chat_id}")
        return bot_messages[-1]

    def cursor(self, chat_id: int) -> int:
        """A position in the chat's event log, for ``wait_for_message(after=...)``."""
        return self.chat(chat_id).seq

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Predicate | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline on emulator state, not I/O
        after: int | SentMessage | None = None,
    ) -> SentMessage:
        """Wait for a bot message or edit in the chat (a keyboard taken off alone is passed
        over), later than ``after``, matching ``predicate``.

        ``after``: a ``cursor()`` value, a message (events after it was sent), or None for
        "since the user's last action in this chat, or the last message this returned", so
        successive calls walk through the replies one by one.
        """
        chat = self.chat(chat_id)
        start = (
            after.created_seq if isinstance(after, SentMessage)
            else chat.mark if after is None else after
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for event in chat.events[start:]:
                message = event.message
                if (
                    event.kind in ("new", "edit")
                    and message.from_bot
                    and not message.deleted
                    and (predicate is None or predicate(message))
                ):
                    if after is None:
                        chat.mark = event.seq
                    return message
            start = max(start, len(chat.events))
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [m.text[:80] for m in self.messages(chat_id)[-5:]]
                raise TimeoutError(
                    f"no matching bot message in chat {chat_id} within {timeout}s; "
                    f"last bot messages: {recent}"
                )
            await self.state.pulse.wait(remaining)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline on emulator state, not I/O
    ) -> None:
        """Wait until ``condition()`` holds, re-checking whenever the emulator changes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            # Also re-check periodically: conditions may depend on things we don't see.
            await self.state.pulse.wait(min(remaining, 0.05))

    async def wait_for_answer(
        self,
        query: CallbackQuery,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline on emulator state, not I/O
    ) -> CallbackAnswer:
        await self.wait_until(lambda: query.answer is not None, timeout=timeout)
        assert query.answer is not None
        return query.answer

    def callback_answers(self, user_id: int) -> list[CallbackAnswer]:
        return list(self.state.answers.get(user_id, []))

    def chat_actions(self, chat_id: int) -> list[str]:
        return list(self.chat(chat_id).chat_actions)

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates' offset."""
        return list(self.state.updates)

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.state.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data
