"""Imports every model module so `Base.metadata` is complete (Alembic, tests, copy tools).

A feature that adds tables adds its module here, one line each.
"""

from storage import (
    models,  # noqa: F401  (the core: province, users, units, reports)
    models_durability,  # noqa: F401  (PTB persistence, processed updates)
)
from storage.models import Base

metadata = Base.metadata
