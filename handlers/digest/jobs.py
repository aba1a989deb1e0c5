"""The digest's runner and daily jobs: created at start (catching up on a missed time),
stopped at shutdown, triggered at each time a subscriber may choose."""

from __future__ import annotations

import logging

from bot.context import RounaqApp, RounaqContext
from bot.digest import schedule
from bot.digest.runner import DigestRunner
from bot.digest.service import DigestService
from bot.settings import Settings
from bot.state import runtime_of

log = logging.getLogger(__name__)


def runner_of(application: object) -> DigestRunner:
    runner = runtime_of(application).digest_runner
    if runner is None:
        raise RuntimeError("the digest runner starts with the application")
    return runner


async def _scheduled_run(context: RounaqContext) -> None:
    # The jobs fire on the wall clock. A bot on a clock that does not follow it is run by
    # whoever moves that clock: a job firing while such a clock stands elsewhere would
    # prepare at that clock's time and send digests nobody asked for.
    if not context.services.clock.follows_wall_time:
        return
    runner_of(context.application).trigger()


async def _on_start(application: RounaqApp) -> None:
    """Create the runner, then catch up: if today's digest time passed while the bot was
    down, the due rows are created now and sent; rows already sent are not sent again."""
    runtime = runtime_of(application)
    service: DigestService = runtime.services.digest
    runner = DigestRunner(application.bot, service, runtime.settings)
    runtime.digest_runner = runner
    # Awaited here, before updates flow, so the catch-up's recipients are fixed at start.
    if await service.prepare() is not None:
        runner.trigger()


async def _on_stop(application: RounaqApp) -> None:
    runner = runtime_of(application).digest_runner
    if runner is not None:
        await runner.stop()


def schedule_jobs(application: RounaqApp, settings: Settings) -> None:
    """One daily job per time a subscriber may choose, in the province's zone; each run
    sends to those whose time has come and who have no delivery row today."""
    job_queue = application.job_queue
    if job_queue is None:
        log.warning("no JobQueue (python-telegram-bot[job-queue]): the digest is manual only")
        return
    for slot in schedule.time_slots(settings.digest_time):
        at = schedule.parse_hhmm(slot).replace(tzinfo=settings.tz)
        job_queue.run_daily(_scheduled_run, time=at, name=f"digest {slot}")


def install(application: RounaqApp) -> None:
    """The runner's start and stop hooks, and the daily jobs."""
    runtime = runtime_of(application)
    runtime.start_hooks.append(_on_start)
    runtime.stop_hooks.append(_on_stop)
    schedule_jobs(application, runtime.settings)
