"""One nightly run from its options (`coding-assistant batch`): the source described, the engine chosen, the
new or changed stays coded into the store.

Everything that can be refused — an option, the source, the model folder — is refused before the store's
batch lock is taken and before a stay is touched: `source_spec`, then `sources.open_source`, then `run_batch`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from coding_assistant.errors import CodingAssistantError
from coding_assistant.text_encoding import checked_encoding

if TYPE_CHECKING:
    from coding_assistant.batch.engines import CodingEngine
    from coding_assistant.batch.runner import BatchReport
    from coding_assistant.batch.sources import SourceItem, SourceSpec


class EngineName(StrEnum):
    local = "local"
    spark = "spark"


class JoinOn(StrEnum):
    rss = "rss"
    admin = "admin"


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """Where the stays come from, as the command line gives it (see `coding-assistant batch --help`)."""

    location: str
    format: str | None = None  # None: guessed from the location
    query: str | None = None
    query_file: Path | None = None
    documents: Path | None = None
    join_on: JoinOn = JoinOn.rss
    encoding: str | None = None


def source_spec(options: SourceOptions) -> SourceSpec:
    """The checked description of the source; the SQL of a --query-file is read here."""
    from coding_assistant.batch.sources import SOURCE_FORMATS, SourceSpec, guess_format, read_query_file

    if options.format is not None and options.format not in SOURCE_FORMATS:
        raise CodingAssistantError(f"--format must be one of {', '.join(SOURCE_FORMATS)}, not {options.format!r}")
    encoding = checked_encoding(options.encoding)
    query = options.query
    if query is not None and options.query_file is not None:
        raise CodingAssistantError("give --query or --query-file, not both")
    if options.query_file is not None:
        query = read_query_file(options.query_file, encoding)
    return SourceSpec(
        location=options.location,
        format=options.format or guess_format(options.location),  # type: ignore[arg-type]  # checked above
        query=query,
        documents=options.documents,
        join_on=options.join_on.value,
        encoding=encoding,
    )


def engine_for(name: EngineName, model_dir: Path, jobs: int, spark_master: str | None) -> CodingEngine:
    """The local engine (`jobs` worker processes) or the Spark one (`spark_master`, default local[2])."""
    if name is EngineName.spark:
        try:
            from coding_assistant.batch.spark_engine import SparkEngine
        except ImportError as exc:
            raise CodingAssistantError(
                "the spark engine needs the `spark` extra: pip install 'coding-assistant[spark]'"
            ) from exc
        return SparkEngine(model_dir, master=spark_master or "local[2]")
    from coding_assistant.batch.engines import LocalEngine

    return LocalEngine(model_dir, jobs=jobs)


def run_batch(
    items: Iterable[SourceItem],
    source: str,
    model_dir: Path,
    db: str | None = None,
    *,
    engine: EngineName = EngineName.local,
    jobs: int = 1,
    spark_master: str | None = None,
    since: date | None = None,
) -> BatchReport:
    """Code every new or changed stay of `items` (read from `source`, as the run records it) with the model
    folder `model_dir` into the store at `db` (default: the data directory's SQLite file); the report says
    what was coded, skipped and failed."""
    from coding_assistant.batch.engines import check_model
    from coding_assistant.batch.progress import progress_for_stream
    from coding_assistant.batch.runner import BatchRunner
    from coding_assistant.config import get_settings
    from coding_assistant.store import Store

    model_info = check_model(model_dir)  # a bad model folder is one clear error, before any stay is touched
    coding_engine = engine_for(engine, model_dir, jobs, spark_master)
    store = Store.open(db, get_settings().data_dir)
    try:
        runner = BatchRunner(store, coding_engine, model_info, since=since, progress=progress_for_stream())
        return runner.run(items, source)
    finally:
        coding_engine.close()
        store.close()
