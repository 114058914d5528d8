"""Code a Parquet table of stays on a Spark cluster and write one row of proposals per stay.

    python -m coding_assistant.batch.spark_job --input stays.parquet --output proposals.parquet --model DIR
    spark-submit coding_assistant/batch/spark_job.py --input … --output … --model DIR [--partitions N]

Input: the flat layout of the batch's tabular sources, one row per document, the stay's fields repeated on
each of its rows (column names in any case; only stay_id and text are required):

    stay_id, doc_id, doc_type, doc_position, text, sex, age, admission_date, discharge_date, unit

and, when the table has them, the RUM's administrative fields (`rum_admin`), which the grouping preview reads:

    entry_mode, entry_origin, exit_mode, exit_destination, birth_weight, gestational_age, sessions

Documents keep `doc_position` order, else the order of the rows in the input files; `doc_id` defaults to
"<stay_id>-<n>" and `doc_type` to CRH. A stay whose rows disagree on a stay field, lack a text or hold a
`doc_position` that is not a number gets an error row, like the local batch's Parquet source.

Output (Parquet folder): stay_id, model_name, model_version, proposals_json (StayProposals JSON), error.
The last stdout line is a JSON summary (counts and seconds only).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from coding_assistant.batch.spark_engine import (
    build_session,
    code_frame,
    default_partitions,
    is_spark_error,
    short_spark_error,
    spec_for,
)
from coding_assistant.errors import CodingAssistantError
from coding_assistant.rum_admin import ADMIN_CODE_FIELDS, STAY_ADMIN_FIELDS

if TYPE_CHECKING:  # pragma: no cover - typing only
    from pyspark.sql import Column, DataFrame, SparkSession

    from coding_assistant.batch.engines import Proposer

logger = logging.getLogger("coding_assistant.batch.spark_job")

STAY_FIELDS = ("sex", "age", "admission_date", "discharge_date", "unit", *STAY_ADMIN_FIELDS)
REQUIRED_COLUMNS = ("stay_id", "text")


def read_flat_stays(session: SparkSession, path: str) -> tuple[DataFrame, DataFrame]:
    """The flat Parquet table → (stays as `stay_id, stay_json, input_error`, rows that name no stay)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import FractionalType, TimestampNTZType, TimestampType

    raw = session.read.parquet(path)
    types = {name.lower(): field.dataType for name, field in zip(raw.columns, raw.schema.fields, strict=True)}
    missing = [name for name in REQUIRED_COLUMNS if name not in types]
    if missing:
        raise CodingAssistantError(f"{path}: the table must have a {' and a '.join(missing)} column")
    # Row order inside each file, to keep documents in the order they were written (as the local source does).
    rows = raw.select(
        *[F.col(f"`{name}`").alias(name.lower()) for name in raw.columns],
        F.col("_metadata.file_path").alias("_file"),
        F.col("_metadata.row_index").alias("_row"),
    )

    def cleaned(name: str) -> Column:
        """A column as trimmed text, empty → null; absent → null. Timestamps become their date; an
        administrative code is upper case, and one held as a number (8.0 from a column with blanks) its digit."""
        if name not in types:
            return F.lit(None).cast("string")
        column = F.col(name)
        if isinstance(types[name], TimestampType | TimestampNTZType):
            column = F.to_date(column)
        text = column.cast("string")
        if name in ADMIN_CODE_FIELDS:
            if isinstance(types[name], FractionalType):
                text = F.when(column == F.floor(column), column.cast("bigint").cast("string")).otherwise(text)
            text = F.upper(text)
        return F.nullif(F.trim(text), F.lit(""))

    rows = rows.withColumn("stay_id", cleaned("stay_id"))
    orphans = rows.filter(F.col("stay_id").isNull())
    position = F.expr("try_cast(doc_position as double)") if "doc_position" in types else F.lit(None).cast("double")
    bad_position = F.col("doc_position").isNotNull() & position.isNull() if "doc_position" in types else F.lit(False)
    document = F.struct(
        position.alias("position"),
        F.col("_file").alias("file"),
        F.col("_row").alias("row"),
        cleaned("doc_id").alias("doc_id"),
        F.coalesce(cleaned("doc_type"), cleaned("type"), F.lit("CRH")).alias("type"),
        F.col("text").cast("string").alias("text"),
    )
    grouped = (
        rows.filter(F.col("stay_id").isNotNull())
        .groupBy("stay_id")
        .agg(
            F.sort_array(F.collect_list(document)).alias("documents"),
            F.max(F.col("text").isNull().cast("int")).alias("missing_text"),
            F.max(bad_position.cast("int")).alias("bad_position"),
            *[F.collect_set(cleaned(name)).alias(f"{name}_values") for name in STAY_FIELDS],
        )
    )
    problems = [
        F.when(F.col("missing_text") == 1, F.lit("text is missing on one of its rows")),
        F.when(F.col("bad_position") == 1, F.lit("doc_position is not a number")),
        *[
            F.when(F.size(f"{name}_values") > 1, F.lit(f"{name} differs between the stay's rows"))
            for name in STAY_FIELDS
        ],
    ]
    documents = F.transform(
        "documents",
        lambda d, i: F.struct(
            F.coalesce(d["doc_id"], F.concat(F.col("stay_id"), F.lit("-"), (i + 1).cast("string"))).alias("doc_id"),
            d["type"].alias("type"),
            d["text"].alias("text"),
        ),
    )
    stay = F.struct(
        F.col("stay_id"),
        *[F.get(F.col(f"{name}_values"), 0).alias(name) for name in STAY_FIELDS],
        documents.alias("documents"),
    )
    stays = grouped.select(
        "stay_id",
        F.to_json(stay).alias("stay_json"),
        F.nullif(F.concat_ws("; ", *problems), F.lit("")).alias("input_error"),
    )
    return stays, orphans


