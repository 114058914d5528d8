"""Alembic environment of the store, run by coding_assistant.store.migrate (no alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, create_engine

from coding_assistant.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=sqlite,
        compare_type=True,
        # One transaction per migration, its version stamp included: a process killed midway leaves the
        # previous revision. SQLite's DDL is transactional once migrate.py has the driver emit BEGIN.
        transaction_per_migration=True,
        transactional_ddl=True if sqlite else None,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)


def run_offline() -> None:
    # `--sql` mode: print the DDL for a DBA to review instead of running it.
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
