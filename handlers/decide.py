"""Recording the HQ's decision on an agenda item: its text, the agencies it names, and
the implementation deadline.

The text is asked for (a prompt); the draft waits in user_data between the buttons and
goes only once the decision is recorded, so a retry finds it (the service knows the
update and returns the decision it recorded). Declared in handlers/hq.py with
MANAGE_AGENDA.
"""

from __future__ import annotations

import functools
from typing import Any

from telegram import CallbackQuery, Update

from bot.buttons.hq import DEADLINE_CHOICES, AgenciesChosen, Decide, PickDeadline, ToggleAgency
from bot.context import RounaqContext
from bot.services.workflow import WorkflowError
from bot.views.common import workflow_error
from bot.views.hq import decided_text
from handlers import decision_draft
from handlers.decision_draft import DecisionDraft
from handlers.declare import stale

DECISION = DecisionDraft(
    "decision_draft", ToggleAgency, AgenciesChosen, PickDeadline, DEADLINE_CHOICES,
    gone_is_stale=True, redraw=True,
)  # fmt: skip


async def decide(
    update: Update, context: RounaqContext, query: CallbackQuery, data: Decide
) -> None:
    _, _, decision = await context.services.hq.item(context.principal, data.item_id)
    decided = None if decision is None else decision.id
    if decided is None and data.item_id in await context.services.sessions.waiting([data.item_id]):
        # Its outcome is the session's to record (/session), when it has been held; taken
        # here, the session would be left with an item it can no longer settle.
        raise WorkflowError("on_session")
    await decision_draft.ask_text(context, query, "hq_decision", decided, item=data.item_id)


async def got_decision_text(
    update: Update, context: RounaqContext, data: dict[str, Any], text: str
) -> bool:
    return await decision_draft.got_text(
        update, context, int(data.get("item", 0)), text,
        decision=DECISION, error_text=workflow_error,
    )  # fmt: skip


async def pick_deadline(
    update: Update, context: RounaqContext, query: CallbackQuery, data: PickDeadline
) -> None:
    draft = DECISION.of(context, data.item)
    if draft is None:
        await stale(query, context)
        return
    await decision_draft.record(
        update, context, query, draft, data.days, decision=DECISION,
        service=functools.partial(context.services.hq.decide, context.principal),
        told=functools.partial(decided_text, context.tr, context.fmt),
    )  # fmt: skip
