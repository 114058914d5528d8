"""Limits a night can meet: a letter of 20 MB, a stay that codes for ever, a full disk, a read-only folder, a store
whose coders' decisions someone tries to rewrite, a model folder whose fusion.json does not fit. Each is one
clear error for the stay or the command it concerns, never a traceback, and the other stays are coded."""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchRunner
from coding_assistant.batch.sources import SourceItem
from coding_assistant.classifier.bundle import ModelBundleError
from coding_assistant.cli import app
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.fusion import FEATURES, FUSION_FILE, Fusion
from coding_assistant.schema import Codes, Document, Stay, StayProposals, write_jsonl
from coding_assistant.stay_limits import StayLimits
from coding_assistant.store import Store
from coding_assistant.store.models import DecisionRow
from coding_assistant.text.measurements import find_measurements

PG_URL = os.environ.get("CODING_ASSISTANT_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="set CODING_ASSISTANT_TEST_PG (scripts/postgres_for_tests.sh)"),
    ),
]
LETTER = "Insuffisance cardiaque globale décompensée. Hypertension artérielle traitée. Pas de diabète."
FINESS = "750000001"
DEV_FULL = Path("/dev/full")
runner = CliRunner()


def stay(stay_id: str, text: str = LETTER) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex="F",
        age=80,
        admission_date=date(2026, 10, 25),
        discharge_date=date(2026, 11, 20),
        unit="1001",  # an RUM unit field holds 4 characters
        documents=[Document(doc_id=f"{stay_id}-crh", type="CRH", text=text)],
    )


@pytest.fixture(scope="module")
def pipeline(terminology) -> CodingPipeline:
    return CodingPipeline(None, terminology, default_mention_dictionary())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(None, tmp_path / "store")
    yield opened
    opened.close()


# 6. Size limits and the per-stay time budget -----------------------------------------------------------------


def test_a_20_mb_letter_is_refused_at_once_and_the_others_are_coded(
    tmp_path: Path, store: Store, pipeline: CodingPipeline
) -> None:
    source = tmp_path / "stays.jsonl"
    write_jsonl(source, [stay("S1"), stay("HUGE", "Lettre très longue. " * 1_000_000), stay("S2")])
    from coding_assistant.batch.sources import SourceSpec, open_source

    started = time.monotonic()
    items = open_source(SourceSpec(location=str(source), format="jsonl"))
    report = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model).run(items, "test")
    assert time.monotonic() - started < 20  # refused before the store and the coding, not coded slowly
    assert (report.coded, report.failed) == (2, 1)
    failure = report.failures[0]
    assert failure["stay_id"] == "HUGE" and failure["location"] == f"{source}:2"
    assert failure["error"].startswith("document 1 has 20,000,000 characters, over the limit of 1,000,000")
    assert "CODING_ASSISTANT_MAX_DOCUMENT_CHARS" in failure["error"]
    assert store.get_stay("HUGE") is None  # never stored


def test_the_size_limits_are_settings_per_document_and_per_stay(
    tmp_path: Path, store: Store, pipeline: CodingPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODING_ASSISTANT_MAX_DOCUMENT_CHARS", "200")
    monkeypatch.setenv("CODING_ASSISTANT_MAX_STAY_CHARS", "300")
    two = stay("TWO").model_copy(update={"documents": [Document(doc_id="a", text="x" * 180)] * 2})
    items = [SourceItem("in:1", stay=stay("LONG", "y" * 201)), SourceItem("in:2", stay=two)]
    items.append(SourceItem("in:3", stay=stay("OK")))
    report = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model).run(items, "test")
    errors = {f["stay_id"]: f["error"] for f in report.failures}
    assert report.coded == 1 and set(errors) == {"LONG", "TWO"}
    assert errors["LONG"].startswith("document 1 has 201 characters, over the limit of 200")
    assert errors["TWO"].startswith("its documents have 360 characters, over the limit of 300 for a stay")


