"""`coding-assistant batch` as cron runs it: killed with SIGKILL mid-run, restarted, locked, reported."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coding_assistant.schema import write_jsonl
from coding_assistant.synth import generate_stays

N_STAYS = 120
KILL_AT = 30  # the first run is killed once exactly this many stays are saved, however fast the machine is

# Runs the real command with one change: after its KILL_AT-th saved stay the run writes a marker file and
# stops there, so the test's SIGKILL lands at a chosen stay and never after the last one.
PAUSING_BATCH = """
import sys, threading
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
        marker.write_text(str(saved), encoding="utf-8")
        threading.Event().wait()  # until the test kills this process
    return ok

runner.BatchRunner._save = save_then_pause
from coding_assistant.cli import app
app(prog_name="coding-assistant")
"""


@pytest.fixture(scope="module")
def stays_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("source") / "stays.jsonl"
    write_jsonl(path, [s.model_copy(update={"codes": None}) for s in generate_stays(N_STAYS, seed=21)])
    return path


def batch(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "coding_assistant", "batch", "--db", f"sqlite:///{data_dir / 'store.db'}", *args]


def env_for(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "CODING_ASSISTANT_DATA_DIR": str(data_dir)}


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        try:
            return int(connection.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:  # tables not created yet
            return 0


def wait_for(predicate, timeout_s: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if process.poll() is not None:
            pytest.fail(f"the batch ended (exit {process.returncode}) before the awaited point")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the awaited point never came")
        time.sleep(0.05)


def test_killed_batch_resumes_and_codes_every_stay_exactly_once(tmp_path, stays_file, small_model) -> None:
    db = tmp_path / "store.db"
    command = batch(tmp_path, "--source", str(stays_file), "--model", str(small_model))
    marker = tmp_path / "paused"
    pausing = [sys.executable, "-c", PAUSING_BATCH, str(marker), str(KILL_AT), *command[3:]]
    first = subprocess.Popen(pausing, env=env_for(tmp_path), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    wait_for(marker.exists, 240, first)

    # While it runs, a second batch is refused with a clear message and touches nothing.
    second = subprocess.run(command, env=env_for(tmp_path), capture_output=True, text=True, timeout=240)
    assert second.returncode == 2
    assert "already running" in second.stderr and "Traceback" not in second.stderr

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    first.stderr.close()
    coded_before = count(db, "SELECT count(*) FROM proposal_runs")
    assert coded_before == KILL_AT, "the kill lands at the chosen stay"

    report_file = tmp_path / "report.json"
    resumed = subprocess.run(
        [*command, "--report", str(report_file)], env=env_for(tmp_path), capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["skipped"] == coded_before
    assert report["coded"] == N_STAYS - coded_before
    assert report["failed"] == 0 and report["status"] == "succeeded"
    assert 0.0 <= report["dp_above_threshold_share"] <= 1.0 and report["seconds"] > 0

    assert count(db, "SELECT count(*) FROM proposal_runs") == N_STAYS
    assert count(db, "SELECT count(*) FROM stays") == N_STAYS
    # Exactly once: one proposals_saved entry per stay over both runs.
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'proposals_saved'") == N_STAYS
    assert (
        count(
            db,
            "SELECT count(*) FROM (SELECT stay_pk FROM audit_log WHERE action = 'proposals_saved' "
            "GROUP BY stay_pk HAVING count(*) > 1)",
        )
        == 0
    )
    assert count(db, "SELECT count(*) FROM batch_runs WHERE status = 'abandoned'") == 1
    assert count(db, "SELECT count(*) FROM batch_runs WHERE status = 'succeeded'") == 1
    # No document text reaches the log lines.
    first_letter = stays_file.read_text(encoding="utf-8").splitlines()[0]
    sample = json.loads(first_letter)["documents"][0]["text"][:40]
    assert sample not in resumed.stderr

    again = subprocess.run(command, env=env_for(tmp_path), capture_output=True, text=True, timeout=240)
    assert again.returncode == 0 and f"skipped     {N_STAYS}" in again.stderr


def test_a_bad_stay_makes_exit_status_1_and_is_named(tmp_path, small_model) -> None:
    source = tmp_path / "stays.jsonl"
    good = [s.model_copy(update={"codes": None}) for s in generate_stays(3, seed=4)]
    write_jsonl(source, good)
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"stay_id": "BROKEN", "sex": "X"}\n')
    report_file = tmp_path / "report.json"
    result = subprocess.run(
        batch(tmp_path, "--source", str(source), "--model", str(small_model), "--report", str(report_file)),
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 1
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert (report["coded"], report["failed"]) == (3, 1)
    assert report["failures"][0]["stay_id"] == "BROKEN" and report["failures"][0]["location"] == f"{source}:4"
    assert report["failures"][0]["error"].startswith("sex: ")  # the place is not repeated in the reason
    assert "BROKEN" in result.stderr


def test_bad_options_are_one_clear_error(tmp_path, small_model) -> None:
    result = subprocess.run(
        batch(tmp_path, "--source", str(tmp_path / "none.jsonl"), "--model", str(small_model)),
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run(
        batch(tmp_path, "--source", "x.jsonl", "--since", "28/11/2026"),
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_the_spark_engine_stores_the_same_proposals_as_the_local_one(tmp_path, stays_file, small_model) -> None:
    """What a DIM sees after `batch --engine spark` is what `batch` (local) gives, stay by stay."""
    import importlib.util
    import shutil

    missing = importlib.util.find_spec("pyspark") is None or shutil.which("java") is None
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs pyspark and java for the Spark engine", pytrace=False)
        pytest.skip("pyspark or java missing (pip install -e '.[spark]'; bash scripts/java_for_tests.sh)")
    from coding_assistant.store import Store

    source = tmp_path / "some.jsonl"
    source.write_text("".join(stays_file.read_text(encoding="utf-8").splitlines(keepends=True)[:12]))
    stores = {}
    for engine in ("local", "spark"):
        folder = tmp_path / engine
        folder.mkdir()
        result = subprocess.run(
            batch(folder, "--source", str(source), "--model", str(small_model), "--engine", engine),
            env=env_for(folder),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "coded       12" in result.stderr
        stores[engine] = Store.open(f"sqlite:///{folder / 'store.db'}", folder)
    try:
        ids = [json.loads(line)["stay_id"] for line in source.read_text(encoding="utf-8").splitlines()]
        for stay_id in ids:
            local = stores["local"].load_proposals(stay_id)
            spark = stores["spark"].load_proposals(stay_id)
            assert local is not None and spark is not None
            assert spark.model_dump() == local.model_dump()
    finally:
        for store in stores.values():
            store.close()
