"""reports and report_events: indexes for the agency inbox and the digest's daily moves

ix_reports_inbox_count (province_id, agency_id, status, due_at, category_id) counts an
agency's open reports, and those past due, from the index alone; ix_reports_inbox_order
(province_id, agency_id, created_at, status, due_at, category_id) pages them newest first
without sorting them all. ix_report_events_to_status_created answers "moved to resolved
(or escalated) in the digest's period" without scanning the whole history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_inbox_count",
            ["province_id", "agency_id", "status", "due_at", "category_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_reports_inbox_order",
            ["province_id", "agency_id", "created_at", "status", "due_at", "category_id"],
            unique=False,
        )
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_events_to_status_created", ["to_status", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_index("ix_report_events_to_status_created")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_inbox_order")
        batch_op.drop_index("ix_reports_inbox_count")
