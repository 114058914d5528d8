"""The RUM's administrative fields in columns of their own, whatever source the stay came from.

Modes d'entrée et de sortie, provenance, destination, birth weight, gestational age and number of sessions:
the grouping preview reads them. They used to be read back from the stored RUM line only, so that a stay read
from JSONL, CSV, Parquet or SQL lost them once stored and the review UI's preview could differ from the
batch's. New nullable columns only; rows stored before have them all NULL, and the store reads those rows'
fields from their RUM line as it did (store/stays.py `load_stay`).

Revision ID: 0012_stay_admin_fields
Revises: 0011_act_decisions
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012_stay_admin_fields"
down_revision = "0011_act_decisions"
branch_labels = None
depends_on = None

COLUMNS: tuple[sa.Column[Any], ...] = (
    sa.Column("entry_mode", sa.String(1), nullable=True),
    sa.Column("entry_origin", sa.String(1), nullable=True),
    sa.Column("exit_mode", sa.String(1), nullable=True),
    sa.Column("exit_destination", sa.String(1), nullable=True),
    sa.Column("birth_weight", sa.Integer(), nullable=True),
    sa.Column("gestational_age", sa.Integer(), nullable=True),
    sa.Column("sessions", sa.Integer(), nullable=True),
)


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN: no table copy, so the stays' children (documents, proposals…) stay in place.
    for column in COLUMNS:
        op.add_column("stays", column)


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    for column in reversed(COLUMNS):
        op.drop_column("stays", column.name)
