"""Model registry: the site's trained models, which one the batch uses, and their figures.

Revision ID: 0007_model_registry
Revises: 0006_ui_sessions_drafts
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coding_assistant.store.columns import UTCDateTime

revision = "0007_model_registry"
down_revision = "0006_ui_sessions_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_registry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("trained_at", UTCDateTime(), nullable=True),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.Column("registered_by", sa.String(64), nullable=False),
        sa.Column("training_data", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("site_figures", sa.JSON(), nullable=True),
        sa.Column("recalibration", sa.JSON(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_model_registry"),
        sa.UniqueConstraint("name", "version", name="uq_model_registry_name"),
    )
    op.create_index("ix_model_registry_name", "model_registry", ["name"])
    op.create_index("ix_model_registry_active", "model_registry", ["active"])


def downgrade() -> None:
    op.drop_table("model_registry")
