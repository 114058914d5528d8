"""Typed notes and the measurements with the proposals.

The proposals' notes were one line each ("[sex · FG 92] message (règle « sex », FG 92)" for a PMSI check);
they become objects (rule, kind, severity, FG code, message, code), so that nothing reads a sentence back.
Rows written by older versions are converted here, once. The values read in the documents (creatinine, BMI…)
are kept with the proposals, so the review shows what the pipeline read instead of reading the text again;
older runs have none (NULL) and the review reads them itself.

Revision ID: 0008_typed_notes
Revises: 0007_model_registry
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from coding_assistant.schema import Note

revision = "0008_typed_notes"
down_revision = "0007_model_registry"
branch_labels = None
depends_on = None


def _typed(raw: Any) -> list[dict[str, Any]] | None:
    """The notes as objects; None when they are already (nothing to write)."""
    notes = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(notes, list) or not any(isinstance(note, str) for note in notes):
        return None
    return [Note.from_legacy(note).model_dump(exclude_none=True) if isinstance(note, str) else note for note in notes]


def _convert(table: sa.Table) -> None:
    connection = op.get_bind()
    for row_id, raw in connection.execute(sa.select(table.c.id, table.c.warnings)).all():
        typed = _typed(raw)
        if typed is not None:
            connection.execute(sa.update(table).where(table.c.id == row_id).values(warnings=typed))


def upgrade() -> None:
    op.add_column("proposal_runs", sa.Column("measurements", sa.JSON(), nullable=True))
    metadata = sa.MetaData()
    for name in ("proposal_runs", "proposals"):
        _convert(sa.Table(name, metadata, sa.Column("id", sa.Integer()), sa.Column("warnings", sa.JSON())))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: on SQLite, dropping the old copy of a
    # parent table would delete its children's rows through their ON DELETE CASCADE.
    op.drop_column("proposal_runs", "measurements")
