"""CCAM acts with the proposals, in coders' drafts and in their decisions.

The proposals carry CCAM act lines (code, activity, phase, date, evidence); a coder accepts, rejects, adds
and dates them in the review UI, and the decision keeps the acts of the validated coding, which the export
writes to the RUM's act zone. New nullable JSON columns only, so that nothing is rebuilt: decisions are
append-only (migration 0005) and older rows need no value. NULL means: runs made before acts were kept,
drafts without an act change, decisions whose acts were not reviewed (their export keeps the source RUM's
acts as they are).

Revision ID: 0011_act_decisions
Revises: 0010_stay_review
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_act_decisions"
down_revision = "0010_stay_review"
branch_labels = None
depends_on = None

TABLES = ("proposal_runs", "ui_drafts", "decisions")


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN: no table copy, so the append-only triggers on decisions stay in place.
    for table in TABLES:
        op.add_column(table, sa.Column("acts", sa.JSON(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    for table in reversed(TABLES):
        op.drop_column(table, "acts")
