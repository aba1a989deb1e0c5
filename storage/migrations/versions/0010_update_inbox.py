"""update_inbox: the durable inbox of received updates; replaces processed_updates

Every update is stored (raw JSON, keyed by bot and update id) before the Bot API is told it
arrived, and marked done in the transaction that commits the state its handling left.
The done mark is what processed_updates recorded, so that table goes.

Revision ID: 0010_update_inbox
Revises: 0009c_short_names
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010_update_inbox"
down_revision: str | None = "0009c_short_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "update_inbox",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_update_inbox")),
    )
    with op.batch_alter_table("update_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_update_inbox_done", ["bot_id", "done_at"], unique=False)
    # Updates handled before the upgrade were confirmed to the Bot API: none comes again
    # except after a crash, and then within seconds; their marks carry over as done rows.
    op.execute(
        "INSERT INTO update_inbox (bot_id, update_id, payload, received_at, done_at) "
        "SELECT bot_id, update_id, '{}', handled_at, handled_at FROM processed_updates"
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_updates_handled_at")
    op.drop_table("processed_updates")


def downgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_processed_updates")),
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.create_index("ix_processed_updates_handled_at", ["handled_at"], unique=False)
    op.execute(
        "INSERT INTO processed_updates (bot_id, update_id, handled_at) "
        "SELECT bot_id, update_id, done_at FROM update_inbox WHERE done_at IS NOT NULL"
    )
    with op.batch_alter_table("update_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_update_inbox_done")
    op.drop_table("update_inbox")
