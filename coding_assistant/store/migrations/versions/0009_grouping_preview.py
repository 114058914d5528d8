"""The grouping preview of the proposed coding, kept with the proposals.

The batch groups each stay's proposed coding (aperçu de groupage) and finds the best revaluation (a counting
CMA the letters support but the proposals left unselected): the worklist shows the GHM and lists the stays
where a revaluation is possible without grouping anything while a coder waits. NULL for runs made before.

Revision ID: 0009_grouping_preview
Revises: 0008_typed_notes
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_grouping_preview"
down_revision = "0008_typed_notes"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("ghm", sa.String(6), nullable=True),
    sa.Column("severity", sa.String(1), nullable=True),
    sa.Column("tariff_eur", sa.Float(), nullable=True),
    sa.Column("revaluation_eur", sa.Float(), nullable=True),
    sa.Column("revaluation_code", sa.String(16), nullable=True),
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("proposal_runs", column)
    op.create_index("ix_proposal_runs_revaluation_eur", "proposal_runs", ["revaluation_eur"])


def downgrade() -> None:
    op.drop_index("ix_proposal_runs_revaluation_eur", "proposal_runs")
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    for column in reversed(COLUMNS):
        op.drop_column("proposal_runs", column.name)
