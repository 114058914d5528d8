"""Alembic, driven from code: no alembic.ini; the scripts live inside the package.

Each migration runs in its own transaction with its version stamp, so that a process killed in the middle of
one leaves the database at the previous revision, never half-migrated: PostgreSQL has transactional DDL, and
SQLite has it too once the driver stops managing transactions itself (see `_transactional_sqlite`). Processes
that open a new store at the same moment migrate one after the other (store/process_lock.py); the ones that
come second find it at head and do nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import OperationalError

from coding_assistant.store.process_lock import holding, lock_for

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_WAIT_S = 300.0  # how long a process waits for another one's migration before giving up


def alembic_config(engine: Engine | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config built in code; env.py uses `attributes["connection"]` (else `["engine"]`) when given."""
    config = Config()
    # ConfigParser interpolation would read "%" in a path as a reference.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
        config.attributes["engine"] = engine
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default); a no-op when it is there already."""
    try:
        if revision == "head" and current_revision(engine) == head_revision():
            return  # the common case: no lock, no write
    except OperationalError:
        pass  # another process is creating or migrating the file: wait for its migration lock below
    with (
        holding(lock_for(engine, "migrate"), MIGRATION_WAIT_S),
        engine.connect() as connection,
        _transactional_sqlite(connection),
    ):
        command.upgrade(alembic_config(engine, connection), revision)


def _begin_immediate(connection: Connection) -> None:
    # IMMEDIATE: take the write lock before reading the version, so that nothing changes between the two.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextlib.contextmanager
def _transactional_sqlite(connection: Connection) -> Iterator[None]:
    """On SQLite, make this connection's transactions real ones that include DDL.

    The sqlite3 module opens a transaction only before INSERT, UPDATE or DELETE, so CREATE TABLE and ALTER
    TABLE run in autocommit mode: a migration killed midway stays half-applied ("table already exists" on
    the next run). SQLAlchemy's documented recipe: let the driver open no transaction itself
    (isolation_level=None) and emit BEGIN when SQLAlchemy begins one.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver: Any = connection.connection.driver_connection
    previous = driver.isolation_level
    driver.isolation_level = None
    event.listen(connection, "begin", _begin_immediate)
    try:
        yield
    finally:
        event.remove(connection, "begin", _begin_immediate)
        driver.isolation_level = previous
