"""Stays keep the RUM line they were read from, so that an export writes it back with the validated codes
(entry and exit modes, acts, birth date: everything the grouper needs and the letters do not carry).

Revision ID: 0003_source_rum
Revises: 0002_batch_failures
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_source_rum"
down_revision = "0002_batch_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stays", sa.Column("source_rum", sa.Text(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    op.drop_column("stays", "source_rum")
