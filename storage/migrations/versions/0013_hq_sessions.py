"""HQ sessions: the session, invited agencies and attendance, its ordered items and their
outcomes, agencies' written positions, and each decision's follow-up per agency

Revision ID: 0013_hq_sessions
Revises: 0012_figure_counters
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0013_hq_sessions"
down_revision: str | None = "0012_figure_counters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hq_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=256), nullable=False),
        sa.Column("chair", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("agenda_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes_file_id", sa.String(length=256), nullable=True),
        sa.Column("minutes_file_name", sa.String(length=256), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_hq_sessions_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_sessions")),
        sa.UniqueConstraint("province_id", "number", name=op.f("uq_hq_sessions_province_id")),
    )
    with op.batch_alter_table("hq_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hq_sessions_province_id"), ["province_id"], unique=False
        )

    op.create_table(
        "hq_session_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("attendee", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_hq_session_agencies_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["hq_sessions.id"],
            name=op.f("fk_hq_session_agencies_session_id_hq_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_session_agencies")),
        sa.UniqueConstraint(
            "session_id", "agency_id", name=op.f("uq_hq_session_agencies_session_id")
        ),
    )
    with op.batch_alter_table("hq_session_agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hq_session_agencies_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "hq_session_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_hq_session_items_agenda_item_id_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_hq_session_items_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["hq_sessions.id"],
            name=op.f("fk_hq_session_items_session_id_hq_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_session_items")),
        sa.UniqueConstraint(
            "session_id", "agenda_item_id", name=op.f("uq_hq_session_items_session_id")
        ),
    )
    with op.batch_alter_table("hq_session_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hq_session_items_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hq_session_items_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "hq_item_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.BigInteger(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_hq_item_positions_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_hq_item_positions_agenda_item_id_agenda_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_item_positions")),
        sa.UniqueConstraint(
            "agenda_item_id", "agency_id", name=op.f("uq_hq_item_positions_agenda_item_id")
        ),
    )
    with op.batch_alter_table("hq_item_positions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hq_item_positions_agenda_item_id"), ["agenda_item_id"], unique=False
        )

    op.create_table(
        "hq_decision_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("upheld_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requeued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_hq_decision_followups_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_hq_decision_followups_decision_id_decisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_decision_followups")),
        sa.UniqueConstraint(
            "decision_id", "agency_id", name=op.f("uq_hq_decision_followups_decision_id")
        ),
    )
    with op.batch_alter_table("hq_decision_followups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hq_decision_followups_decision_id"), ["decision_id"], unique=False
        )


def downgrade() -> None:
    for table in (
        "hq_decision_followups",
        "hq_item_positions",
        "hq_session_items",
        "hq_session_agencies",
        "hq_sessions",
    ):
        op.drop_table(table)
