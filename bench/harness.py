"""Shared pieces: the emulator in this process, the bot under test in a child process, and
simulated users who act and wait for the bot's complete answer.

The bot runs as a separate process (`python -m bot run`, or the echo bot) so that its CPU
is its own, as in production, and everything crosses real HTTP through the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from emulator import BotApiEmulator, SentMessage

REPO_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "700000009:BENCH-local-emulator-token-not-secret"
ROUNAQ_COMMAND = (sys.executable, "-m", "bot", "--log-level", "WARNING", "run")
ECHO_COMMAND = (sys.executable, "-m", "bench.echo_bot")


@asynccontextmanager
async def emulator_without_limits() -> AsyncIterator[BotApiEmulator]:
    """The emulator with flood control off: the benchmarks measure the bot, not Telegram's
    limits (which the emulator's own tests cover)."""
    async with (
        BotApiEmulator(token=TOKEN, bot_username="rounaq_bench_bot", rate_limits=None) as emu,
        watching(emu),
    ):
        yield emu


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    started: float  # perf_counter() just before the process was spawned
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_rss_mb(self) -> float:
        """The process's high-water resident set (VmHWM), in MiB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8")
        except OSError:
            return float("nan")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far (from /proc/<pid>/stat)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text(encoding="utf-8")
        except OSError:
            return float("nan")
        # Fields after the command name (which may hold spaces) start at the state (3rd).
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])
        except OSError:
            return ""


def bot_environment(emu: BotApiEmulator, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_URL"))}
    env.update(
        BOT_TOKEN=emu.token,
        BOT_API_BASE_URL=emu.base_url,
        BOT_API_FILE_URL=emu.base_file_url,
        DATABASE_URL=database_url,
        PLATFORM="emulator",
        # The child runs in a temp dir; it must still import this checkout (bench/ too).
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


@asynccontextmanager
async def bot_process(
    command: Sequence[str], env: dict[str, str], *, workdir: Path | None = None
) -> AsyncIterator[BotProcess]:
    """Spawn the bot; on exit stop it as an operator would (SIGINT), then make sure."""
    own_directory = workdir is None
    directory = workdir or Path(tempfile.mkdtemp(prefix="rounaq-bench-"))
    log_path = directory / "bot.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *command, env=env, cwd=directory, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
    bot = BotProcess(process, started, log_path)
    try:
        yield bot
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        if own_directory:
            shutil.rmtree(directory, ignore_errors=True)


async def forget_handled_updates(database_url: str) -> None:
    """Before serving a kept database through a new emulator: the emulator numbers its
    updates from the same start again (Telegram never would), so the bot's record of the
    updates it handled (the offset, the handled ids) would make it skip the new ones."""
    from sqlalchemy import delete

    from storage.db import Database
    from storage.models_durability import BotState, InboxUpdate

    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            for table in (InboxUpdate, BotState):
                await connection.execute(delete(table))
    finally:
        await database.dispose()


def bot_events_since(emu: BotApiEmulator, chat_id: int, cursor: int) -> int:
    """How many bot messages and edits the chat got after ``cursor``."""
    return sum(1 for e in emu.chat(chat_id).events[cursor:] if e.message.from_bot)


class ChatWatcher:
    """Wakes only the waiters whose chat changed.

    The emulator's pulse wakes every waiting coroutine on every change; with hundreds of
    simulated owners that costs the harness more CPU than the bot under test. One task
    here listens to the pulse and sets a per-chat event for the chats that moved.
    """

    def __init__(self, emu: BotApiEmulator) -> None:
        self._emu = emu
        self._events: dict[int, asyncio.Event] = {}
        self._seen: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        pulse = self._emu.state.pulse
        while True:
            await pulse.wait(0.5)
            for chat_id, event in self._events.items():
                seq = self._emu.chat(chat_id).seq
                if seq != self._seen.get(chat_id):
                    self._seen[chat_id] = seq
                    event.set()

    async def wait(self, chat_id: int, timeout: float) -> None:  # noqa: ASYNC109
        event = self._events.setdefault(chat_id, asyncio.Event())
        event.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


_watchers: dict[int, ChatWatcher] = {}


@asynccontextmanager
async def watching(emu: BotApiEmulator) -> AsyncIterator[ChatWatcher]:
    watcher = ChatWatcher(emu)
    watcher.start()
    _watchers[id(emu)] = watcher
    try:
        yield watcher
    finally:
        _watchers.pop(id(emu), None)
        await watcher.stop()


async def wait_events(
    emu: BotApiEmulator,
    chat_id: int,
    cursor: int,
    count: int,
    timeout: float = 60.0,  # noqa: ASYNC109 -- a deadline on emulator state
) -> None:
    """Wait until the bot has answered an action completely: ``count`` messages/edits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    watcher = _watchers.get(id(emu))
    while bot_events_since(emu, chat_id, cursor) < count:
        remaining = deadline - loop.time()
        if remaining <= 0:
            recent = [m.text[:60] for m in emu.messages(chat_id)[-3:]]
            raise TimeoutError(f"chat {chat_id}: expected {count} bot events; last: {recent}")
        if watcher is not None:
            await watcher.wait(chat_id, min(remaining, 0.5))
        else:
            await emu.state.pulse.wait(remaining)


def latest_button(
    emu: BotApiEmulator, chat_id: int, prefix: str, label: str | None = None
) -> tuple[SentMessage, str]:
    """The newest bot message with a button whose data starts with ``prefix``."""
    for message in reversed(emu.messages(chat_id, include_deleted=False)):
        for row in message.buttons:
            for text, data in row:
                if data and data.startswith(prefix) and (label is None or label in text):
                    return message, data
    raise LookupError(f"chat {chat_id}: no button {prefix!r} {label or ''}")


async def wait_until_answering(
    emu: BotApiEmulator,
    user_id: int,
    timeout: float = 60.0,  # noqa: ASYNC109 -- a deadline on emulator state
) -> float:
    """Send /start until the bot answers (it is up); returns perf_counter() of the answer."""
    cursor = emu.cursor(user_id)
    await emu.send_text(user_id, "/start")
    await wait_events(emu, user_id, cursor, 1, timeout)
    return time.perf_counter()


async def bot_started(
    bot: BotProcess,
    emu: BotApiEmulator,
    user_id: int,
    timeout: float = 60.0,  # noqa: ASYNC109 -- a deadline on emulator state
    name: str = "the bot",
) -> float:
    """`wait_until_answering`, or the benchmark stops with the tail of the bot's log (a bot
    that never answers has nothing to measure)."""
    try:
        return await wait_until_answering(emu, user_id, timeout)
    except TimeoutError:
        raise SystemExit(f"{name} did not start:\n{bot.log_tail()}") from None


async def cancel_all(tasks: Sequence[asyncio.Task[object]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
