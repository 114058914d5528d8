"""Initial store: stays, documents, proposals, users, decisions, audit log, batch runs.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coding_assistant.store.columns import (
    BATCH_STATUSES,
    PROPOSAL_ROLES,
    STAY_STATUSES,
    USER_ROLES,
    UTCDateTime,
    one_of,
)

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(128)
CODE = sa.String(16)
HASH = sa.String(64)

# The audit log is append-only in the database too, not only in the repository's API: a raw UPDATE or DELETE
# typed in a SQL console is refused as well. A retention purge, if ever required, is a deliberate migration.
_SQLITE_AUDIT_GUARDS = [
    f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRESQL_AUDIT_GUARDS = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "stays",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stay_id", ID, nullable=False),
        sa.Column("sex", sa.String(1), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("admission_date", sa.Date(), nullable=True),
        sa.Column("discharge_date", sa.Date(), nullable=True),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content_hash", HASH, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.CheckConstraint(one_of("status", STAY_STATUSES), name="ck_stays_status"),
        sa.PrimaryKeyConstraint("id", name="pk_stays"),
        sa.UniqueConstraint("stay_id", name="uq_stays_stay_id"),
    )
    op.create_index("ix_stays_discharge_date", "stays", ["discharge_date"])
    op.create_index("ix_stays_unit", "stays", ["unit"])
    op.create_index("ix_stays_status", "stays", ["status"])

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stay_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("doc_id", ID, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", HASH, nullable=False),
        sa.ForeignKeyConstraint(["stay_pk"], ["stays.id"], name="fk_documents_stay_pk_stays", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("stay_pk", "position", name="uq_documents_stay_pk"),
    )
    op.create_index("ix_documents_stay_pk", "documents", ["stay_pk"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(one_of("role", USER_ROLES), name="ck_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )

    op.create_table(
        "batch_runs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("coded", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("lock_holder", sa.String(128), nullable=False),
        sa.Column("lock_slot", sa.String(16), nullable=True),
        sa.CheckConstraint(one_of("status", BATCH_STATUSES), name="ck_batch_runs_status"),
        sa.PrimaryKeyConstraint("id", name="pk_batch_runs"),
        sa.UniqueConstraint("lock_slot", name="uq_batch_runs_lock_slot"),
    )
    op.create_index("ix_batch_runs_status", "batch_runs", ["status"])

    op.create_table(
        "proposal_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stay_pk", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=True),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("input_hash", HASH, nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("dp_code", CODE, nullable=True),
        sa.Column("dp_score", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["stay_pk"], ["stays.id"], name="fk_proposal_runs_stay_pk_stays", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_proposal_runs"),
        sa.UniqueConstraint("stay_pk", name="uq_proposal_runs_stay_pk"),
    )
    op.create_index("ix_proposal_runs_run_id", "proposal_runs", ["run_id"])

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_run_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("code", CODE, nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("role", sa.String(3), nullable=True),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.CheckConstraint(f"role IS NULL OR {one_of('role', PROPOSAL_ROLES)}", name="ck_proposals_role"),
        sa.ForeignKeyConstraint(
            ["proposal_run_id"],
            ["proposal_runs.id"],
            name="fk_proposals_proposal_run_id_proposal_runs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_proposals"),
        sa.UniqueConstraint("proposal_run_id", "rank", name="uq_proposals_proposal_run_id"),
    )
    op.create_index("ix_proposals_proposal_run_id", "proposals", ["proposal_run_id"])
    op.create_index("ix_proposals_code", "proposals", ["code"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stay_pk", sa.Integer(), nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.Column("dp", CODE, nullable=True),
        sa.Column("dr", CODE, nullable=True),
        sa.Column("das", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=True),
        sa.Column("stay_version", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["stay_pk"], ["stays.id"], name="fk_decisions_stay_pk_stays"),
        sa.ForeignKeyConstraint(["user_pk"], ["users.id"], name="fk_decisions_user_pk_users"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_stay_pk", "decisions", ["stay_pk"])
    op.create_index("ix_decisions_user_pk", "decisions", ["user_pk"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("stay_pk", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["stay_pk"], ["stays.id"], name="fk_audit_log_stay_pk_stays"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_stay_pk", "audit_log", ["stay_pk"])

    dialect = op.get_bind().dialect.name
    guards = {"sqlite": _SQLITE_AUDIT_GUARDS, "postgresql": _POSTGRESQL_AUDIT_GUARDS}.get(dialect, [])
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "decisions", "proposals", "proposal_runs", "batch_runs", "users", "documents"):
        op.drop_table(table)
    op.drop_table("stays")
