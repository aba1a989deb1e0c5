"""The Bot API methods, operating on :class:`EmulatorState`.

Each method validates like Telegram and answers with the same JSON shapes, so PTB's
``de_json`` and error mapping run exactly as they would against api.telegram.org.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from . import errors as err
from .errors import ApiError, bad_request, forbidden, too_many_requests
from .files import image_size
from .html_parse import HtmlParseError, parse_html, strip_text, utf16_len
from .markup import validate_reply_markup
from .models import JSON, CallbackAnswer, Chat, EditRecord, SentMessage, StoredFile
from .params import Params
from .state import EmulatorState

Handler = Callable[[Params], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
# Methods that put or change a message in a chat; only these consume flood-control budget.
RATE_LIMITED = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAnimation",
        "sendVideoNote", "editMessageText", "editMessageCaption",
        "editMessageReplyMarkup", "copyMessage", "forwardMessage",
    }
)  # fmt: skip
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def _inline_part(markup: JSON | None) -> JSON | None:
    return markup if markup and "inline_keyboard" in markup else None


class BotApi:
    def __init__(self, state: EmulatorState, *, strict_ampersand: bool = False,
                 callback_timeout: float = 15.0) -> None:  # fmt: skip
        self.s = state
        self.strict_ampersand = strict_ampersand
        self.callback_timeout = callback_timeout
        self._poller: object | None = None
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.log_out,
            "close": self.log_out,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendVideo": self.send_video,
            "sendAnimation": self.send_animation,
            "sendVideoNote": self.send_video_note,
            "sendChatAction": self.send_chat_action,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
        }
        # Telegram matches method names case-insensitively.
        self._by_lower = {name.lower(): name for name in self.handlers}

    # --- pipeline --------------------------------------------------------------------

    def resolve(self, method: str) -> str:
        name = self._by_lower.get(method.lower())
        if name is None:
            raise err.METHOD_NOT_FOUND
        return name

    async def call(self, method: str, params: Params) -> Any:
        name = self.resolve(method)
        stats = self.s.stats
        stats.calls[name] += 1
        try:
            chat_id = params.get_str("chat_id")
            failure = self.s.faults.failure_for(name, chat_id)
            if failure is not None:
                raise failure
            delay = self.s.faults.delay_for(name, chat_id)
            if delay:
                await self._sleep(delay)
            return await self.handlers[name](params)
        except ApiError as exc:
            # PTB's shutdown always supersedes its own abandoned long poll; that 409 goes to
            # a client that has left, so counting it would make "no errors" checks useless.
            if exc.description == err.POLL_CONFLICT:
                raise
            stats.errors[name] += 1
            stats.rejected.append((name, exc.code, exc.description))
            if exc.code == 429:
                stats.too_many_requests[name] += 1
            raise

    async def _sleep(self, seconds: float) -> None:
        # Interruptible by stop(), so a delayed request never holds up server shutdown.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.s.closing and loop.time() < deadline:
            await self.s.pulse.wait(deadline - loop.time())

    # --- shared checks ---------------------------------------------------------------

    def _chat(self, p: Params, name: str = "chat_id") -> Chat:
        raw = p.get_str(name)
        if not raw:
            raise bad_request(f"{name} is empty")
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request(err.CHAT_NOT_FOUND) from None  # e.g. "@name": no public chats here
        chat = self.s.chats.get(chat_id)
        if chat is not None and chat.deactivated:
            raise forbidden(err.USER_DEACTIVATED)
        if chat is None or chat.deleted:
            raise bad_request(err.CHAT_NOT_FOUND)
        return chat

    def _writable(self, p: Params) -> Chat:
        chat = self._chat(p)
        if chat.blocked:
            raise forbidden(err.BOT_BLOCKED)
        if chat.bot_kicked:
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise forbidden(f"bot was kicked from the {kind} chat")
        if chat.type == "private" and not chat.started:
            raise forbidden(err.CANT_INITIATE)
        return chat

    def _rate(self, chat: Chat) -> None:
        if self.s.limiter is not None:
            retry_after = self.s.limiter.acquire(chat.id, chat.type)
            if retry_after is not None:
                raise too_many_requests(retry_after)

    def _format(
        self, p: Params, key: str, *, prefix: str = "", limit: int, too_long: str, required: bool
    ) -> tuple[str, str | None, str | None, list[JSON]]:
        """Return (visible text, source, parse_mode, entities) for text or caption."""
        source = p.get_str(key)
        mode = p.get_str(f"{prefix}parse_mode")
        given = p.get_json(f"{prefix}entities" if prefix else "entities", "entities")
        if not source:
            if required:
                raise bad_request(err.MESSAGE_TEXT_EMPTY)
            return "", source, mode, []
        entities: list[JSON] = []
        if isinstance(given, list):
            entities = [e for e in given if isinstance(e, dict)]
            plain = source
        elif mode and mode.lower() == "html":
            try:
                plain, entities = parse_html(source, strict_ampersand=self.strict_ampersand)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        elif mode and mode.lower() in ("markdown", "markdownv2"):
            plain = source  # not validated: Rounaq formats with HTML only
        elif mode:
            raise bad_request("unsupported parse_mode")
        else:
            plain = source
        plain, entities = strip_text(plain, entities)
        if not plain and required:
            raise bad_request(err.MESSAGE_TEXT_EMPTY)
        if utf16_len(plain) > limit:
            raise bad_request(too_long)
        return plain, source, mode, entities

    def _markup(self, p: Params, *, inline_only: bool = False) -> JSON | None:
        raw = p.values.get("reply_markup")
        if raw == "":
            return None  # the server reads an empty parameter as no markup
        markup = p.get_json("reply_markup", "reply keyboard markup")
        if markup is None and isinstance(raw, str):
            raise bad_request("object expected as reply markup")  # the text "null"
        result = validate_reply_markup(markup, inline_only=inline_only)
        if result is None and markup is not None:
            self.s.stats.empty_markups[raw if isinstance(raw, str) else json.dumps(raw)] += 1
        return result

    def _reply_to(self, p: Params, chat: Chat) -> SentMessage | None:
        message_id = p.get_int("reply_to_message_id")
        allow = p.get_bool("allow_sending_without_reply")
        reply = p.get_json("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply", False))
        if message_id is None:
            return None
        target = chat.messages.get(int(message_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return target

    def _bot_message(self, chat: Chat, **fields: Any) -> SentMessage:
        return self.s.add_message(chat, from_bot=True, sender=self.s.bot, **fields)

    # --- identity, polling, webhook --------------------------------------------------

    async def get_me(self, p: Params) -> Any:
        return {
            **self.s.bot.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def log_out(self, p: Params) -> Any:
        return True

    async def get_updates(self, p: Params) -> Any:
        s = self.s
        if s.webhook_url:
            raise ApiError(409, err.WEBHOOK_CONFLICT)
        offset = p.get_int("offset")
        limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
        timeout = max(0.0, p.get_float("timeout", 0.0))
        allowed = p.get_json("allowed_updates")
        if isinstance(allowed, list):
            s.allowed_updates = [str(kind) for kind in allowed]
        if offset is not None and offset > 0:
            # Everything before offset is confirmed and gone for good.
            s.updates = [u for u in s.updates if u["update_id"] >= offset]
        elif offset is not None and offset < 0:
            s.updates = s.updates[offset:]
        ticket = object()
        self._poller = ticket
        s.pulse.fire()  # a still-waiting older poll must now end with 409, as on Telegram
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if self._poller is not ticket:
                    raise ApiError(409, err.POLL_CONFLICT)
                batch = (s.redeliveries + s.updates)[:limit]
                remaining = deadline - loop.time()
                if batch or s.closing or remaining <= 0:
                    # A redelivered copy is sent once; the offset does not confirm it.
                    del s.redeliveries[: min(len(s.redeliveries), len(batch))]
                    return batch
                await s.pulse.wait(remaining)
        finally:
            if self._poller is ticket:
                self._poller = None

    async def set_webhook(self, p: Params) -> Any:
        url = p.get_str("url") or ""
        if url and not url.lower().startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if p.get_bool("drop_pending_updates"):
            self.s.updates.clear()
        self.s.webhook_url = url or None
        return True

    async def delete_webhook(self, p: Params) -> Any:
        if p.get_bool("drop_pending_updates"):
            self.s.updates.clear()
        self.s.webhook_url = None
        return True

    async def get_webhook_info(self, p: Params) -> Any:
        info: JSON = {
            "url": self.s.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.s.updates),
        }
        if self.s.allowed_updates:
            info["allowed_updates"] = self.s.allowed_updates
        return info

    # --- sending ---------------------------------------------------------------------

    async def send_message(self, p: Params) -> Any:
        chat = self._writable(p)
        text, source, mode, entities = self._format(
            p, "text", limit=MAX_TEXT, too_long=err.MESSAGE_TOO_LONG, required=True
        )
        markup = self._markup(p)
        reply_to = self._reply_to(p, chat)
        self._rate(chat)
        message = self._bot_message(
            chat, kind="text", text=text, source_text=source, parse_mode=mode,
            entities=entities, reply_markup=markup, reply_to=reply_to,
        )  # fmt: skip
        return message.to_json()

    def _caption(self, p: Params) -> tuple[str, str | None, str | None, list[JSON]]:
        return self._format(
            p, "caption", prefix="", limit=MAX_CAPTION, too_long=err.CAPTION_TOO_LONG,
            required=False,
        )  # fmt: skip

    def _reuse(self, p: Params, kind: str) -> StoredFile:
        """The stored file that the parameter `kind` names by its file_id (a file sent before)."""
        ref = p.get_str(kind)
        if not ref:
            raise bad_request(f"there is no {kind} in the request")
        if ref.lower().startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")  # no network here
        stored = self.s.files.get(ref)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return stored

    async def send_photo(self, p: Params) -> Any:
        chat = self._writable(p)
        upload = p.get_file("photo")
        if upload is None:
            sizes = self.s.files.photo_set(self._reuse(p, "photo").file_id)
            return self._send_file(p, chat, "photo", lambda: sizes)
        size = image_size(upload.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        if len(upload.data) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self._send_file(p, chat, "photo", lambda: self.s.files.add_photo(upload.data, size))

    async def send_document(self, p: Params) -> Any:
        chat = self._writable(p)
        upload = p.get_file("document")
        if upload is None:
            stored = self._reuse(p, "document")
            return self._send_file(p, chat, "document", lambda: stored)
        if len(upload.data) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        if not upload.data:
            raise bad_request("file must be non-empty")
        return self._send_file(
            p,
            chat,
            "document",
            lambda: self.s.files.add_document(upload.data, upload.filename, upload.content_type),
        )

    async def send_video(self, p: Params) -> Any:
        return self._send_media(p, "video")

    async def send_animation(self, p: Params) -> Any:
        return self._send_media(p, "animation")

    async def send_video_note(self, p: Params) -> Any:
        return self._send_media(p, "video_note")

    def _send_media(self, p: Params, kind: str) -> Any:
        """A video, animation or video note sent again by its file_id (one a user sent):
        the bot never uploads one here. A video note has no caption."""
        chat = self._writable(p)
        stored = self._reuse(p, kind)
        if kind == "video_note" and p.get_str("caption"):
            raise bad_request("video notes can't have a caption")
        return self._send_file(p, chat, kind, lambda: stored.video_json(kind), extra=True)

    def _send_file(
        self, p: Params, chat: Chat, kind: str, store: Callable[[], object], *, extra: bool = False
    ) -> Any:
        """A photo, document or video message with its caption. The caption, markup, reply
        and the chat's rate are checked before `store` keeps a new upload, so a refused send
        leaves no file behind. `extra`: the file is the message's JSON (a video's), not a
        field of its own."""
        text, source, mode, entities = self._caption(p)
        markup = self._markup(p)
        reply_to = self._reply_to(p, chat)
        self._rate(chat)
        file = {"extra": {kind: store()}} if extra else {kind: store()}
        message = self._bot_message(
            chat, kind=kind, text=text, source_text=source, parse_mode=mode,
            entities=entities, reply_markup=markup, reply_to=reply_to, **file,
        )  # fmt: skip
        return message.to_json()

    async def send_chat_action(self, p: Params) -> Any:
        chat = self._writable(p)
        action = p.get_str("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_actions.append(action)
        return True

    async def copy_message(self, p: Params) -> Any:
        message = await self._copy(p, forward=False)
        return {"message_id": message.message_id}

    async def forward_message(self, p: Params) -> Any:
        return (await self._copy(p, forward=True)).to_json()

    async def _copy(self, p: Params, *, forward: bool) -> SentMessage:
        chat = self._writable(p)
        source_chat = self._chat(p, "from_chat_id")
        what = "forward" if forward else "copy"
        message_id = p.req_int("message_id", "message identifier is not specified")
        source = source_chat.messages.get(message_id)
        if source is None or source.deleted:
            raise bad_request(f"message to {what} not found")
        text, source_text = source.text, source.source_text
        mode, entities = source.parse_mode, source.entities
        if not forward and p.has("caption"):
            text, source_text, mode, entities = self._caption(p)
        markup = None if forward else self._markup(p)
        self._rate(chat)
        extra = {k: v for k, v in source.extra.items() if k != "forward_origin"}
        if forward:
            extra["forward_origin"] = {
                "type": "user", "sender_user": source.sender, "date": source.date,
            }  # fmt: skip
        return self._bot_message(
            chat, kind=source.kind, text=text, source_text=source_text, parse_mode=mode,
            entities=list(entities), reply_markup=markup, photo=source.photo,
            document=source.document, extra=extra,
        )  # fmt: skip

    # --- editing and deleting --------------------------------------------------------

    def _editable(self, p: Params) -> tuple[Chat, SentMessage]:
        if p.get_str("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
        chat = self._writable(p)
        message_id = p.req_int("message_id", "message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request(err.MESSAGE_TO_EDIT_NOT_FOUND)
        if not message.from_bot:
            raise bad_request(err.MESSAGE_CANT_BE_EDITED)
        return chat, message

    def _apply_edit(
        self,
        chat: Chat,
        message: SentMessage,
        body: tuple[str, str | None, str | None, list[JSON]] | None,
        markup: JSON | None,
    ) -> Any:
        text, source, mode, entities = body or (
            message.text,
            message.source_text,
            message.parse_mode,
            message.entities,
        )
        if (text, entities, markup) == (
            message.text, message.entities, _inline_part(message.reply_markup)
        ):  # fmt: skip
            raise bad_request(err.MESSAGE_NOT_MODIFIED)
        self._rate(chat)
        message.edits.append(
            EditRecord(message.edit_date or message.date, message.text, message.source_text,
                       message.entities, message.reply_markup)
        )  # fmt: skip
        message.text, message.source_text, message.parse_mode = text, source, mode
        message.entities = entities
        # Leaving reply_markup out of an edit removes the inline keyboard, as on Telegram.
        message.reply_markup = markup
        message.edit_date = self.s.now()
        # Buttons taken off alone (a step answered) are no news a client shows: "markup".
        removed = body is None and not (markup or {}).get("inline_keyboard")
        self.s.record_event(chat, "markup" if removed else "edit", message)
        return message.to_json()

    async def edit_message_text(self, p: Params) -> Any:
        chat, message = self._editable(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        body = self._format(p, "text", limit=MAX_TEXT, too_long=err.MESSAGE_TOO_LONG, required=True)
        return self._apply_edit(chat, message, body, self._markup(p, inline_only=True))

    async def edit_message_caption(self, p: Params) -> Any:
        chat, message = self._editable(p)
        if message.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        body = self._caption(p)
        return self._apply_edit(chat, message, body, self._markup(p, inline_only=True))

    async def edit_message_reply_markup(self, p: Params) -> Any:
        chat, message = self._editable(p)
        return self._apply_edit(chat, message, None, self._markup(p, inline_only=True))

    async def delete_message(self, p: Params) -> Any:
        chat = self._chat(p)
        message = chat.messages.get(p.req_int("message_id", "message identifier is not specified"))
        if message is None or message.deleted:
            raise bad_request(err.MESSAGE_TO_DELETE_NOT_FOUND)
        message.deleted = True
        self.s.record_event(chat, "delete", message)
        return True

    # --- callbacks, files, commands, chats -------------------------------------------

    async def answer_callback_query(self, p: Params) -> Any:
        query = self.s.callback_queries.get(p.get_str("callback_query_id") or "")
        if (
            query is None
            or query.answer is not None
            or self.s.clock() - query.created > self.callback_timeout
        ):
            raise bad_request(err.QUERY_TOO_OLD)
        text = p.get_str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = CallbackAnswer(query.id, text, p.get_bool("show_alert"), p.get_str("url"))
        self.s.answers.setdefault(query.user_id, []).append(query.answer)
        self.s.pulse.fire()
        return True

    async def get_file(self, p: Params) -> Any:
        stored = self.s.files.get(p.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return stored.file_json()

    def _scope_key(self, p: Params) -> tuple[str, str]:
        scope = p.get_json("scope", "scope")
        language = p.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return scope_key(scope), language

    async def set_my_commands(self, p: Params) -> Any:
        commands = p.get_json("commands", "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(str(name)):
                raise bad_request("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
        key = self._scope_key(p)
        if commands:
            self.s.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.s.commands.pop(key, None)
        return True

    async def get_my_commands(self, p: Params) -> Any:
        return self.s.commands.get(self._scope_key(p), [])

    async def delete_my_commands(self, p: Params) -> Any:
        self.s.commands.pop(self._scope_key(p), None)
        return True

    async def set_chat_menu_button(self, p: Params) -> Any:
        button = p.get_json("menu_button", "menu button") or {"type": "default"}
        kinds = ("default", "commands", "web_app")
        if not isinstance(button, dict) or button.get("type") not in kinds:
            raise bad_request("can't parse menu button JSON object")
        if p.has("chat_id"):
            self._chat(p).menu_button = button
        else:
            self.s.default_menu_button = button
        return True

    async def get_chat_menu_button(self, p: Params) -> Any:
        if p.has("chat_id"):
            button = self._chat(p).menu_button
            if button is not None:
                return button
        return self.s.default_menu_button

    async def get_chat(self, p: Params) -> Any:
        chat = self._chat(p)
        return {
            **chat.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                "premium_subscription": False, "gifts_from_channels": False,
            },
        }  # fmt: skip

    async def get_chat_member(self, p: Params) -> Any:
        chat = self._chat(p)
        user_id = p.req_int("user_id", "user_id is empty")
        if user_id == self.s.bot.id:
            return {"status": "member", "user": self.s.bot.to_json()}
        user = self.s.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        present = (chat.type == "private" and chat.id == user_id) or user_id in chat.members
        return {"status": "member" if present else "left", "user": user.to_json()}


def scope_key(scope: Any) -> str:
    """A stable key for a BotCommandScope: "default", "chat:<id>", "chat_member:<id>:<uid>"."""
    if not isinstance(scope, dict):
        return "default"
    kind = str(scope.get("type", "default"))
    if kind in ("chat", "chat_administrators"):
        return f"{kind}:{scope.get('chat_id')}"
    if kind == "chat_member":
        return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    return kind