def run_job(
    session: SparkSession,
    input_path: str,
    output_path: str,
    model_dir: str | None,
    partitions: int | None = None,
    mode: str = "errorifexists",
    pipeline_factory: Callable[[], Proposer] | None = None,
) -> dict[str, object]:
    """Read, code, write; returns the summary (counts and seconds). `pipeline_factory` as in SparkEngine."""
    from pyspark.sql import functions as F

    started = time.perf_counter()
    stays, orphans = read_flat_stays(session, input_path)
    tasks = partitions or default_partitions(session)
    coded = code_frame(stays, spec_for(model_dir, pipeline_factory), tasks)
    coded.write.mode(mode).parquet(output_path)
    coded_seconds = time.perf_counter() - started
    written = session.read.parquet(output_path)
    counts = written.agg(F.count("*").alias("stays"), F.count("error").alias("errors")).first()
    assert counts is not None, "an aggregate always has one row"
    return {
        "input": input_path,
        "output": output_path,
        "stays": int(counts["stays"]),
        "errors": int(counts["errors"]),
        "rows_without_stay_id": orphans.count(),
        "partitions": tasks,
        "seconds": round(coded_seconds, 1),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="spark_job",
        description="Code a flat Parquet table of stays (one row per document) with Spark; write one row per stay.",
    )
    parser.add_argument("--input", required=True, help="Parquet file or folder: stay_id, text, doc_id, doc_type, …")
    parser.add_argument("--output", required=True, help="Parquet folder to write (one row per stay)")
    parser.add_argument("--model", default=None, help="model folder as executors see it (default data/models/default)")
    parser.add_argument("--partitions", type=int, default=None, help="coding tasks (default: 2 per core)")
    parser.add_argument("--master", default=None, help="Spark master when run without spark-submit (default local[*])")
    parser.add_argument("--overwrite", action="store_true", help="replace the output folder if it exists")
    args = parser.parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from pyspark.sql import SparkSession

    existed = SparkSession.getActiveSession() is not None
    session: SparkSession | None = None
    summary: dict[str, object] | None = None
    failure: str | None = None
    try:
        session = build_session(args.master)
        summary = run_job(
            session,
            args.input,
            args.output,
            args.model,
            args.partitions,
            "overwrite" if args.overwrite else "errorifexists",
        )
    except CodingAssistantError as exc:
        failure = str(exc)
    except Exception as exc:
        if not is_spark_error(exc):
            raise
        failure = f"the Spark job failed: {short_spark_error(exc)}"
    finally:
        if session is not None and not existed:  # a session this job did not start is its owner's to stop
            session.stop()
    # Printed after the session stops, so that the reason is the last line, below Spark's own log lines.
    if failure is not None:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