class SlowPipeline:
    """Codes like the real one, except one stay whose coding never ends (pure Python, as a runaway loop)."""

    def __init__(self, inner: CodingPipeline) -> None:
        self.inner = inner
        self.model = inner.model

    def propose(self, record: Stay) -> StayProposals:
        if record.stay_id == "SLOW":
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                pass
        return self.inner.propose(record)


def test_a_stay_over_its_time_budget_fails_alone(store: Store, pipeline: CodingPipeline) -> None:
    limits = StayLimits(max_document_chars=10_000, max_stay_chars=10_000, time_budget_s=0.5)
    engine = LocalEngine(None, pipeline=SlowPipeline(pipeline), limits=limits)
    items = [SourceItem(f"in:{n}", stay=stay(stay_id)) for n, stay_id in enumerate(("S1", "SLOW", "S2"), start=1)]
    started = time.monotonic()
    report = BatchRunner(store, engine, pipeline.model, limits=limits).run(items, "test")
    assert time.monotonic() - started < 30
    assert (report.coded, report.failed) == (2, 1)
    assert report.failures[0]["stay_id"] == "SLOW"
    assert report.failures[0]["error"].startswith("coding took longer than its budget of 0.5 s")
    assert store.get_stay("S2").status == "proposed"  # type: ignore[union-attr]


def test_weights_and_heights_written_every_day_are_read_in_linear_time() -> None:
    day = "J{n}: poids {w} kg, taille 1,{h} m, TA 130/80.\n"
    chart = "".join(day.format(n=n, w=60 + n % 30, h=60 + n % 20) for n in range(24_000))
    started = time.process_time()
    found = find_measurements(chart)
    assert time.process_time() - started < 15  # 24,000 weights against 24,000 heights took 93 s in pairs
    assert sum(m.computed for m in found) == 24_000


# 7. Full disk, read-only folder ------------------------------------------------------------------------------


def no_traceback(result, path: Path | str, reason: str) -> None:
    # Written in place, never renamed over: as root, a rename would replace the device with a regular file.
    assert not DEV_FULL.exists() or DEV_FULL.is_char_device()
    output = result.stderr if hasattr(result, "stderr") else ""
    assert result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert "Traceback" not in output, output
    assert f"error: {path}: cannot be written ({reason})" in output, output


@pytest.fixture(scope="module")
def gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gold")
    records = [stay(f"S{n}").model_copy(update={"codes": Codes(dp="I5002", das=["I10"])}) for n in range(3)]
    write_jsonl(folder / "gold.jsonl", records)
    return folder / "gold.jsonl"


needs_dev_full = pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full on this system")
NO_SPACE = os.strerror(errno.ENOSPC)


@needs_dev_full
def test_synth_to_a_full_disk_is_one_error_line() -> None:
    result = runner.invoke(app, ["synth", "--n", "3", "--output", str(DEV_FULL)])
    assert result.exit_code == 2
    no_traceback(result, DEV_FULL, NO_SPACE)


@needs_dev_full
def test_predict_to_a_full_disk_is_one_error_line(gold: Path, small_model: Path) -> None:
    result = runner.invoke(app, ["predict", str(gold), "--output", str(DEV_FULL), "--model", str(small_model)])
    assert result.exit_code == 2
    no_traceback(result, DEV_FULL, NO_SPACE)


