"""Refused sign-ins, counted per account and per client address to lock password guessing out for a while.

Revision ID: 0004_sign_in_failures
Revises: 0003_source_rum
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coding_assistant.store.columns import UTCDateTime

revision = "0004_sign_in_failures"
down_revision = "0003_source_rum"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_failures"),
    )
    op.create_index("ix_sign_in_failures_at", "sign_in_failures", ["at"])
    op.create_index("ix_sign_in_failures_account", "sign_in_failures", ["account"])
    op.create_index("ix_sign_in_failures_client", "sign_in_failures", ["client"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_client", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_account", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
