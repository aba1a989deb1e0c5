"""The scheduled deadline check: a JobQueue job that only calls the workflow service.

The logic (overdue, one reminder, escalation after the grace period) lives in
`WorkflowService.run_deadlines(now)`, which tests drive with a ManualClock. Its notices
go to an outbox in the same transaction as the deadline step; this job then delivers the
outbox, marking each notice sent only once delivered. A send that fails for a moment
(429, a timeout, a 5xx) leaves the notice, and every later one, for the next run.
"""

from __future__ import annotations

import logging

from bot.context import RounaqApp, RounaqContext
from bot.delivery import is_transient
from bot.state import runtime_of
from handlers.notify import deliver

log = logging.getLogger(__name__)

JOB_NAME = "deadlines"


async def check_deadlines(context: RounaqContext) -> None:
    services = context.services
    workflow = services.workflow
    now = services.clock.now()
    await workflow.run_deadlines(now)
    # HQ decisions: one reminder before the deadline, the overdue mark after it; each
    # mark is written with its notices in the outbox, delivered below with the rest.
    await services.followups.run(now)
    sent = 0
    for outbox_id, notice in await workflow.unsent_notices():
        try:
            sent += await deliver(context, [notice])
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("deadline notices: delivery paused until the next run (%s)", exc)
            return
        await workflow.notice_sent(outbox_id)
    if sent:
        log.info("deadline check: %d messages delivered", sent)


def register(application: RounaqApp) -> None:
    settings = runtime_of(application).settings
    queue = application.job_queue
    if queue is None:  # PTB installed without the job-queue extra
        log.warning("no JobQueue: overdue reports will not be escalated automatically")
        return
    interval = settings.deadline_check_minutes * 60
    queue.run_repeating(check_deadlines, interval=interval, first=interval, name=JOB_NAME)
