"""durability: PTB persistence (bot_state), processed updates, units.source_update_id

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bot_state",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "kind", "scope", "key", name=op.f("pk_bot_state")),
    )
    op.create_table(
        "processed_updates",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_processed_updates")),
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.create_index("ix_processed_updates_handled_at", ["handled_at"], unique=False)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_update_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("source_update_id")
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_updates_handled_at")
    op.drop_table("processed_updates")
    op.drop_table("bot_state")
