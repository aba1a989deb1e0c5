"""Imports every model module so `Base.metadata` is complete (Alembic, tests, copy tools).

A feature that adds tables adds its module here, one line each.
"""

import storage.models_digest
import storage.models_workflow  # noqa: F401  (agency workflow, HQ agenda, invites)
from storage import models  # noqa: F401  (the core: province, users, units, reports)
from storage.models import Base

metadata = Base.metadata
