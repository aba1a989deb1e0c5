"""Open311: API keys per channel, client tokens for idempotent POSTs, a report's channel

api_keys holds a channel's keys, stored as SHA-256 hashes (a key is shown once), with its
per-minute and per-day limits and a revoked time. api_client_tokens maps a channel's token
to the report it filed, so the same POST twice files one report. reports.channel and
report_events.channel name where a report (and each step of its history) came from; NULL
is the messenger chat.

Revision ID: 0011_open311
Revises: 0010_update_inbox
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_open311"
down_revision: str | None = "0010_update_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("per_minute", sa.Integer(), nullable=False),
        sa.Column("per_day", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name="fk_api_keys_province_id_provinces"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "api_client_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name="fk_api_client_tokens_province_id_provinces"
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_keys.id"], name="fk_api_client_tokens_api_key_id_api_keys"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_api_client_tokens_report_id_reports"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_client_tokens"),
        sa.UniqueConstraint(
            "province_id", "channel", "token", name="uq_api_client_tokens_province_id"
        ),
    )
    op.create_index(
        "ix_api_client_tokens_key_created", "api_client_tokens", ["api_key_id", "created_at"]
    )
    op.create_index("ix_api_client_tokens_token", "api_client_tokens", ["token"])
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=64), nullable=True))
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_column("channel")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("channel")
    op.drop_index("ix_api_client_tokens_token", table_name="api_client_tokens")
    op.drop_index("ix_api_client_tokens_key_created", table_name="api_client_tokens")
    op.drop_table("api_client_tokens")
    op.drop_table("api_keys")
