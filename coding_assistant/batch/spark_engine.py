"""The Spark coding engine: stays are coded on Spark's Python workers, one pipeline per worker process.

    engine = SparkEngine(Path("data/models/default"), master="local[2]")   # or master=<a SparkSession>
    for result in engine.code(stays): ...
    engine.close()

Stays travel as JSON (`stay_id, stay_json`) into `mapInPandas`; each Python worker loads the pipeline once and
keeps it while Spark reuses the worker (`spark.python.worker.reuse`), so a partition never reloads the ONNX
model that the previous partition of the same worker loaded. Results come back as
`stay_id, model_name, model_version, proposals_json, error` — the row layout of the Parquet job
(`spark_job.py`), which shares `PartitionCoder` and `code_frame`.

Workers run the interpreter named by PYSPARK_PYTHON. `build_session` sets it (and PYSPARK_DRIVER_PYTHON) to
this interpreter when unset; on a cluster, point it at an environment that has this package installed
(`--archives env.tar.gz#env --conf spark.pyspark.python=./env/bin/python`, see the README).

pyspark is imported here only, and lazily where it can be: the rest of the product never needs it.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from coding_assistant.batch.engines import CodingResult, Proposer, code_stays, coding_input
from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay, StayProposals

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger(__name__)

STAY_SCHEMA = "stay_id string, stay_json string"
RESULT_SCHEMA = "stay_id string, model_name string, model_version string, proposals_json string, error string"

# One Spark job per chunk of stays in SparkEngine.code: bounds driver memory on long runs. The stays travel
# inside the tasks (createDataFrame from the driver), so a chunk's bytes also bound a task's size (well under
# spark.rpc.message.maxSize, 128 MiB) while keeping a job's fixed cost (a few seconds) small next to its coding.
CHUNK_STAYS = 20_000
CHUNK_BYTES = 32 * 2**20
STAYS_PER_YIELD = 128  # a worker hands back results this often, so one Arrow batch is never huge
ARROW_BATCH_ROWS = 512  # stays per Arrow batch sent to a worker (some tens of seconds of coding)
PARTITIONS_PER_CORE = 2  # more tasks than cores evens out slow partitions; reused workers do not reload

# Spark settings of the sessions this module builds. `setIfMissing`: what spark-submit or the caller set wins.
SESSION_DEFAULTS: dict[str, str] = {
    "spark.app.name": "coding-assistant",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.log.level": "WARN",
    "spark.python.worker.reuse": "true",  # what keeps one pipeline per worker process across tasks
    "spark.sql.execution.arrow.pyspark.enabled": "true",  # fast stays → DataFrame on the driver
    "spark.sql.execution.arrow.maxRecordsPerBatch": str(ARROW_BATCH_ROWS),
    "spark.sql.catalogImplementation": "in-memory",  # no Hive metastore or Derby files in the working folder
}
# Local sessions only: stay on the loopback (no network) and keep shuffles small on a few cores.
LOCAL_SESSION_DEFAULTS: dict[str, str] = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
}
PANDAS_WARNING = "PySpark does not yet fully support pandas"  # string columns only here: fine on pandas 3


@contextmanager
def quiet_pandas_warning() -> Iterator[None]:
    """Drop pyspark's pandas-version FutureWarning (the Spark tests pass on pandas 3.1)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
        yield


# Sessions ---------------------------------------------------------------------------------------------------


