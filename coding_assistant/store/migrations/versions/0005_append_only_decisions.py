"""Coders' decisions are append-only like the audit log, and neither table can be emptied by TRUNCATE.

Decisions are the record of who validated which codes (and the next model's training data): a new save is a
new row, so no code path updates or deletes one. The database now refuses it too, for raw SQL typed in a
console. On PostgreSQL TRUNCATE is a statement of its own that row triggers do not see: a statement trigger
refuses it on both tables (also when it comes by TRUNCATE … CASCADE from another table). SQLite has no
TRUNCATE. The table owner can still drop a trigger: the application runs under a role without UPDATE, DELETE
and TRUNCATE on these tables (README, "Store").

Revision ID: 0005_append_only_decisions
Revises: 0004_sign_in_failures
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0005_append_only_decisions"
down_revision = "0004_sign_in_failures"
branch_labels = None
depends_on = None

_SQLITE_UPGRADE = [
    f"CREATE TRIGGER decisions_no_{verb.lower()} BEFORE {verb} ON decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_SQLITE_DOWNGRADE = ["DROP TRIGGER IF EXISTS decisions_no_update", "DROP TRIGGER IF EXISTS decisions_no_delete"]

_POSTGRESQL_UPGRADE = [
    # One function for every append-only table: the message names the table the statement touched.
    "CREATE FUNCTION refuse_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$",
    "CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions "
    "FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only()",
    "CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions "
    "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only()",
]
_POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS decisions_no_truncate ON decisions",
    "DROP TRIGGER IF EXISTS decisions_append_only ON decisions",
    "DROP FUNCTION IF EXISTS refuse_change_append_only()",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": _SQLITE_UPGRADE, "postgresql": _POSTGRESQL_UPGRADE})


def downgrade() -> None:
    _run({"sqlite": _SQLITE_DOWNGRADE, "postgresql": _POSTGRESQL_DOWNGRADE})
