"""`coding-assistant batch`: the nightly job. Codes every new or changed stay of a source into the store."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.batch.job import EngineName, JoinOn
from coding_assistant.errors import CodingAssistantError


def batch_command(
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="stays JSONL (file or folder), CSV, Parquet (file or folder), a database URL with --query, "
            "or an RSS file with --documents",
        ),
    ],
    db: Annotated[
        str | None, typer.Option("--db", help="store URL (default: the SQLite file in the data directory)")
    ] = None,
    engine: Annotated[EngineName, typer.Option("--engine", help="local (this machine) or spark")] = EngineName.local,
    since: Annotated[
        str | None, typer.Option("--since", help="only stays discharged on or after this date (YYYY-MM-DD)")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="write the run's report (JSON) here")] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="model folder (default: the data directory's default model)")
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="jsonl, csv, parquet, sql or rss (default: from the source)")
    ] = None,
    query: Annotated[str | None, typer.Option("--query", help="SQL returning one row per document")] = None,
    query_file: Annotated[
        Path | None, typer.Option("--query-file", help="file holding that SQL (instead of --query)")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="encoding of CSV, --query-file and letter files, e.g. cp1252 or latin-1 "
            "(default: UTF-8, else CP1252, line by line); JSONL default UTF-8",
        ),
    ] = None,
    documents: Annotated[
        Path | None, typer.Option("--documents", help="folder of the RSS stays' letters (RSS source)")
    ] = None,
    join_on: Annotated[
        JoinOn, typer.Option("--join-on", help="RSS: join letters on the RSS number or the administrative one")
    ] = JoinOn.rss,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="local engine: worker processes")] = 1,
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", help="Spark master URL, e.g. yarn or spark://host:7077 (default: local[2])"),
    ] = None,
) -> None:
    """Code every new or changed stay of SOURCE into the store; skip the unchanged; report.

    Safe to rerun and to kill: a stay is coded exactly once per content and model version, a second run is
    refused while one holds the lock, and one bad stay is recorded with its error without stopping the others.
    Exit status: 0, or 1 when some stays failed (listed in the report and the store), 2 when nothing ran.
    """
    from coding_assistant.batch.job import SourceOptions, run_batch, source_spec
    from coding_assistant.batch.sources import open_source
    from coding_assistant.pipeline import default_model_dir

    _configure_logging()
    since_date = _parse_date(since) if since else None
    spec = source_spec(SourceOptions(source, format, query, query_file, documents, join_on, encoding))
    items = open_source(spec)  # a missing file or option fails here, before the lock is taken
    model_dir = model or _active_model(db) or default_model_dir()
    result = run_batch(
        items,
        spec.describe(),
        model_dir,
        db,
        engine=engine,
        jobs=jobs,
        spark_master=spark_master,
        since=since_date,
    )
    typer.echo(result.summary(), err=True)  # first: the run is recorded in the store whatever the report does
    if report is not None:
        from coding_assistant.formats.atomic import atomic_write_text

        atomic_write_text(report, json.dumps(result.as_dict(), ensure_ascii=False, indent=2))  # OutputError: exit 2
        typer.echo(f"  report → {report}", err=True)
    if result.failed:
        raise typer.Exit(code=1)


def _active_model(db: str | None) -> Path | None:
    """The registry's active model (`coding-assistant models activate`), when the site activated one."""
    from coding_assistant.config import get_settings
    from coding_assistant.learning.registry import active_model_folder
    from coding_assistant.store import Store

    store = Store.open(db, get_settings().data_dir)
    try:
        return active_model_folder(store)
    finally:
        store.close()


def _parse_date(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CodingAssistantError(f"--since {value!r}: expected a date as YYYY-MM-DD") from None


def _configure_logging() -> None:
    """Log lines (counts and ids only) to stderr unless the application configured logging itself."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)  # "Running upgrade …" says nothing to a DIM
