"""Imports every model module so `Base.metadata` is complete (Alembic, tests, copy tools).

A feature that adds tables adds its module here, one line each.
"""

from storage import (  # noqa: F401
    models,  # the core: province, users, units, reports
    models_loans,  # production-boom facilities
    models_programs,  # the key programs, their progress and linked reports
)
from storage.models import Base

metadata = Base.metadata
