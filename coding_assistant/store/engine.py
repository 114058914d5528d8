"""Engines and sessions: SQLite (WAL) by default, any SQLAlchemy URL otherwise (PostgreSQL through psycopg 3)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_NAME = "coding_assistant.sqlite3"
# The nightly batch and several coders share one SQLite file: a writer waits this long for another one's
# lock before SQLite gives up with "database is locked".
DEFAULT_BUSY_TIMEOUT_S = 30.0


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(Path(data_dir) / DEFAULT_DATABASE_NAME).resolve()}"


def create_engine_for(
    url: str | None, data_dir: Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S, echo: bool = False
) -> Engine:
    """An engine for `url`, or for the SQLite file `data_dir/coding_assistant.sqlite3` when `url` is None."""
    if url is None:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        url = default_database_url(data_dir)
    # hide_parameters: a statement's values (a letter, a password hash) never reach an error message or a log
    # line, even when SQLAlchemy's own logging is switched on.
    engine = create_engine(url, echo=echo, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_s)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    # PRAGMAs are per connection, so they are set on each new one, not once per file.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            # First: the PRAGMAs below may wait for another process that is creating or migrating the file.
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            # WAL: coders keep reading while the batch writes. A no-op ("memory") for in-memory databases.
            _set_wal(cursor, busy_timeout_s)
            # In WAL mode NORMAL is still crash-safe for the database; it only may lose the last commits on
            # power loss, which the next batch redoes.
            cursor.execute("PRAGMA synchronous=NORMAL")
            # SQLite leaves foreign keys off unless asked, connection by connection.
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()


def _set_wal(cursor: Any, busy_timeout_s: float) -> None:
    """Switch the file to WAL, waiting for other processes that open the same new file at that moment.

    SQLite answers "database is locked" at once, without its busy handler, to a process that asks for WAL
    while another one is switching or creating the file: several processes opening a new store together
    (two nightly jobs, the UI) retry here instead of failing.
    """
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: values read in a unit of work stay readable after it commits.
    return sessionmaker(engine, expire_on_commit=False)
