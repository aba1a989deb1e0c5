"""Saving the emulator to disk, so a restarted demo keeps its chats and its update ids.

A bot remembers the update ids it has handled (processed_updates). An emulator that started
its ids again at 100000001 after a restart had every new message skipped as handled before;
the demo page, for its part, lost every chat while the bot kept its state. Saved here: the
counters, the people, the chats with their messages and event logs, the pending updates,
the button answers and the files (contents once each, beside the JSON file).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .files import FileStore
from .models import JSON, CallbackAnswer, Chat, ChatEvent, EditRecord, SentMessage, User
from .state import EmulatorState

log = logging.getLogger(__name__)

FORMAT = 1


def files_dir(path: Path) -> Path:
    return path.with_name(path.name + ".files")


def save(state: EmulatorState, path: Path) -> None:
    """Write the state atomically (a crash mid-write leaves the previous file).

    A failed write (disk full, read-only) is logged; the emulator goes on in memory.
    """
    try:
        _save(state, path)
    except OSError as exc:
        log.warning("emulator state not saved to %s: %s", path, exc)


def _save(state: EmulatorState, path: Path) -> None:
    files, blobs = state.files.dump()
    blob_dir = files_dir(path)
    blob_dir.mkdir(parents=True, exist_ok=True)
    for digest, data in blobs.items():
        target = blob_dir / digest
        if not target.exists():
            _write_atomically(target, data)
    document = {
        "format": FORMAT,
        "next_update_id": state.next_update_id,
        "next_query_id": state.next_query_id,
        "updates": state.updates,
        "users": [asdict(user) for user in state.users.values()],
        "chats": [_chat_json(chat) for chat in state.chats.values()],
        "answers": {str(k): [asdict(a) for a in v] for k, v in state.answers.items()},
        "files": files,
    }
    _write_atomically(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))


def load(state: EmulatorState, path: Path) -> bool:
    """Restore a saved state; False (and a warning) when there is none or it is unreadable."""
    if not path.exists():
        return False
    try:
        document = json.loads(path.read_text("utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError(f"unknown format {document.get('format')!r}")
        _restore(state, document, files_dir(path))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("emulator state %s not restored (%s); starting empty", path, exc)
        return False
    return True


def _restore(state: EmulatorState, document: JSON, blob_dir: Path) -> None:
    """Everything is read first and put in place only if all of it could be read."""

    def read_blob(digest: str) -> bytes | None:
        try:
            return (blob_dir / digest).read_bytes()
        except OSError:
            return None

    files = FileStore()
    files.restore(document.get("files", {}), read_blob)
    users = {user.id: user for user in (User(**saved) for saved in document.get("users", []))}
    chats = [_chat_from_json(users, files, saved) for saved in document.get("chats", [])]
    answers = {
        int(user_id): [CallbackAnswer(**a) for a in saved]
        for user_id, saved in document.get("answers", {}).items()
    }
    next_update_id, next_query_id = int(document["next_update_id"]), int(document["next_query_id"])
    updates = list(document.get("updates", []))

    state.files = files
    state.users.update(users)
    state.chats.update({chat.id: chat for chat in chats})
    state.answers.update(answers)
    state.updates = updates
    state.next_update_id = max(state.next_update_id, next_update_id)
    state.next_query_id = max(state.next_query_id, next_query_id)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


# --- chats and messages --------------------------------------------------------------


def _chat_json(chat: Chat) -> JSON:
    return {
        "id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "user_id": chat.user.id if chat.user is not None else None,
        "members": sorted(chat.members),
        "next_message_id": chat.next_message_id,
        "messages": [_message_json(m) for m in chat.messages.values()],
        "events": [[event.kind, event.message.message_id] for event in chat.events],
        "read_seq": chat.read_seq,
        "started": chat.started,
        "blocked": chat.blocked,
        "deleted": chat.deleted,
        "deactivated": chat.deactivated,
        "bot_kicked": chat.bot_kicked,
        "menu_button": chat.menu_button,
    }


def _message_json(message: SentMessage) -> JSON:
    return {
        "message_id": message.message_id,
        "chat_id": message.chat_id,
        "date": message.date,
        "from_bot": message.from_bot,
        "sender": message.sender,
        "chat_json": message.chat_json,
        "kind": message.kind,
        "text": message.text,
        "source_text": message.source_text,
        "parse_mode": message.parse_mode,
        "entities": message.entities,
        "reply_markup": message.reply_markup,
        "photo": [size.file_id for size in message.photo] if message.photo else None,
        "document": message.document.file_id if message.document is not None else None,
        "extra": message.extra,
        "reply_to": message.reply_to.message_id if message.reply_to is not None else None,
        "edit_date": message.edit_date,
        "edits": [asdict(edit) for edit in message.edits],
        "deleted": message.deleted,
        "created_seq": message.created_seq,
        "updated_seq": message.updated_seq,
    }


def _chat_from_json(users: dict[int, User], files: FileStore, saved: JSON) -> Chat:
    user_id = saved["user_id"]
    chat = Chat(
        id=saved["id"],
        type=saved["type"],
        title=saved["title"],
        user=users.get(user_id) if user_id is not None else None,
        members=set(saved["members"]),
        next_message_id=saved["next_message_id"],
        read_seq=saved["read_seq"],
        started=saved["started"],
        blocked=saved["blocked"],
        deleted=saved["deleted"],
        deactivated=saved["deactivated"],
        bot_kicked=saved["bot_kicked"],
        menu_button=saved["menu_button"],
    )
    replies: dict[int, int] = {}
    for raw in saved["messages"]:
        message = _message_from_json(files, raw)
        chat.messages[message.message_id] = message
        if raw["reply_to"] is not None:
            replies[message.message_id] = raw["reply_to"]
    for message_id, reply_to in replies.items():
        chat.messages[message_id].reply_to = chat.messages.get(reply_to)
    for seq, (kind, message_id) in enumerate(saved["events"], start=1):
        chat.events.append(ChatEvent(seq=seq, kind=kind, message=chat.messages[message_id]))
    chat.mark = chat.seq
    return chat


def _message_from_json(files: FileStore, raw: JSON) -> SentMessage:
    fields: dict[str, Any] = {k: v for k, v in raw.items() if k not in _REFERENCES}
    photo = [files.get(i) for i in raw["photo"] or []]
    document = files.get(raw["document"]) if raw["document"] else None
    return SentMessage(
        **fields,
        photo=[p for p in photo if p is not None] or None,
        document=document,
        edits=[EditRecord(**edit) for edit in raw["edits"]],
    )


_REFERENCES = frozenset({"photo", "document", "reply_to", "edits"})
