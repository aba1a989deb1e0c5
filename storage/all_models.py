"""Imports every model module so `Base.metadata` is complete (Alembic, tests, copy tools).

A feature that adds tables adds its module here, one line each.
"""

import storage.models_digest  # noqa: F401  (the daily digest: subscriptions, delivery log)
from storage import models  # noqa: F401  (the core: province, users, units, reports)
from storage.models import Base

metadata = Base.metadata
