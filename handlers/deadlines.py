"""The scheduled deadline check: a JobQueue job that only calls the workflow service.

The logic (overdue, one reminder, escalation after the grace period) lives in
`WorkflowService.run_deadlines(now)`, which tests drive with a ManualClock.
"""

from __future__ import annotations

import logging

from bot.context import RounaqApp, RounaqContext
from bot.settings import Settings
from handlers.notify import deliver

log = logging.getLogger(__name__)

JOB_NAME = "deadlines"


async def check_deadlines(context: RounaqContext) -> None:
    services = context.services
    notices = await services.workflow.run_deadlines(services.clock.now())
    if notices:
        delivered = await deliver(context, notices)
        log.info("deadline check: %d notices, %d messages", len(notices), delivered)


def register(application: RounaqApp) -> None:
    settings: Settings = application.bot_data["settings"]
    queue = application.job_queue
    if queue is None:  # PTB installed without the job-queue extra
        log.warning("no JobQueue: overdue reports will not be escalated automatically")
        return
    interval = settings.deadline_check_minutes * 60
    queue.run_repeating(check_deadlines, interval=interval, first=interval, name=JOB_NAME)
