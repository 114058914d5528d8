"""Batch failures: one row per stay (or source record) a batch run could not read or code, with the reason.

Revision ID: 0002_batch_failures
Revises: 0001_initial
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coding_assistant.store.columns import UTCDateTime

revision = "0002_batch_failures"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("stay_id", sa.String(128), nullable=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["batch_runs.id"], name="fk_batch_failures_run_id_batch_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_batch_failures"),
    )
    op.create_index("ix_batch_failures_run_id", "batch_failures", ["run_id"])
    op.create_index("ix_batch_failures_stay_id", "batch_failures", ["stay_id"])


def downgrade() -> None:
    op.drop_index("ix_batch_failures_stay_id", table_name="batch_failures")
    op.drop_index("ix_batch_failures_run_id", table_name="batch_failures")
    op.drop_table("batch_failures")
