"""Batch runs and the lock that keeps two of them from coding the same stays at once.

Two layers. The lock itself is one the operating system or the database server releases when its holder
dies (store/process_lock.py: `flock` beside a SQLite file, an advisory lock on PostgreSQL): the repository
takes it before calling `start_batch_run(..., exclusive=True)`. Holding it proves that any run still marked as
running is dead (killed, crashed, its machine gone), so such a run is marked abandoned and taken over at once,
and a live run keeps the lock however long it stalls. A run's heartbeat is for reporting only.

The row: the running batch_runs row holds lock_slot = "batch", which a UNIQUE constraint allows once, so that
the database refuses a second running row whatever happens in Python. A run taken over learns it when its row
is no longer the holder (`heartbeat`, `fence`) and stops writing. For a database without such an OS-level lock
(`exclusive=False`), the row is the lock: a run whose heartbeat is older than `stale_after`, or whose holder
is a process of this machine that no longer exists, is taken over.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coding_assistant.store.audit import append_audit
from coding_assistant.store.errors import BatchLockedError, StoreError
from coding_assistant.store.models import BatchRunRow
from coding_assistant.store.views import BatchCounts, BatchRun

log = logging.getLogger(__name__)

LOCK_SLOT = "batch"
DEFAULT_STALE_AFTER = timedelta(minutes=30)
FINAL_STATUSES = ("succeeded", "failed")


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """True only when the holder is a process of this machine that no longer runs; a holder on another
    machine (or one we cannot check) counts as alive until its heartbeat goes stale. Only used without an
    OS-level lock (see the module docstring)."""
    host, _, pid_text = holder.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: existence check only
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by another user
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed process its parent has not reaped yet still answers signal 0: /proc says it is a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def start_batch_run(
    session: Session,
    engine: str,
    source: str,
    now: datetime,
    holder: str | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    *,
    exclusive: bool = False,
) -> BatchRun:
    """Record a running run and take the row lock; raise BatchLockedError while another run holds it.

    `exclusive`: the caller holds the OS-level batch lock, so a run still marked as running is dead and is
    taken over whatever its heartbeat. Commits on success (the lock must be visible to other processes at
    once); rolls back when refused.
    """
    holder = holder or default_holder()
    taken_over: list[str] = []
    if not exclusive:
        stale = (BatchRunRow.lock_slot == LOCK_SLOT, BatchRunRow.heartbeat_at < now - stale_after)
        taken_over = list(session.execute(select(BatchRunRow.id).where(*stale)).scalars())
        if taken_over:
            # Repeat the staleness test in the UPDATE: a heartbeat that arrived since the SELECT keeps the lock.
            session.execute(
                update(BatchRunRow)
                .where(BatchRunRow.id.in_(taken_over), *stale)
                .values(status="abandoned", lock_slot=None, finished_at=now)
                .execution_options(synchronize_session=False)
            )
    dead = [
        row.id
        for row in session.execute(select(BatchRunRow).where(BatchRunRow.lock_slot == LOCK_SLOT)).scalars()
        if exclusive or holder_is_dead(row.lock_holder)
    ]
    if dead:
        # The holder string is compared too, so that only the run of that dead process is released.
        session.execute(
            update(BatchRunRow)
            .where(BatchRunRow.id.in_(dead), BatchRunRow.lock_slot == LOCK_SLOT)
            .values(status="abandoned", lock_slot=None, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        taken_over += dead
    row = BatchRunRow(
        id=uuid.uuid4().hex,
        started_at=now,
        heartbeat_at=now,
        engine=engine,
        source=source,
        status="running",
        coded=0,
        skipped=0,
        failed=0,
        lock_holder=holder,
        lock_slot=LOCK_SLOT,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise locked_error(session, stale_after) from None
    details: dict[str, Any] = {"run_id": row.id, "engine": engine}
    if taken_over:
        details["took_over"] = list(taken_over)
        log.warning("batch run %s took over the stale lock of run(s) %s", row.id, ", ".join(taken_over))
    append_audit(session, holder, "batch_started", None, details, now)
    session.commit()
    return run_of(row)


def heartbeat(session: Session, run_id: str, now: datetime) -> None:
    """Record that this run is alive; raises BatchLockedError if the lock was taken over meanwhile."""
    _require_holding(session, run_id).heartbeat_at = now


def fence(session: Session, run_id: str | None) -> None:
    """Refuse a batch run's write once its lock was taken over, in the write's own transaction.

    A no-op for a run id that names no batch run (proposals saved outside a batch). On PostgreSQL the row
    is read FOR SHARE, so that a take-over waits for this transaction and every later write sees it.
    """
    if run_id is None:
        return
    row = session.get(BatchRunRow, run_id, populate_existing=True, with_for_update={"read": True})
    if row is not None and row.lock_slot != LOCK_SLOT:
        raise _lost(run_id, row.status)


def finish_batch_run(
    session: Session,
    run_id: str,
    counts: BatchCounts,
    report: dict[str, Any] | None,
    now: datetime,
    status: str = "succeeded",
) -> BatchRun:
    """Record the outcome and release the lock."""
    if status not in FINAL_STATUSES:
        raise StoreError(f"batch run {run_id}: final status must be one of {', '.join(FINAL_STATUSES)}")
    row = _require_holding(session, run_id)
    row.status, row.finished_at, row.heartbeat_at, row.lock_slot = status, now, now, None
    row.coded, row.skipped, row.failed = counts.coded, counts.skipped, counts.failed
    row.report = report
    append_audit(session, row.lock_holder, "batch_finished", None, {"run_id": run_id, "status": status}, now)
    session.flush()
    log.info("batch run %s %s: %d coded, %d skipped, %d failed", run_id, status, *_counts(counts))
    return run_of(row)


def get_batch_run(session: Session, run_id: str) -> BatchRun | None:
    row = session.get(BatchRunRow, run_id)
    return run_of(row) if row else None


def running_batch_run(session: Session) -> BatchRun | None:
    row = session.execute(select(BatchRunRow).where(BatchRunRow.lock_slot == LOCK_SLOT)).scalar_one_or_none()
    return run_of(row) if row else None


def run_of(row: BatchRunRow) -> BatchRun:
    return BatchRun(
        id=row.id,
        status=row.status,
        engine=row.engine,
        source=row.source,
        lock_holder=row.lock_holder,
        started_at=row.started_at,
        heartbeat_at=row.heartbeat_at,
        finished_at=row.finished_at,
        counts=BatchCounts(coded=row.coded, skipped=row.skipped, failed=row.failed),
        report=row.report,
    )


def _require_holding(session: Session, run_id: str) -> BatchRunRow:
    row = session.get(BatchRunRow, run_id, populate_existing=True)
    if row is None:
        raise StoreError(f"batch run {run_id}: unknown")
    if row.lock_slot != LOCK_SLOT:
        raise _lost(run_id, row.status)
    return row


def _lost(run_id: str, status: str) -> BatchLockedError:
    return BatchLockedError(
        f"batch run {run_id}: no longer holds the batch lock (status {status}); another run took it over"
    )


def locked_error(session: Session, stale_after: timedelta | None) -> BatchLockedError:
    """The refusal a starter gets while another run holds the lock; `stale_after` None: the lock is one the
    OS releases, held by a live process, so only that run's end frees it."""
    current = running_batch_run(session)
    if current is None:  # released since, or not recorded yet: the caller may simply retry
        return BatchLockedError("another batch run is starting or just ended; try again")
    wait = "wait for it to finish" + (
        f", or for its lock to go stale after {stale_after} without a heartbeat" if stale_after is not None else ""
    )
    return BatchLockedError(
        f"batch run {current.id} is already running (holder {current.lock_holder}, started "
        f"{current.started_at.isoformat(timespec='seconds')}, last heartbeat "
        f"{current.heartbeat_at.isoformat(timespec='seconds')}); {wait}"
    )


def _counts(counts: BatchCounts) -> tuple[int, int, int]:
    return counts.coded, counts.skipped, counts.failed
