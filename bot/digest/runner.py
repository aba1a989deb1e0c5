"""One digest broadcast at a time, in the background, stopped cleanly with the application."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date

from telegram.ext import ExtBot

from bot.background import cancel_and_wait
from bot.digest.broadcast import Broadcaster, RunStats
from bot.digest.service import DigestService
from bot.formatting import Presenter
from bot.i18n import get_translator
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunResult:
    day: date
    stats: RunStats


class DigestRunner:
    """Triggers coalesce: a trigger during a run makes the run go round once more, so
    nobody who became due meanwhile waits for tomorrow, and two runs never overlap."""

    def __init__(self, bot: ExtBot[object], service: DigestService, settings: Settings) -> None:
        self._service = service
        self._settings = settings
        self.broadcaster = Broadcaster(
            bot,
            service,
            rate=settings.digest_rate_per_second,
            retry_base=settings.digest_retry_base_seconds,
            max_attempts=settings.digest_max_attempts,
        )
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._force = False
        self.last: RunResult | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def trigger(self, *, force: bool = False) -> asyncio.Task[None]:
        """Start a run (force: everyone subscribed, whatever their time and the day)."""
        self._force |= force
        if self._task is not None and not self._task.done():
            self._again = True
            return self._task
        self._task = asyncio.create_task(self._loop(), name="digest-broadcast")
        return self._task

    async def wait(self) -> None:
        """Until the current run (if any) is over; its errors are logged, not raised."""
        if self._task is not None:
            await asyncio.wait([self._task])

    async def stop(self) -> None:
        """Cancel the run; the message in flight is recorded first (see broadcast)."""
        await cancel_and_wait(self._task)
        self._task = None

    async def _loop(self) -> None:
        while True:
            self._again = False
            force, self._force = self._force, False
            try:
                await self.run_once(force=force)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("digest: the run failed; pending deliveries wait for the next one")
                return
            if not self._again:
                return

    async def run_once(self, *, force: bool = False) -> RunStats | None:
        prepared = await self._service.prepare(force=force)
        if prepared is None:
            return None
        builder = self._service.builder(prepared.digest_day)
        stats = await self.broadcaster.deliver(builder)
        self.last = RunResult(prepared.day, stats)
        if stats.processed:
            log.info(
                "digest %s: %d sent, %d skipped, %d failed, %d blocked in %.1fs",
                prepared.day,
                stats.sent,
                stats.skipped,
                stats.failed,
                stats.blocked,
                stats.seconds,
            )
            await self._report(prepared.day, stats)
        return stats

    async def _report(self, day: date, stats: RunStats) -> None:
        """Tell the admins how the day's digest went: the day's totals, this run's time."""
        totals = await self._service.totals(day)
        for chat_id, lang in await self._service.admin_chats():
            tr, fmt = get_translator(lang), Presenter(lang=lang, tz=self._settings.tz)
            text = tr.t(
                "digest.admin_report",
                date=fmt.date(day),
                sent=totals.sent,
                skipped=totals.skipped,
                failed=totals.failed,
                blocked=totals.blocked,
                seconds=fmt.number(stats.seconds, 1),
            )
            await self.broadcaster.send_notice(chat_id, text)