def test_predict_leaves_no_temporary_file_when_the_disk_fills(
    gold: Path, small_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "proposals.jsonl").write_text("the previous night's proposals\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, NO_SPACE)

    monkeypatch.setattr(os, "fsync", full)  # the disk says it is full when the data must reach it
    result = runner.invoke(
        app, ["predict", str(gold), "--output", str(out / "proposals.jsonl"), "--model", str(small_model)]
    )
    assert result.exit_code == 2
    no_traceback(result, out / "proposals.jsonl", NO_SPACE)
    assert [p.name for p in out.iterdir()] == ["proposals.jsonl"]  # no temporary file left
    assert (out / "proposals.jsonl").read_text(encoding="utf-8") == "the previous night's proposals\n"


@needs_dev_full
def test_evaluate_report_to_a_full_disk_is_one_error_line(gold: Path) -> None:
    predictions = gold.with_name("predictions.jsonl")
    write_jsonl(predictions, [StayProposals(stay_id=f"S{n}", model={"name": "m", "version": "1"}) for n in range(3)])
    result = runner.invoke(
        app, ["evaluate", "--input", str(gold), "--predictions", str(predictions), "--report", str(DEV_FULL)]
    )
    assert result.exit_code == 2
    no_traceback(result, DEV_FULL, NO_SPACE)


@needs_dev_full
def test_batch_report_to_a_full_disk_is_one_error_line_after_the_run(
    gold: Path, small_model: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    args = ["batch", "--source", str(gold), "--db", db, "--model", str(small_model), "--report", str(DEV_FULL)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    no_traceback(result, DEV_FULL, NO_SPACE)
    assert "coded       3" in result.stderr  # the run itself happened and is recorded


def validated_store(url: str, data_dir: Path) -> None:
    store = Store.open(url, data_dir)
    try:
        store.add_user("claire", "a-long-enough-password", "coder")
        for stay_id in ("S1", "S2"):
            store.upsert_stay(stay(stay_id))
            store.save_decision(stay_id, "claire", Codes(dp="I5002", das=["I10"]), store.get_stay(stay_id).version)  # type: ignore[union-attr]
    finally:
        store.close()


def statuses(url: str, data_dir: Path) -> list[str]:
    store = Store.open(url, data_dir)
    try:
        return [store.get_stay(s).status for s in ("S1", "S2")]  # type: ignore[union-attr]
    finally:
        store.close()


@needs_dev_full
def test_export_is_all_or_nothing_when_the_csv_cannot_be_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    validated_store(url, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    args = ["export", "--db", url, "--rss", str(out / "rss.txt"), "--csv", str(DEV_FULL), "--finess", FINESS]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    no_traceback(result, DEV_FULL, NO_SPACE)
    assert list(out.iterdir()) == []  # neither the RSS nor a temporary file
    assert statuses(url, tmp_path) == ["validated", "validated"]
    again = runner.invoke(app, [*args[:6], str(out / "codes.csv"), *args[7:]])
    assert again.exit_code == 0 and sorted(p.name for p in out.iterdir()) == ["codes.csv", "rss.txt"]
    assert statuses(url, tmp_path) == ["exported", "exported"]


def test_export_that_writes_nothing_exits_1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url, tmp_path).close()
    result = runner.invoke(app, ["export", "--db", url, "--rss", str(tmp_path / "rss.txt"), "--finess", FINESS])
    assert result.exit_code == 1
    assert "error: no stay exported, none is validated" in result.stderr and not (tmp_path / "rss.txt").exists()


# A read-only folder: root writes anywhere, so the command runs without the capability to override permissions.
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _without_override() -> None:
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            os._exit(99)  # cannot drop it: the test is skipped below


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "coding_assistant", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_without_override,
    )
    if result.returncode == 99 and not result.stderr:
        pytest.skip("cannot run a command without CAP_DAC_OVERRIDE here")
    return result


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


def test_commands_writing_into_a_read_only_folder_print_one_error_line(
    read_only: Path, gold: Path, small_model: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    validated_store(url, tmp_path)
    read_only.chmod(0o555)
    denied = os.strerror(errno.EACCES)
    commands = {
        "synth": (["synth", "--n", "2", "--output", str(read_only / "s.jsonl")], read_only / "s.jsonl"),
        "predict": (
            ["predict", str(gold), "--output", str(read_only / "p.jsonl"), "--model", str(small_model)],
            read_only / "p.jsonl",
        ),
        "train": (["train", "--input", str(gold), "--output", str(read_only / "model")], read_only / "model"),
        "export": (
            ["export", "--db", url, "--rss", str(read_only / "rss.txt"), "--finess", FINESS],
            read_only / "rss.txt",
        ),
    }
    for name, (args, path) in commands.items():
        result = cli(*args)
        assert result.returncode == 2, (name, result.stderr)
        assert "Traceback" not in result.stderr, (name, result.stderr)
        assert f"error: {path}: " in result.stderr and denied in result.stderr, (name, result.stderr)
    assert sorted(os.listdir(read_only)) == []
    assert statuses(url, tmp_path) == ["validated", "validated"]


def test_a_batch_on_a_read_only_store_is_one_error_line(
    read_only: Path, gold: Path, small_model: Path, tmp_path: Path
) -> None:
    db = read_only / "store.db"
    Store.open(f"sqlite:///{db}", read_only).close()
    for path in read_only.iterdir():
        path.chmod(0o444)
    read_only.chmod(0o555)
    result = cli("batch", "--source", str(gold), "--db", f"sqlite:///{db}", "--model", str(small_model))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("error: ") == 1, result.stderr
    assert "readonly" in result.stderr or "read-only" in result.stderr or os.strerror(errno.EACCES) in result.stderr


# 11. Decisions and audit log are append-only in the database ---------------------------------------------------


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    assert PG_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_decisions_cannot_be_changed_nor_the_audit_log_emptied(store_url: str, tmp_path: Path) -> None:
    validated_store(store_url, tmp_path)
    store = Store.open(store_url, tmp_path)
    try:
        statements = ["UPDATE decisions SET dp = 'I10'", "DELETE FROM decisions"]
        if store.engine.dialect.name == "postgresql":
            statements += ["TRUNCATE decisions", "TRUNCATE audit_log", "TRUNCATE stays CASCADE"]
        for statement in statements:
            with store.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
        with store.sessions() as session:  # the ORM says so before any SQL
            row = session.scalars(select(DecisionRow).limit(1)).one()
            row.dp = "I10"
            with pytest.raises(PermissionError, match="append-only"):
                session.flush()
        assert store.latest_decision("S1").dp == "I5002"  # type: ignore[union-attr]
        assert len(store.audit_for_stay("S1")) >= 2
        # Appending still works: a second decision is a new row.
        store.save_decision("S1", "claire", Codes(dp="I10"), store.get_stay("S1").version)  # type: ignore[union-attr]
        assert store.latest_decision("S1").dp == "I10"  # type: ignore[union-attr]
    finally:
        store.close()


# 12. fusion.json --------------------------------------------------------------------------------------------


@pytest.fixture
def model_copy(small_model: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(small_model, folder)
    return folder


def test_a_fusion_json_for_other_features_is_refused(model_copy: Path, gold: Path, tmp_path: Path) -> None:
    payload = {"features": list(FEATURES)[:-1], "weights": [0.1] * (len(FEATURES) - 1), "bias": 0, "threshold": 0.5}
    (model_copy / FUSION_FILE).write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(ModelBundleError, match="fitted for another feature set"):
        Fusion.load(model_copy)
    result = runner.invoke(
        app, ["predict", str(gold), "--output", str(tmp_path / "p.jsonl"), "--model", str(model_copy)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "fusion.json: fitted for another feature set than this version's; retrain the model" in result.stderr
    assert not (tmp_path / "p.jsonl").exists()
    (model_copy / FUSION_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelBundleError, match="cannot be read"):
        Fusion.load(model_copy)


def test_a_model_without_fusion_json_is_loaded_with_a_loud_warning(
    model_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (model_copy / FUSION_FILE).unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING):
        pipeline = CodingPipeline.load(model_copy)
    assert pipeline.fusion is None
    assert any(f"has no {FUSION_FILE}: selection falls back to fixed rules" in r.getMessage() for r in caplog.records)
