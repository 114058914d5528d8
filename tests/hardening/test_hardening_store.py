"""The store survives what a night can do to it: a process killed in the middle of a migration, several
processes opening a new store at once, a batch killed with SIGKILL (its lock and its workers), a run that
loses its lock. Every kill lands at a chosen point: the process writes a marker there and waits to be killed.

SQLite always; PostgreSQL too when CODING_ASSISTANT_TEST_PG holds a URL (scripts/postgres_for_tests.sh).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchRunner
from coding_assistant.batch.sources import SourceItem
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import write_jsonl
from coding_assistant.store import BatchCounts, BatchLockedError, Store, current_revision, head_revision, locking
from coding_assistant.store.migrate import alembic_config
from coding_assistant.store.models import Base
from coding_assistant.synth import generate_stays

PG_URL = os.environ.get("CODING_ASSISTANT_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="set CODING_ASSISTANT_TEST_PG (scripts/postgres_for_tests.sh)"),
    ),
]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


@pytest.fixture(params=BACKENDS)
def new_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of URLs of empty stores: SQLite files, or PostgreSQL schemas dropped afterwards."""
    schemas: list[str] = []

    def sqlite_url() -> str:
        return f"sqlite:///{tmp_path / uuid.uuid4().hex[:8]}.db"

    def pg_url() -> str:
        assert PG_URL is not None
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    if request.param == "sqlite":
        yield sqlite_url
        return
    admin = create_engine(PG_URL)  # type: ignore[arg-type]
    try:
        yield pg_url
    finally:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def wait_for(path: Path, process: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if process.poll() is not None:
            output = process.stderr.read() if process.stderr else ""
            pytest.fail(f"the process ended (exit {process.returncode}) before its pause: {output[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the process never reached its pause")
        time.sleep(0.02)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if process.stderr:
        process.stderr.close()


def assert_at_head_and_complete(url: str, data_dir: Path) -> None:
    store = Store.open(url, data_dir)  # migrates what the killed process left, or finds it done
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        store.close()


# Migrations killed midway -------------------------------------------------------------------------------------

# Opens (so migrates) a store, pausing after its `pause_at`-th migration statement (BEGIN, DDL, version stamp)
# with a marker file; with pause_at 0 it runs through and writes the list of those statements instead.
MIGRATING = """
import json, sys, threading
from pathlib import Path
from sqlalchemy import Engine, event

marker, pause_at, url, data_dir = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
steps = []

@event.listens_for(Engine, "after_cursor_execute")
def step(conn, cursor, statement, parameters, context, executemany):
    kind = statement.lstrip().split(None, 1)[0].upper()
    if kind in ("BEGIN", "CREATE", "ALTER", "DROP", "INSERT", "UPDATE"):
        steps.append(" ".join(statement.split()[:3]))
        if len(steps) == pause_at:
            marker.write_text(steps[-1], encoding="utf-8")
            threading.Event().wait()  # until the test kills this process

from coding_assistant.store import Store
Store.open(url, data_dir).close()
marker.write_text(json.dumps(steps), encoding="utf-8")
"""


def migrate_in_a_process(marker: Path, pause_at: int, url: str, data_dir: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", MIGRATING, str(marker), str(pause_at), url, str(data_dir)]
    return subprocess.Popen(command, env=ENV, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def kill_points(steps: list[str]) -> list[int]:
    """1-based statements after which to kill: for every migration its start, its first and its last
    schema change, and its version stamp (the step after a stamp is the next migration's start)."""
    points: set[int] = set()
    changes: list[int] = []
    for number, statement in enumerate(steps, start=1):
        if statement.startswith("BEGIN"):
            points.add(number)
        elif "alembic_version" in statement:
            if changes:
                points.update((changes[0], changes[len(changes) // 2], changes[-1]))
            points.add(number)
            changes = []
        elif not statement.startswith("CREATE TABLE alembic_version"):
            changes.append(number)
    return sorted(points)


def test_a_migration_killed_at_any_step_leaves_a_store_that_opens_at_head(
    new_store_url: Callable[[], str], tmp_path: Path
) -> None:
    dry_run = tmp_path / "steps.json"
    process = migrate_in_a_process(dry_run, 0, new_store_url(), tmp_path)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    process.stderr.close()  # type: ignore[union-attr]
    steps = json.loads(dry_run.read_text(encoding="utf-8"))
    points = kill_points(steps)
    migrations = len(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    assert sum("alembic_version" in s and not s.startswith("CREATE") for s in steps) == migrations  # one stamp each
    assert len(points) >= 3 * migrations
    for point in points:
        url, marker = new_store_url(), tmp_path / f"paused-{point}"
        process = migrate_in_a_process(marker, point, url, tmp_path)
        wait_for(marker, process)
        kill(process)
        assert_at_head_and_complete(url, tmp_path)


OPENING = """
import sys, time
from pathlib import Path

ready, go, url, data_dir = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
from coding_assistant.store import Store  # imported before the start, so that all open at the same moment
ready.write_text("ready", encoding="utf-8")
while not go.exists():
    time.sleep(0.005)
Store.open(url, data_dir).close()
"""


def test_processes_opening_a_new_store_at_once_all_succeed(new_store_url: Callable[[], str], tmp_path: Path) -> None:
    url, go = new_store_url(), tmp_path / "go"
    processes = []
    for n in range(4):
        ready = tmp_path / f"ready-{n}"
        command = [sys.executable, "-c", OPENING, str(ready), str(go), url, str(tmp_path)]
        processes.append(
            (ready, subprocess.Popen(command, env=ENV, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True))
        )
    for ready, process in processes:
        wait_for(ready, process)
    go.write_text("go", encoding="utf-8")
    for _, process in processes:
        _, errors = process.communicate(timeout=180)
        assert process.returncode == 0, errors[-3000:]
    assert_at_head_and_complete(url, tmp_path)


# The batch lock and worker processes against SIGKILL ----------------------------------------------------------

N_STAYS = 12

# The real command, pausing after its `kill_at`-th saved stay: it writes its pid and its workers' pids to the
# marker and waits there to be killed.
PAUSING_BATCH = """
import json, multiprocessing, os, sys, threading
from pathlib import Path
from coding_assistant.batch import runner

marker, kill_at = Path(sys.argv.pop(1)), int(sys.argv.pop(1))
original_save = runner.BatchRunner._save
saved = 0

def save_then_pause(self, result, report):
    global saved
    ok = original_save(self, result, report)
    saved += int(ok)
    if saved == kill_at:
        workers = [child.pid for child in multiprocessing.active_children()]
        marker.write_text(json.dumps({"pid": os.getpid(), "workers": workers}), encoding="utf-8")
        threading.Event().wait()
    return ok

runner.BatchRunner._save = save_then_pause
from coding_assistant.cli import app
app(prog_name="coding-assistant")
"""


@pytest.fixture(scope="module")
def stays_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("source") / "stays.jsonl"
    write_jsonl(path, [s.model_copy(update={"codes": None}) for s in generate_stays(N_STAYS, seed=8)])
    return path


def batch_args(data_dir: Path, stays_file: Path, model: Path, *extra: str) -> list[str]:
    db = f"sqlite:///{data_dir / 'store.db'}"
    return ["batch", "--source", str(stays_file), "--model", str(model), "--db", db, *extra]


def paused_batch(data_dir: Path, args: list[str], kill_at: int) -> tuple[subprocess.Popen, dict[str, object]]:
    marker = data_dir / "paused.json"
    command = [sys.executable, "-c", PAUSING_BATCH, str(marker), str(kill_at), *args]
    process = subprocess.Popen(
        command,
        env={**ENV, "CODING_ASSISTANT_DATA_DIR": str(data_dir)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    wait_for(marker, process, timeout_s=300)
    return process, json.loads(marker.read_text(encoding="utf-8"))


def run_batch(data_dir: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "coding_assistant", *args]
    env = {**ENV, "CODING_ASSISTANT_DATA_DIR": str(data_dir)}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def is_gone(pid: int) -> bool:
    """No such process, or a zombie (dead, waiting to be reaped by whoever adopted it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute(sql).fetchone()[0])


def test_a_killed_batch_lock_is_taken_over_by_the_next_run_at_once(
    tmp_path: Path, stays_file: Path, small_model: Path
) -> None:
    args = batch_args(tmp_path, stays_file, small_model)
    first, _ = paused_batch(tmp_path, args, kill_at=3)
    first.send_signal(signal.SIGKILL)
    # Not reaped yet: a zombie, which signal 0 reports as alive. The next run must start regardless.
    time.sleep(0.2)
    assert is_gone(first.pid)
    report = tmp_path / "report.json"
    resumed = run_batch(tmp_path, [*args, "--report", str(report)])
    first.wait(timeout=30)
    first.stderr.close()  # type: ignore[union-attr]
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert (summary["skipped"], summary["coded"], summary["failed"]) == (3, N_STAYS - 3, 0)
    db = tmp_path / "store.db"
    assert count(db, "SELECT count(*) FROM batch_runs WHERE status = 'abandoned'") == 1
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'proposals_saved'") == N_STAYS


def test_a_killed_batch_leaves_no_worker_behind(tmp_path: Path, small_model: Path) -> None:
    stays_file = tmp_path / "stays.jsonl"  # three chunks of work, so that both workers start
    write_jsonl(stays_file, [s.model_copy(update={"codes": None}) for s in generate_stays(40, seed=9)])
    args = batch_args(tmp_path, stays_file, small_model, "--jobs", "2")
    first, paused = paused_batch(tmp_path, args, kill_at=2)
    workers = paused["workers"]
    assert isinstance(workers, list) and len(workers) == 2 and not any(is_gone(pid) for pid in workers)
    first.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 15
    while not all(is_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    first.wait(timeout=30)
    first.stderr.close()  # type: ignore[union-attr]
    assert all(is_gone(pid) for pid in workers), "the workers outlived their batch"
    resumed = run_batch(tmp_path, args)  # and the lock is free at once
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert count(tmp_path / "store.db", "SELECT count(*) FROM proposal_runs") == 40


# A run that loses its lock ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline(terminology) -> CodingPipeline:
    return CodingPipeline(None, terminology, default_mention_dictionary())


def lose_the_lock(url: str, data_dir: Path) -> None:
    """What can take a live run's lock away: its lock file deleted (and recreated by the next run) on SQLite,
    its lock session ended (server restart, network cut) on PostgreSQL."""
    if url.startswith("sqlite"):
        database = Path(make_url(url).database or "")
        database.with_name(f"{database.name}.batch.lock").unlink()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = :key "
                    "AND objid = (hashtext(current_schema())::bigint & 4294967295)::oid"
                ),
                {"key": 784_231_001},
            )
    finally:
        engine.dispose()


class TakenOverAt:
    """A pipeline during whose n-th stay another run takes the lock over."""

    def __init__(self, inner: CodingPipeline, at: int, take_over: Callable[[], None]) -> None:
        self.inner, self.at, self.take_over, self.model, self.seen = inner, at, take_over, inner.model, 0

    def propose(self, stay):
        self.seen += 1
        if self.seen == self.at:
            self.take_over()
        return self.inner.propose(stay)


def test_a_run_that_loses_its_lock_stops_writing(
    new_store_url: Callable[[], str], tmp_path: Path, pipeline: CodingPipeline
) -> None:
    url = new_store_url()
    store = Store.open(url, tmp_path)
    others: list[Store] = []

    def take_over() -> None:
        lose_the_lock(url, tmp_path)
        other = Store.open(url, tmp_path)
        others.append(other)
        other.start_batch_run("local", "the next night")  # took the lock: the first run is abandoned

    stays = [s.model_copy(update={"codes": None}) for s in generate_stays(20, seed=3)]
    items = [SourceItem(f"s:{n}", stay=s) for n, s in enumerate(stays, start=1)]
    runner = BatchRunner(store, LocalEngine(None, pipeline=TakenOverAt(pipeline, 18, take_over)), pipeline.model)
    try:
        with pytest.raises(BatchLockedError, match="no longer holds"):
            runner.run(items, "stays")
        # Coded in chunks of 16: the first chunk was saved before the take-over, nothing after it.
        assert sum(store.load_proposals(s.stay_id) is not None for s in stays) == 16
        assert store.batch_failures(runner.report.run_id) == []  # type: ignore[union-attr]
        assert store.get_batch_run(runner.report.run_id).status == "abandoned"  # type: ignore[union-attr]
    finally:
        for other in others:
            other.close()
        store.close()


def test_a_heartbeat_notices_a_lost_lock(new_store_url: Callable[[], str], tmp_path: Path) -> None:
    url = new_store_url()
    store = Store.open(url, tmp_path)
    try:
        run = store.start_batch_run("local", "stays")
        store.heartbeat(run.id)
        lose_the_lock(url, tmp_path)
        with pytest.raises(BatchLockedError, match="lost its"):
            store.heartbeat(run.id)
    finally:
        store.close()


# Databases without an OS-level lock: the row and its heartbeat -------------------------------------------------


def test_without_an_os_lock_a_stale_or_dead_holder_is_taken_over(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'rows.db'}", tmp_path)
    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    try:
        with store.sessions() as session:
            first = locking.start_batch_run(session, "local", "a", now, holder="elsewhere:1")
        with store.sessions() as session, pytest.raises(BatchLockedError, match="go stale after"):
            locking.start_batch_run(session, "local", "b", now + timedelta(minutes=10), holder="elsewhere:2")
        with store.sessions() as session:
            second = locking.start_batch_run(session, "local", "b", now + timedelta(minutes=31), holder="x:2")
        assert store.get_batch_run(first.id).status == "abandoned"  # type: ignore[union-attr]
        zombie = subprocess.Popen([sys.executable, "-c", "pass"])
        while not is_gone(zombie.pid):
            time.sleep(0.02)
        assert locking.holder_is_dead(f"{socket.gethostname()}:{zombie.pid}")  # exited, not reaped yet
        zombie.wait()
        assert not locking.holder_is_dead(f"{socket.gethostname()}:{os.getppid()}")
        store.finish_batch_run(second.id, BatchCounts())
    finally:
        store.close()
