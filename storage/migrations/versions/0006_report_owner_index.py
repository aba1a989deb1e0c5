"""reports: a covering index for an owner's reports (count and newest-first pages)

Replaces ix_reports_owner_created (owner_id, created_at): with province_id and id in the
index, /myreports counts and pages an owner's reports without visiting the table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_owner_province_created",
            ["owner_id", "province_id", "created_at", "id"],
            unique=False,
        )
        batch_op.drop_index("ix_reports_owner_created")


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_owner_created", ["owner_id", "created_at"], unique=False)
        batch_op.drop_index("ix_reports_owner_province_created")
