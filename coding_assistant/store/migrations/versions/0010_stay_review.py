"""A note per stay and the « à revoir » flag with its reason.

A coder leaves a note on a stay (for a colleague, for the DIM physician) and flags a stay « à revoir » with a
reason (waiting for a pathology report, a question to the physician). The flag is not a status of its own,
like "modified after export": the stay keeps its status, the worklist lists flagged stays on demand, and a
validation clears the flag. New columns only (NULL: no note, not flagged), so older rows need nothing.

Revision ID: 0010_stay_review
Revises: 0009_grouping_preview
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from coding_assistant.store.columns import UTCDateTime

revision = "0010_stay_review"
down_revision = "0009_grouping_preview"
branch_labels = None
depends_on = None

COLUMNS: tuple[sa.Column[Any], ...] = (
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("review_reason", sa.Text(), nullable=True),
    sa.Column("review_by", sa.String(64), nullable=True),
    sa.Column("review_at", UTCDateTime(), nullable=True),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("stays", column)


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    for column in reversed(COLUMNS):
        op.drop_column("stays", column.name)
