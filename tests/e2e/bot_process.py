"""The bot as a separate process (`python -m bot run`), for faults a process cannot survive."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.settings import Settings
from emulator import BotApiEmulator


class BotProcess:
    """`rounaq run` against the in-test emulator and database; its log goes to a file."""

    def __init__(self, settings: Settings, workdir: Path, *args: str, **env: str) -> None:
        self.settings = settings
        self.workdir = workdir
        self.args = args
        self.extra_env = env
        self.log = workdir / "bot.log"
        self._process: asyncio.subprocess.Process | None = None
        self.runs = 0

    def env(self) -> dict[str, str]:
        settings = self.settings
        assert settings.token is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
        env.update(
            BOT_TOKEN=settings.token,
            BOT_API_BASE_URL=settings.bot_api_base_url,
            BOT_API_FILE_URL=settings.bot_api_file_url,
            DATABASE_URL=settings.database_url,
            ADMIN_IDS=",".join(str(i) for i in sorted(settings.admin_ids)),
            SQLITE_BUSY_TIMEOUT_MS=str(settings.sqlite_busy_timeout_ms),
            **self.extra_env,
        )
        return env

    async def start(self, emulator: BotApiEmulator | None = None) -> None:
        """Start it; with the emulator, wait until it polls (it is then ready)."""
        polls = emulator.stats.calls["getUpdates"] if emulator is not None else 0
        self.runs += 1
        with self.log.open("a") as log:
            log.write(f"\n--- run {self.runs} ---\n")
            log.flush()
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", *self.args,
                cwd=self.workdir, env=self.env(), stdout=log, stderr=log,
            )  # fmt: skip
        if emulator is not None:
            await emulator.wait_until(
                lambda: emulator.stats.calls["getUpdates"] > polls or not self.alive, timeout=30
            )
            assert self.alive, self.log.read_text()[-3000:]

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def kill9(self) -> None:
        """SIGKILL: no shutdown code runs, nothing is flushed or confirmed."""
        assert self._process is not None
        self._process.send_signal(signal.SIGKILL)
        assert await self._process.wait() == -signal.SIGKILL

    async def stop(self) -> None:
        """SIGTERM, as systemd stops it: a graceful shutdown."""
        if not self.alive:
            return
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(20):
                await self._process.wait()
        except TimeoutError:
            self._process.kill()
            await self._process.wait()
            raise