def build_session(master: str | None = None, config: Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession with this product's defaults; `master=None` keeps the one spark-submit gives (else local[*]).

    Also usable under spark-submit: the submitted `--conf` values are kept, defaults only fill the gaps.
    """
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # under spark-submit the JVM already runs
    # Workers must run this environment's interpreter (they import coding_assistant); set before the JVM starts.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if (master or "local").startswith("local") and not submitted:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no lookup of the host name on the network

    with quiet_pandas_warning():
        from pyspark import SparkConf
        from pyspark.sql import SparkSession

        conf = SparkConf()  # holds spark-submit's --conf values when there are any
        if master is not None:
            conf.setMaster(master)
        conf.setIfMissing("spark.master", "local[*]")
        is_local = (conf.get("spark.master") or "").startswith("local")
        defaults = {**SESSION_DEFAULTS, **(LOCAL_SESSION_DEFAULTS if is_local else {})}
        for key, value in defaults.items():
            conf.setIfMissing(key, value)
        for key, value in (config or {}).items():
            conf.set(key, value)
        session = SparkSession.builder.config(conf=conf).getOrCreate()
    logger.info("Spark session on %s", session.conf.get("spark.master", "?"))
    return session


def default_partitions(session: SparkSession, stays: int | None = None) -> int:
    """Tasks for one coding job: a couple per core, never more than the stays."""
    try:
        cores = session.sparkContext.defaultParallelism
    except Exception:  # Spark Connect sessions have no SparkContext
        cores = int(session.conf.get("spark.default.parallelism", "2") or 2)
    wanted = max(1, cores * PARTITIONS_PER_CORE)
    return max(1, min(wanted, stays)) if stays is not None else wanted


# Worker side --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineSpec:
    """How a Python worker builds its pipeline. Pickled into every task: a path or a picklable factory, never a
    loaded pipeline. `key` names the pipeline a worker keeps; a new key (another engine) makes it reload."""

    model_dir: str | None = None
    factory: Callable[[], Proposer] | None = None
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def load(self) -> Proposer:
        if self.factory is not None:
            return self.factory()
        from coding_assistant.pipeline import CodingPipeline

        return CodingPipeline.load(_executor_path(self.model_dir) if self.model_dir else None)


def _executor_path(model_dir: str) -> Path:
    """The model folder on this executor: as given, else under SparkFiles' root folder, where `--files` and
    `--archives` land (the executor's working folder on YARN and standalone, not on every cluster manager)."""
    path = Path(model_dir)
    if path.exists() or path.is_absolute():
        return path
    try:
        from pyspark import SparkFiles

        shipped = Path(SparkFiles.getRootDirectory()) / path
    except Exception:  # not in a Spark worker (or no files shipped): report the path as given
        return path
    return shipped if shipped.exists() else path


def spec_for(model_dir: Path | str | None, factory: Callable[[], Proposer] | None = None) -> PipelineSpec:
    """The spec of a model folder. A folder that exists here is made absolute (local mode, shared filesystems);
    one that does not is kept as written, e.g. `./model` unpacked by `--archives` in each executor's folder."""
    if factory is not None:
        return PipelineSpec(factory=factory)
    if model_dir is None:
        return PipelineSpec()
    path = Path(model_dir)
    return PipelineSpec(model_dir=str(path.resolve() if path.exists() else path))


_worker_pipeline: tuple[str, Proposer] | None = None  # (spec key, pipeline) of this Python worker process
_worker_loads = 0  # pipelines this process has loaded, logged: more than one per engine means no reuse


def worker_pipeline(spec: PipelineSpec) -> Proposer:
    """This worker process's pipeline for `spec`, loaded on first use and kept for the next tasks."""
    global _worker_pipeline, _worker_loads
    if _worker_pipeline is None or _worker_pipeline[0] != spec.key:
        _worker_pipeline = None  # let the previous pipeline go before loading another
        pipeline = spec.load()
        _worker_loads += 1
        logger.info("worker %d loaded a pipeline (%d so far)", os.getpid(), _worker_loads)
        _worker_pipeline = (spec.key, pipeline)
    return _worker_pipeline[1]


class PartitionCoder:
    """The `mapInPandas` function: (stay_id, stay_json[, input_error]) batches → RESULT_SCHEMA batches.

    A module-level class so that Spark pickles it by reference: in the worker its methods see this module's
    globals, which is where the per-process pipeline is kept.
    """

    def __init__(self, spec: PipelineSpec) -> None:
        self.spec = spec

    def __call__(self, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            for start in range(0, len(batch), STAYS_PER_YIELD):
                yield self.code_rows(batch.iloc[start : start + STAYS_PER_YIELD])

    def code_rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        pipeline = worker_pipeline(self.spec)  # loaded only when a partition has stays
        model = getattr(pipeline, "model", None)
        input_errors = rows["input_error"] if "input_error" in rows.columns else [None] * len(rows)
        results: list[CodingResult] = []
        stays: list[Stay] = []
        for stay_id, stay_json, input_error in zip(rows["stay_id"], rows["stay_json"], input_errors, strict=True):
            if _present(input_error):
                results.append(CodingResult(stay_id, error=f"stay {stay_id}: {input_error}"))
                continue
            try:
                stays.append(Stay.model_validate_json(stay_json))
            except ValidationError as exc:
                results.append(CodingResult(stay_id, error=f"stay {stay_id}: {describe_validation(exc)}"))
        results.extend(code_stays(pipeline, stays))
        return pd.DataFrame(
            {
                "stay_id": [r.stay_id for r in results],
                "model_name": [getattr(model, "name", None)] * len(results),
                "model_version": [getattr(model, "version", None)] * len(results),
                "proposals_json": [r.proposals.model_dump_json() if r.proposals else None for r in results],
                "error": [r.error for r in results],
            },
            dtype=object,
        )


def _present(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def describe_validation(error: ValidationError) -> str:
    """Field and reason of a stay that does not validate, never the offending value (it may be document text)."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "stay"
    reason = first.get("msg", "invalid").removeprefix("Value error, ")
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {reason}{more}"


def code_frame(stays: DataFrame, spec: PipelineSpec, partitions: int) -> DataFrame:
    """Stays (stay_id, stay_json[, input_error]) → one RESULT_SCHEMA row per stay, over `partitions` tasks.

    An explicit repartition: adaptive execution would otherwise merge the (small) stay partitions into one or
    two, and coding is CPU work that needs every core.
    """
    with quiet_pandas_warning():
        return stays.repartition(partitions).mapInPandas(PartitionCoder(spec), RESULT_SCHEMA)


def result_of_row(row: Any) -> CodingResult:
    if row["error"] is not None or row["proposals_json"] is None:
        return CodingResult(row["stay_id"], error=row["error"] or "no proposals came back for this stay")
    return CodingResult(row["stay_id"], proposals=StayProposals.model_validate_json(row["proposals_json"]))


def short_spark_error(exc: BaseException) -> str:
    """One line for a failed Spark job: the last line of the worker's Python error when there is one."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    python_errors = [line for line in lines if "Error:" in line or "Exception:" in line]
    return (python_errors[-1] if python_errors else lines[0] if lines else type(exc).__name__)[:300]


# Driver side --------------------------------------------------------------------------------------------------


class SparkEngine:
    """Code stays on Spark: `master` is a master URL (a session is built with `build_session`) or a session.

    `pipeline_factory` (picklable, module-level or `functools.partial`) replaces `CodingPipeline.load(model_dir)`
    on the workers, e.g. for a model-free pipeline in tests.
    """

    name = "spark"

    def __init__(
        self,
        model_dir: Path | str | None,
        master: str | SparkSession = "local[2]",
        partitions: int | None = None,
        pipeline_factory: Callable[[], Proposer] | None = None,
        config: Mapping[str, str] | None = None,
        chunk_stays: int = CHUNK_STAYS,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.spec = spec_for(model_dir, pipeline_factory)
        self.master = master
        self.partitions = partitions
        self.config = dict(config or {})
        self.chunk_stays = chunk_stays
        self.chunk_bytes = chunk_bytes
        self._session: SparkSession | None = None if isinstance(master, str) else master
        self._owns_session = False

    @property
    def session(self) -> SparkSession:
        """The session, built on first use when the engine was given a master URL."""
        if self._session is None:
            from pyspark.sql import SparkSession

            existed = SparkSession.getActiveSession() is not None
            self._session = build_session(str(self.master), self.config)
            self._owns_session = not existed  # never stop a session someone else started
        return self._session

    def code(self, stays: Iterable[Stay]) -> Iterator[CodingResult]:
        ids: list[str] = []
        encoded: list[str] = []
        size = 0
        for stay in stays:
            ids.append(stay.stay_id)
            # Diagnoses are never an input of coding: they do not travel (`coding_input`).
            encoded.append(coding_input(stay).model_dump_json())
            size += len(encoded[-1])
            if len(ids) >= self.chunk_stays or size >= self.chunk_bytes:
                yield from self._code_chunk(ids, encoded)
                ids, encoded, size = [], [], 0
        if ids:
            yield from self._code_chunk(ids, encoded)

    def _code_chunk(self, stay_ids: list[str], stay_json: list[str]) -> Iterator[CodingResult]:
        import pandas as pd
        from pyspark import StorageLevel

        session = self.session
        frame = pd.DataFrame({"stay_id": stay_ids, "stay_json": stay_json}, dtype=object)
        partitions = self.partitions or default_partitions(session, len(stay_ids))
        with quiet_pandas_warning():
            coded = code_frame(session.createDataFrame(frame, STAY_SCHEMA), self.spec, partitions)
        coded = coded.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            # toLocalIterator computes one partition at a time; counting a persisted frame first codes all
            # partitions in parallel, then the iterator only streams stored results to the driver.
            coded.count()
            rows = coded.toLocalIterator(prefetchPartitions=True)
            returned = 0
            for row in rows:
                returned += 1
                yield result_of_row(row)
        except Exception as exc:
            if is_spark_error(exc):
                raise CodingAssistantError(f"the Spark coding job failed: {short_spark_error(exc)}") from exc
            raise
        finally:
            coded.unpersist()
        if returned != len(stay_ids):  # one result per stay is the engine contract
            raise CodingAssistantError(f"the Spark coding job returned {returned} results for {len(stay_ids)} stays")
        logger.info("Spark coded %d stays over %d partitions", len(stay_ids), partitions)

    def close(self) -> None:
        if self._session is not None and self._owns_session:
            self._session.stop()
        self._session = None
        self._owns_session = False


def is_spark_error(exc: BaseException) -> bool:
    """Errors raised by pyspark or py4j (a failed job, a JVM that did not start), as opposed to ours."""
    module = type(exc).__module__ or ""
    return module.startswith(("pyspark", "py4j"))
