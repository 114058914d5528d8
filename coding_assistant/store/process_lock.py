"""Locks that end with their holder: the operating system or the database server releases them when the
process that took them dies, however it dies (SIGKILL, crash, power cut of a client machine).

- SQLite: `flock` on a small file beside the database file (`<database>.<name>.lock`). The kernel drops the
  lock when the last descriptor of the holder's open file closes, which process exit always does. The file
  is never deleted: deleting a lock file while someone waits on it would let two holders in.
- PostgreSQL: a session-level advisory lock on a dedicated connection, keyed by this product's number and
  the store's schema (so that stores in different schemas of one database do not block each other). The
  server drops it when that session ends; TCP keepalives make a vanished client machine's session end within
  minutes instead of hours.
- Any other database: no such lock (`lock_for` returns None); callers fall back on the batch_runs row.

These locks are not re-entrant: a second acquisition in the same process, through another object, is
refused like one from another process, which is what two Store objects standing for two processes need.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from coding_assistant.store.errors import StoreError

log = logging.getLogger(__name__)

# Advisory lock keys of this product (first half of PostgreSQL's two-key form; the second is the schema's).
PG_LOCK_KEYS = {"batch": 784_231_001, "migrate": 784_231_002}
# The server closes the lock session of a client machine that vanished after about idle + interval x count.
PG_KEEPALIVES = {"tcp_keepalives_idle": 60, "tcp_keepalives_interval": 10, "tcp_keepalives_count": 6}
POLL_S = 0.1


class ProcessLock(Protocol):
    """An exclusive lock its holder loses only by releasing it or by dying."""

    def try_acquire(self) -> bool: ...

    def acquire(self, timeout_s: float) -> None: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...

    def describe(self) -> str: ...


class FileLock:
    """`flock` on `path`, created when missing (readable is enough: flock needs no write access)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def describe(self) -> str:
        return f"lock file {self.path}"

    def try_acquire(self) -> bool:
        if self._fd is not None:
            raise StoreError(f"{self.path}: already held by this object")
        try:
            # O_CLOEXEC: a program this process starts must not inherit, and so keep, the lock.
            fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise StoreError(f"{self.path}: the lock file cannot be opened ({exc.strerror or exc})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"{self.path}: the lock file cannot be locked ({exc.strerror or exc})") from exc
        self._fd = fd
        return True

    def acquire(self, timeout_s: float) -> None:
        _wait(self, timeout_s)

    def held(self) -> bool:
        """Still ours: our descriptor is open and the path still names the file we locked (a lock file deleted
        and recreated by someone else would let another process lock the new one)."""
        if self._fd is None:
            return False
        try:
            return os.fstat(self._fd).st_ino == os.stat(self.path).st_ino
        except OSError:
            return False

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor releases the flock


class PgAdvisoryLock:
    """`pg_try_advisory_lock(key, hashtext(schema))` held by a connection kept out of the pool."""

    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None

    def describe(self) -> str:
        return f"PostgreSQL advisory lock {self.key}"

    def _call(self, connection: Connection, function: str) -> bool | None:
        sql = f"SELECT {function}(:key, hashtext(coalesce(current_schema(), '')))"
        return connection.execute(text(sql), {"key": self.key}).scalar()

    def try_acquire(self) -> bool:
        if self._connection is not None:
            raise StoreError(f"{self.describe()}: already held by this object")
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            for name, value in PG_KEEPALIVES.items():
                connection.execute(text(f"SET {name} = {int(value)}"))
            acquired = bool(self._call(connection, "pg_try_advisory_lock"))
        except SQLAlchemyError:
            connection.invalidate()
            connection.close()
            raise
        if not acquired:
            connection.close()
            return False
        self._connection = connection
        return True

    def acquire(self, timeout_s: float) -> None:
        _wait(self, timeout_s)

    def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            count = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                    "AND granted AND classid = :key"
                ),
                {"key": self.key},
            ).scalar()
        except SQLAlchemyError:  # the session is gone, and its lock with it
            return False
        return bool(count)

    def release(self) -> None:
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        with contextlib.suppress(SQLAlchemyError):
            self._call(connection, "pg_advisory_unlock")
        # Never back into the pool: a pooled session that still held the lock would hold it for good.
        connection.invalidate()
        connection.close()


def _wait(lock: ProcessLock, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise StoreError(f"{lock.describe()}: still held by another process after {timeout_s:.0f} s")
        time.sleep(POLL_S)


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine; None for an in-memory database."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database.removeprefix("file:").split("?", 1)[0]).resolve()


def lock_for(engine: Engine, name: str) -> ProcessLock | None:
    """The lock `name` ("batch" or "migrate") of this store, or None where no such lock exists."""
    if engine.dialect.name == "sqlite":
        database = sqlite_file(engine)
        return FileLock(database.with_name(f"{database.name}.{name}.lock")) if database else None
    if engine.dialect.name == "postgresql":
        return PgAdvisoryLock(engine, PG_LOCK_KEYS[name])
    return None


@contextlib.contextmanager
def holding(lock: ProcessLock | None, timeout_s: float) -> Iterator[None]:
    """Wait (up to `timeout_s`) for `lock`, run the block, release it; a None lock is a no-op."""
    if lock is None:
        yield
        return
    lock.acquire(timeout_s)
    try:
        yield
    finally:
        lock.release()
