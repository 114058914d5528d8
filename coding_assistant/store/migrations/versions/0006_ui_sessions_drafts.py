"""Review UI: signed-in sessions that survive a page reload, and coders' unsaved drafts per stay.

`ui_sessions` keeps the SHA-256 of each session's random token (the browser holds the token in an HttpOnly
cookie), when it was last seen and which stay it has open; `ui_drafts` keeps a coder's unsaved choices on a
stay (codes and roles only) until they validate or drop them.

Revision ID: 0006_ui_sessions_drafts
Revises: 0005_append_only_decisions
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coding_assistant.store.columns import UTCDateTime

revision = "0006_ui_sessions_drafts"
down_revision = "0005_append_only_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ui_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("stamp", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.Column("stay_id", sa.String(128), nullable=True),
        sa.Column("stay_since", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ui_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_ui_sessions_token_hash"),
    )
    op.create_index("ix_ui_sessions_username", "ui_sessions", ["username"])
    op.create_index("ix_ui_sessions_last_seen_at", "ui_sessions", ["last_seen_at"])
    op.create_index("ix_ui_sessions_stay_id", "ui_sessions", ["stay_id"])
    op.create_table(
        "ui_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stay_pk", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("stay_version", sa.Integer(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ui_drafts"),
        sa.ForeignKeyConstraint(["stay_pk"], ["stays.id"], name="fk_ui_drafts_stay_pk_stays", ondelete="CASCADE"),
        sa.UniqueConstraint("stay_pk", "username", name="uq_ui_drafts_stay_pk"),
    )
    op.create_index("ix_ui_drafts_username", "ui_drafts", ["username"])


def downgrade() -> None:
    op.drop_index("ix_ui_drafts_username", table_name="ui_drafts")
    op.drop_table("ui_drafts")
    op.drop_index("ix_ui_sessions_stay_id", table_name="ui_sessions")
    op.drop_index("ix_ui_sessions_last_seen_at", table_name="ui_sessions")
    op.drop_index("ix_ui_sessions_username", table_name="ui_sessions")
    op.drop_table("ui_sessions")
