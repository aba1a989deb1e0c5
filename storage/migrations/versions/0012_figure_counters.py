"""figure counters: the counts behind /stats and /loans, kept on write, backfilled here

report_counts (by status, category, agency, county, sector), report_created_slots (the
weekly trend), report_open_due (overdue now), report_duration_counts and
report_duration_medians (median times per agency) and loan_figures (the /loans
breakdowns). The write paths keep them in the same transaction as the rows
(storage/figures.py); this upgrade fills them from the existing rows with the same
recount, so an upgraded database shows correct figures at once.

Revision ID: 0012_figure_counters
Revises: 0011_open311
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.figures import rebuild_figures

revision: str = "0012_figure_counters"
down_revision: str | None = "0011_open311"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _province() -> sa.Column[int]:
    return sa.Column("province_id", sa.Integer(), nullable=False)


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["province_id"], ["provinces.id"], name=op.f(f"fk_{table}_province_id_provinces")
    )


def upgrade() -> None:
    op.create_table(
        "report_counts",
        _province(),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        _fk("report_counts"),
        sa.PrimaryKeyConstraint("province_id", "dimension", "key", name=op.f("pk_report_counts")),
    )
    op.create_table(
        "report_created_slots",
        _province(),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        _fk("report_created_slots"),
        sa.PrimaryKeyConstraint("province_id", "slot", name=op.f("pk_report_created_slots")),
    )
    op.create_table(
        "report_open_due",
        _province(),
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        _fk("report_open_due"),
        sa.PrimaryKeyConstraint(
            "province_id", "agency_id", "bucket", name=op.f("pk_report_open_due")
        ),
    )
    op.create_table(
        "report_duration_counts",
        _province(),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("minutes", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        _fk("report_duration_counts"),
        sa.PrimaryKeyConstraint(
            "province_id", "kind", "agency_id", "minutes", name=op.f("pk_report_duration_counts")
        ),
    )
    op.create_table(
        "report_duration_medians",
        _province(),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("below", sa.BigInteger(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        _fk("report_duration_medians"),
        sa.PrimaryKeyConstraint(
            "province_id", "kind", "agency_id", name=op.f("pk_report_duration_medians")
        ),
    )
    op.create_table(
        "loan_figures",
        _province(),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("amount_rials", sa.BigInteger(), nullable=False),
        _fk("loan_figures"),
        sa.PrimaryKeyConstraint(
            "province_id", "year", "dimension", "stage", "key", name=op.f("pk_loan_figures")
        ),
    )
    rebuild_figures(op.get_bind())


def downgrade() -> None:
    for table in (
        "loan_figures",
        "report_duration_medians",
        "report_duration_counts",
        "report_open_due",
        "report_created_slots",
        "report_counts",
    ):
        op.drop_table(table)
