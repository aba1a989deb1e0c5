"""python-telegram-bot persistence in the project's own database: JSON rows, never pickle.

PTB hands the persistence deep copies of user_data, chat_data, bot_data and the
conversation states; this class turns them into JSON and *stages* what changed. Nothing is
written until `commit()`, which writes every staged row, and marks done the inbox rows of
the updates whose handling produced them (bot.inbox), in one transaction. The application
commits after every update (bot.delivery.RounaqApplication), so the state a user sees is
durable before the update counts as handled; PTB's own interval and its flush on shutdown
commit whatever jobs changed in between.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Callable, MutableMapping, Sequence
from datetime import timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database
from storage.models import utcnow
from storage.repositories.botstate import BotStateRepository, StateKey
from storage.repositories.inbox import InboxRepository
from storage.repositories.outbox import OutboxRepository, Outgoing

log = logging.getLogger(__name__)

# Telegram keeps an undelivered update for 24 hours; done inbox rows older than this are
# useless.
PROCESSED_RETENTION = timedelta(hours=48)

_MISSING = object()

# PTB's own aliases live in a private module (telegram.ext._utils.types); these are the
# same shapes, spelled out.
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


def bot_id_of(token: str) -> int:
    """The bot's id is the number before the colon in its token."""
    head = token.split(":", 1)[0]
    if not head.isdigit():
        raise ValueError("a bot token starts with the bot's numeric id")
    return int(head)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_copy(value: object) -> object:
    """A copy made of JSON types only; raises TypeError/ValueError for anything else."""
    return json.loads(_dumps(value))


