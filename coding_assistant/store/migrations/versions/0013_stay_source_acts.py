"""The act lines a stay came with, in a column of their own, for the stays read without a RUM line.

A stay read from JSONL, CSV, Parquet or SQL may come with its acts already coded (`codes.acts`: code,
activity, phase, date). The batch's grouping preview groups them beside the selected act proposals, but the
store kept only the RUM line of a stay read from an RSS: the review UI's preview and acts panel, and the export
of a stay whose decision left the acts unreviewed, lost the acts of the other stays. One new nullable JSON
column: the list of act lines (`CodedAct` as JSON), NULL when the source gave none (acts not coded) or when the
stay has a RUM line, which stays the source of truth for its acts. Rows stored before have it NULL until their
next import.

Revision ID: 0013_stay_source_acts
Revises: 0012_stay_admin_fields
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_stay_source_acts"
down_revision = "0012_stay_admin_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN: no table copy, so the stays' children (documents, proposals…) stay in place.
    op.add_column("stays", sa.Column("source_acts", sa.JSON(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    op.drop_column("stays", "source_acts")
