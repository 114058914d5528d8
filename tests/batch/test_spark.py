"""The Spark engine and job on local[2]: the local engine's proposals, one error per bad stay, Parquet in and out.

Skipped when pyspark or java is missing, except under CI=true where that is a failure. The pipeline is the
terminology-only one (no trained model needed), built by the same factory in this process and on the workers.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Stay, StayProposals
from coding_assistant.synth import generate_synthetic
from coding_assistant.synth.generator import build_context
from coding_assistant.terminology.loader import default_terminology


def _why_spark_cannot_run() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "java is not installed (bash scripts/java_for_tests.sh)"
    return None


MISSING = _why_spark_cannot_run()
UNDER_CI = os.environ.get("CI") == "true"
pytestmark = pytest.mark.skipif(MISSING is not None and not UNDER_CI, reason=MISSING or "")


@pytest.fixture(scope="module", autouse=True)
def _spark_must_run_under_ci():
    """Under CI a missing pyspark or java fails every test here (with the reason) instead of skipping them."""
    if MISSING is not None:
        pytest.fail(f"CI=true needs the Spark tests, but {MISSING}", pytrace=False)


N_STAYS = 500


# Pipelines built on the workers. This module is pickled by value (see the `spark` fixture): workers cannot
# import a test module, and these factories must travel with the tasks.


def terminology_pipeline() -> CodingPipeline:
    return CodingPipeline(None, default_terminology().terminology, default_mention_dictionary())


def counted_pipeline(folder: str) -> CodingPipeline:
    """The terminology pipeline, leaving one file per load so the test can count loads per worker process."""
    (Path(folder) / f"{os.getpid()}-{uuid.uuid4().hex}").touch()
    return terminology_pipeline()


class FailingPipeline:
    """Raises for one stay id, codes the others like the terminology pipeline."""

    def __init__(self, bad_stay_id: str) -> None:
        self.bad_stay_id = bad_stay_id
        self.inner = terminology_pipeline()
        self.model = self.inner.model

    def propose(self, stay: Stay) -> StayProposals:
        if stay.stay_id == self.bad_stay_id:
            raise RuntimeError("synthetic failure")
        return self.inner.propose(stay)


def failing_pipeline(bad_stay_id: str) -> FailingPipeline:
    return FailingPipeline(bad_stay_id)


# Fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark_starting():
    """The local[2] session, started in a thread: the JVM boots while this process codes the reference stays."""
    from pyspark import cloudpickle

    from coding_assistant.batch.spark_engine import build_session

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = pool.submit(build_session, "local[2]")
        yield starting
        if starting.exception() is None:
            starting.result().stop()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def spark(spark_starting, local_proposals):
    return spark_starting.result()


@pytest.fixture(scope="module")
def stays(loaded) -> list[Stay]:
    return [s.stay for s in generate_synthetic(N_STAYS, seed=11, context=build_context(loaded))]


@pytest.fixture(scope="module")
def local_proposals(stays) -> dict[str, str]:
    """stay_id → StayProposals JSON from the local engine (in this process)."""
    engine = LocalEngine(None, pipeline=terminology_pipeline())
    results = list(engine.code(stays))
    engine.close()
    assert all(r.error is None for r in results)
    return {r.stay_id: r.proposals.model_dump_json() for r in results}


# Engine -----------------------------------------------------------------------------------------------------


def test_spark_engine_gives_the_local_engine_proposals(spark, stays, local_proposals, tmp_path):
    from coding_assistant.batch.spark_engine import SparkEngine

    loads = tmp_path / "loads"
    loads.mkdir()
    partitions = 6
    engine = SparkEngine(
        None, master=spark, partitions=partitions, pipeline_factory=functools.partial(counted_pipeline, str(loads))
    )
    results = list(engine.code(stays))
    engine.close()

    assert [r.error for r in results if r.error] == []
    assert sorted(r.stay_id for r in results) == sorted(local_proposals)
    different = [r.stay_id for r in results if r.proposals.model_dump_json() != local_proposals[r.stay_id]]
    assert different == [], f"{len(different)} stays differ, first {different[:3]}"
    assert sum(bool(StayProposals.model_validate_json(j).proposals) for j in local_proposals.values()) > N_STAYS // 2

    # One pipeline per worker process, kept across the partitions the process codes.
    pids = [name.split("-")[0] for name in os.listdir(loads)]
    assert pids and len(pids) == len(set(pids)), f"a worker loaded its pipeline twice: {sorted(pids)}"
    assert len(pids) < partitions
    assert spark.sparkContext.getConf().get("spark.ui.enabled") == "false"


def test_one_failing_stay_is_an_error_and_the_others_come_back(spark, stays, local_proposals):
    from coding_assistant.batch.spark_engine import SparkEngine

    some = stays[:24]
    bad = some[5].stay_id
    factory = functools.partial(failing_pipeline, bad)
    engine = SparkEngine(None, master=spark, partitions=3, pipeline_factory=factory, chunk_stays=10)  # 3 Spark jobs
    answers = list(engine.code(some))
    engine.close()
    results = {r.stay_id: r for r in answers}

    assert len(answers) == len(some)
    assert set(results) == {s.stay_id for s in some}
    assert results[bad].proposals is None
    assert results[bad].error == "RuntimeError while coding this stay"
    for stay in some:
        if stay.stay_id != bad:
            assert results[stay.stay_id].error is None
            assert results[stay.stay_id].proposals.model_dump_json() == local_proposals[stay.stay_id]


def test_engine_does_not_stop_a_session_it_was_given(spark, stays):
    from coding_assistant.batch.spark_engine import SparkEngine

    engine = SparkEngine(None, master=spark, pipeline_factory=terminology_pipeline)
    assert len(list(engine.code(stays[:2]))) == 2
    engine.close()
    assert spark.range(3).count() == 3


# Parquet job --------------------------------------------------------------------------------------------------


def _flat_rows(stays: list[Stay]) -> list[dict]:
    """One row per document; the first stay's rows are written backwards with doc_position, the others in order
    without doc_position (row order then decides)."""
    rows = []
    for n, stay in enumerate(stays):
        fields = {
            "stay_id": stay.stay_id,
            "sex": {"M": "1", "F": "2"}.get(stay.sex or ""),  # RUM style, as data warehouses often keep it
            "age": stay.age,
            "admission_date": stay.admission_date,
            "discharge_date": stay.discharge_date,
            "unit": stay.unit,
        }
        documents = list(enumerate(stay.documents))
        if n == 0:
            documents.reverse()
        for position, document in documents:
            rows.append(
                {
                    **fields,
                    "doc_id": document.doc_id,
                    "doc_type": document.type,
                    "doc_position": position if n == 0 else None,
                    "text": document.text,
                }
            )
    return rows


def test_parquet_job_round_trip(spark, stays, local_proposals, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from coding_assistant.batch.spark_job import run_job

    multi = next(s for s in stays if len(s.documents) > 1)
    some = [multi, *[s for s in stays[:6] if s.stay_id != multi.stay_id]]
    rows = _flat_rows(some)
    conflicting = dict(rows[-1], stay_id="DISAGREE", doc_id="D-1", unit="U1")
    backwards = dict(rows[-1], stay_id="BACKWARDS", admission_date=date(2025, 3, 9), discharge_date=date(2025, 3, 2))
    rows += [conflicting, dict(conflicting, doc_id="D-2", unit="U2"), backwards, dict(rows[-1], stay_id=None)]
    source = tmp_path / "stays.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)

    output = tmp_path / "proposals.parquet"
    summary = run_job(spark, str(source), str(output), None, partitions=2, pipeline_factory=terminology_pipeline)

    assert summary["stays"] == len(some) + 2
    assert summary["errors"] == 2
    assert summary["rows_without_stay_id"] == 1
    table = pq.read_table(output).to_pylist()
    assert set(table[0]) == {"stay_id", "model_name", "model_version", "proposals_json", "error"}
    by_stay = {row["stay_id"]: row for row in table}
    assert by_stay["DISAGREE"]["error"] == "stay DISAGREE: unit differs between the stay's rows"
    assert by_stay["DISAGREE"]["proposals_json"] is None
    assert by_stay["BACKWARDS"]["error"] == "stay BACKWARDS: stay: discharge_date is before admission_date"
    for stay in some:
        row = by_stay[stay.stay_id]
        assert row["error"] is None
        assert row["model_name"] == "terminology-only"
        assert row["proposals_json"] == local_proposals[stay.stay_id], stay.stay_id


def test_job_names_a_missing_input_in_one_line(spark, tmp_path, capsys):
    from coding_assistant.batch.spark_job import main

    status = main(["--input", str(tmp_path / "nowhere.parquet"), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert err[-1].startswith("error: the Spark job failed:") and "nowhere.parquet" in err[-1]
    assert "Traceback" not in "\n".join(err)
    assert spark.range(2).count() == 2  # the test's session was not stopped by the job


def test_the_job_reads_the_administrative_fields_when_the_table_has_them(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from coding_assistant.batch.spark_job import read_flat_stays

    rows = {
        "stay_id": ["N1", "N1", "S1", "X1", "X1"],
        "text": ["Naissance", "Suite", "Séance", "Lettre", "Lettre"],
        "Entry_Mode": ["n", "N", "8", "8", "8"],  # column names and codes in any case
        "exit_mode": [7.0, 7.0, None, 8.0, 9.0],  # a code column with blanks, written as numbers
        "birth_weight": [2450, 2450, None, None, None],
        "gestational_age": [35, 35, None, None, None],
        "sessions": [None, None, 3, None, None],
    }
    pq.write_table(pa.table(rows), tmp_path / "stays.parquet")
    stays, _ = read_flat_stays(spark, str(tmp_path / "stays.parquet"))
    by_stay = {row["stay_id"]: row for row in stays.collect()}
    newborn = Stay.model_validate_json(by_stay["N1"]["stay_json"])
    assert by_stay["N1"]["input_error"] is None
    assert (newborn.entry_mode, newborn.exit_mode, newborn.birth_weight) == ("N", "7", 2450)
    assert newborn.gestational_age == 35 and newborn.sessions is None
    sessions = Stay.model_validate_json(by_stay["S1"]["stay_json"])
    assert (sessions.entry_mode, sessions.exit_mode, sessions.sessions) == ("8", None, 3)
    assert by_stay["X1"]["input_error"] == "exit_mode differs between the stay's rows"
