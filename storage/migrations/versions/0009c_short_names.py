"""agencies: optional short names for buttons and chart labels

A full name such as «دبیرخانه ستاد تسهیل و رفع موانع تولید استان» does not fit a button;
the data set may give a short one («دبیرخانه ستاد»). Empty until the seed fills it from
the data set.

Revision ID: 0009c_short_names
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009c_short_names"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name_fa", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("short_name_en", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_column("short_name_en")
        batch_op.drop_column("short_name_fa")
