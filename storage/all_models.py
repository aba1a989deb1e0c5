"""Imports every model module so `Base.metadata` is complete (Alembic, tests, copy tools).

A feature that adds tables adds its module here, one line each.
"""

from storage import (
    models,  # noqa: F401  (the core: province, users, units, reports)
    models_digest,  # noqa: F401  (the daily digest: subscriptions, delivery log)
    models_durability,  # noqa: F401  (PTB persistence, processed updates)
    models_effects,  # noqa: F401  (actions' recorded results, the deadline notice outbox)
    models_figures,  # noqa: F401  (the counters behind /stats and /loans, kept on write)
    models_loans,  # noqa: F401  (production-boom facilities)
    models_open311,  # noqa: F401  (Open311 API keys and client tokens)
    models_programs,  # noqa: F401  (the key programs, their progress and linked reports)
    models_sessions,  # noqa: F401  (HQ sessions, attendance, positions, decision follow-up)
    models_workflow,  # noqa: F401  (agency workflow, HQ agenda, invites)
)
from storage.models import Base

metadata = Base.metadata