class RounaqBotData(dict[str, Any]):
    """bot_data whose deep copy, which PTB hands to the persistence, holds JSON values only.

    Live objects belong on the application's runtime (bot.state), never here; one put here
    by mistake is left out of the copy, with a warning.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> RounaqBotData:
        copied = RounaqBotData()
        for key, value in self.items():
            try:
                copied[key] = _json_copy(value)
            except (TypeError, ValueError):
                log.warning("bot_data[%r] is not JSON; it is not persisted", key)
        return copied

    def __copy__(self) -> RounaqBotData:
        return RounaqBotData(self)


UserData = dict[str, Any]
ChatData = dict[str, Any]


class DatabasePersistence(BasePersistence[UserData, ChatData, RounaqBotData]):
    """Conversation states, user_data, chat_data and bot_data as JSON rows of `bot_state`."""

    def __init__(
        self, database: Database | None, bot_id: int, *, update_interval: float = 5.0
    ) -> None:
        # Arbitrary callback data is not used (callback data is plain, checked strings).
        super().__init__(
            store_data=PersistenceInput(callback_data=False), update_interval=update_interval
        )
        self._database = database
        self.bot_id = bot_id
        # What the database holds (as far as this process knows) and what is waiting.
        self._written: dict[StateKey, str] = {}
        self._dirty: dict[StateKey, str | None] = {}
        self._handled: set[int] = set()
        # Notices an update produced, written with its done mark (bot.outbox).
        self._outgoing: dict[int, list[Outgoing]] = {}
        self.on_messages_committed: Callable[[], None] | None = None
        self._lock = asyncio.Lock()

    def attach(self, database: Database) -> None:
        """Use this database (the services' own, once they are built)."""
        self._database = database

    @property
    def database(self) -> Database:
        if self._database is None:
            raise RuntimeError("the persistence has no database attached yet")
        return self._database

    # --- loading at start -----------------------------------------------------------

    async def _load(self, kind: str, scope: str = "") -> dict[str, Any]:
        async with self.database.session() as session:
            rows = await BotStateRepository(session, self.bot_id).load(kind, scope)
        loaded: dict[str, Any] = {}
        for row in rows:
            self._written[row.key] = row.data
            loaded[row.key.key] = json.loads(row.data)
        return loaded

    async def get_user_data(self) -> dict[int, UserData]:
        return {int(k): v for k, v in (await self._load("user")).items()}

    async def get_chat_data(self) -> dict[int, ChatData]:
        return {int(k): v for k, v in (await self._load("chat")).items()}

    async def get_bot_data(self) -> RounaqBotData:
        stored = (await self._load("bot")).get("", {})
        return RounaqBotData(stored)

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        loaded = await self._load("conversation", name)
        return {tuple(json.loads(key)): state for key, state in loaded.items()}

    # --- staging what PTB reports as changed ----------------------------------------

    def _stage(self, key: StateKey, data: str | None) -> None:
        if self._written.get(key, None if data is None else _MISSING) == data:
            self._dirty.pop(key, None)  # back to what is stored: nothing to write
        else:
            self._dirty[key] = data

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        self._stage(StateKey("user", "", str(user_id)), _dumps(data))

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        self._stage(StateKey("chat", "", str(chat_id)), _dumps(data))

    async def update_bot_data(self, data: RounaqBotData) -> None:
        persistable = copy.deepcopy(data) if isinstance(data, RounaqBotData) else data
        self._stage(StateKey("bot", "", ""), _dumps(persistable))

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        state_key = StateKey("conversation", name, _dumps(list(key)))
        self._stage(state_key, None if new_state is None else _dumps(new_state))

    async def drop_user_data(self, user_id: int) -> None:
        self._stage(StateKey("user", "", str(user_id)), None)

    async def drop_chat_data(self, chat_id: int) -> None:
        self._stage(StateKey("chat", "", str(chat_id)), None)

    # The in-memory copy is the truth while this process runs (one process per bot).
    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        return None

    async def refresh_bot_data(self, bot_data: RounaqBotData) -> None:
        return None

    # --- writing --------------------------------------------------------------------

    def mark_handled(self, update_id: int) -> None:
        """Record, with the next commit, that this update's handling is complete."""
        self._handled.add(update_id)

    def stage_messages(self, update_id: int, messages: Sequence[Outgoing]) -> None:
        """Queue these messages with this update's done mark (in that same transaction)."""
        self._outgoing.setdefault(update_id, []).extend(messages)

    def discard_messages(self, update_id: int) -> None:
        """Forget what an attempt at this update staged: it is about to be handled again
        (and renders its notices again), or it is left for after the restart."""
        self._outgoing.pop(update_id, None)

    @property
    def pending(self) -> bool:
        return bool(self._dirty or self._handled)

    async def commit(self) -> None:
        """Write every staged change and handled-update mark, with the messages of those
        updates (bot.outbox), in one transaction.

        On failure nothing is lost from the stage: the next commit writes it.
        """
        async with self._lock:
            changes = list(self._dirty.items())
            handled = sorted(self._handled)
            if not changes and not handled:
                return
            outgoing = [(u, self._outgoing[u]) for u in handled if u in self._outgoing]
            now = utcnow()
            async with self.database.write_connection() as connection:
                await BotStateRepository(connection, self.bot_id).write(changes, now)
                await InboxRepository(connection, self.bot_id).mark_done(handled, now)
                outbox = OutboxRepository(connection, self.bot_id)
                for update_id, messages in outgoing:
                    await outbox.add(f"u:{update_id}", messages, now)
            for key, data in changes:
                if data is None:
                    self._written.pop(key, None)
                else:
                    self._written[key] = data
                # A newer value staged meanwhile stays for the next commit.
                if self._dirty.get(key, _MISSING) is data:
                    del self._dirty[key]
            self._handled.difference_update(handled)
            for update_id, _ in outgoing:
                self._outgoing.pop(update_id, None)
        if outgoing and self.on_messages_committed is not None:
            self.on_messages_committed()

    async def flush(self) -> None:
        await self.commit()

    async def already_handled(self, update_id: int) -> bool:
        if update_id in self._handled:
            return True
        async with self.database.session() as session:
            return await InboxRepository(session, self.bot_id).is_done(update_id)

    async def prune(self) -> int:
        """Forget inbox rows done, and outbox rows sent or dropped, long ago."""
        before = utcnow() - PROCESSED_RETENTION
        async with self.database.transaction() as session:
            pruned = await InboxRepository(session, self.bot_id).prune(before)
            return pruned + await OutboxRepository(session, self.bot_id).prune(before)
