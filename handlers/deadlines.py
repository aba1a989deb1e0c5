"""The scheduled deadline check: a JobQueue job that only calls the workflow service.

The logic (overdue, one reminder, escalation after the grace period) lives in
`WorkflowService.run_deadlines(now)`, which tests drive with a ManualClock. Its notices
go to the notice outbox in the same transaction as the deadline step; this job then renders
each for its audience into the message outbox (bot.outbox), keyed by the notice, and only
then marks it done: a crash in between renders it again, and queues nothing twice.
"""

from __future__ import annotations

import logging

from bot.context import RounaqApp, RounaqContext
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
    queued = 0
    for outbox_id, notice in await workflow.unsent_notices():
        queued += await deliver(context, [notice], key=f"notice:{outbox_id}")
        await workflow.notice_sent(outbox_id)
    if queued:
        log.info("deadline check: %d messages queued", queued)


def register(application: RounaqApp) -> None:
    settings = runtime_of(application).settings
    queue = application.job_queue
    if queue is None:  # PTB installed without the job-queue extra
        log.warning("no JobQueue: overdue reports will not be escalated automatically")
        return
    interval = settings.deadline_check_minutes * 60
    queue.run_repeating(check_deadlines, interval=interval, first=interval, name=JOB_NAME)
