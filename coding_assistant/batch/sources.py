"""Where the nightly batch reads stays: JSONL, CSV, Parquet, a SQL query, or an RSS file plus its letters.

Every source yields `SourceItem`s: a stay, or the reason one record could not become a stay together with the
place it came from (file:line, row number, stay id), so that one bad record is reported and the others coded.

Tabular sources (CSV, Parquet, SQL) hold one row per document, the stay's fields repeated on each of its rows:

    stay_id, doc_id, doc_type, doc_position, text, sex, age, admission_date, discharge_date, unit

and, when the table has them, the RUM's administrative fields (`rum_admin`; kept with the stay in the store,
read by the grouping preview):

    entry_mode, entry_origin, exit_mode, exit_destination, birth_weight, gestational_age, sessions

Only `stay_id` and `text` are required; `doc_id` defaults to "<stay_id>-<n>", `doc_type` to CRH, documents keep
`doc_position` order (else the order of the rows). That is the shape of a data-warehouse extract (one row per
letter), and the shape the Spark job reads.

Text files are read in binary and decoded line by line, so that a bad byte costs its own line (or CSV row)
only: JSONL in UTF-8; CSV, the SQL of `--query-file` and RSS letters in the declared `encoding`, else UTF-8,
else CP1252 (French hospital exports often are). An item's `error` is the reason alone: its `location`
already says where.
"""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from coding_assistant.errors import CodingAssistantError, unreadable
from coding_assistant.rum_admin import ADMIN_CODE_FIELDS, STAY_ADMIN_FIELDS
from coding_assistant.schema import (
    Codes,
    Document,
    InputFileError,
    Stay,
    describe_validation_error,
    iter_jsonl_records,
)
from coding_assistant.text_encoding import decode_line, decode_text, encoding_name

SourceFormat = Literal["jsonl", "csv", "parquet", "sql", "rss"]
SOURCE_FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet", "sql", "rss")
STAY_FIELDS = ("sex", "age", "admission_date", "discharge_date", "unit", *STAY_ADMIN_FIELDS)
PARQUET_BATCH_ROWS = 2048


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One record of the source: a stay, or an error naming where it came from (never the record's text)."""

    location: str
    stay: Stay | None = None
    error: str | None = None
    stay_id: str | None = None  # known even for a bad stay when the record named it
    source_rum: str | None = None  # the RUM line of a stay read from an RSS, kept for the export


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What `batch --source` points at; `describe()` is what the run records (no password of a URL)."""

    location: str
    format: SourceFormat
    query: str | None = None
    documents: Path | None = None
    join_on: Literal["rss", "admin"] = "rss"
    encoding: str | None = None  # CSV, query file, letters: None = UTF-8, else CP1252; JSONL: None = UTF-8
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        where = _hide_password(self.location) if self.format == "sql" else self.location
        return f"{self.format}:{where}"


def guess_format(location: str) -> SourceFormat:
    """The format a source location implies: a database URL, a file or folder by its extension, else RSS."""
    if "://" in location:
        return "sql"
    path = Path(location)
    if path.is_dir():
        if any(path.glob("*.parquet")):
            return "parquet"
        return "jsonl"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "rss"


def open_source(spec: SourceSpec) -> Iterator[SourceItem]:
    """The stays of a source, in source order; raises CodingAssistantError only when the source as a whole
    cannot be read (missing file, bad URL, missing option) — a bad record is an item with an error."""
    if spec.format == "jsonl":
        return _jsonl_items(Path(spec.location), spec.encoding or "utf-8")
    if spec.format == "csv":
        return _grouped(_csv_rows(Path(spec.location), spec.encoding))
    if spec.format == "parquet":
        return _grouped(_parquet_rows(Path(spec.location)))
    if spec.format == "sql":
        if not spec.query:
            raise CodingAssistantError(f"{spec.describe()}: a database source needs --query 'SELECT …'")
        return _grouped(_sql_rows(spec.location, spec.query))
    if spec.format == "rss":
        if spec.documents is None:
            raise CodingAssistantError(f"{spec.location}: an RSS source needs --documents DIR (its letters)")
        return _rss_items(Path(spec.location), spec.documents, spec.join_on, spec.encoding)
    raise CodingAssistantError(f"unknown source format {spec.format!r}; one of {', '.join(SOURCE_FORMATS)}")


# JSONL -----------------------------------------------------------------------------------------------------


def _jsonl_items(path: Path, encoding: str) -> Iterator[SourceItem]:
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise CodingAssistantError(f"{path}: no .jsonl file in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise CodingAssistantError(f"{path}: no such file or folder")
    for file in files:
        for where, record in iter_jsonl_records(file, Stay, encoding):
            if isinstance(record, InputFileError):
                yield SourceItem(where, error=record.reason, stay_id=record.stay_id)
            else:
                yield SourceItem(where, stay=record)


# Tabular sources: one row per document ----------------------------------------------------------------------


@dataclass
class _StayRows:
    first_location: str
    fields: dict[str, Any]
    documents: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    error: str | None = None

    def at(self, location: str, reason: str) -> str:
        """`reason`, prefixed by the row it concerns unless that is the stay's first row (the item's place)."""
        return reason if location == self.first_location else f"{location}: {reason}"


def _grouped(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> Iterator[SourceItem]:
    """Rows → stays, grouped by stay_id in order of first appearance (a stay's rows need not be adjacent)."""
    stays: dict[str, _StayRows] = {}
    for location, row in rows:
        if "_error" in row:  # the reader could not even cut this row into fields
            yield SourceItem(location, error=str(row["_error"]))
            continue
        stay_id = _clean(row.get("stay_id"))
        if stay_id is None:
            yield SourceItem(location, error="stay_id is missing")
            continue
        text = row.get("text")
        fields = {name: _clean(row.get(name)) for name in STAY_FIELDS}
        for name in ADMIN_CODE_FIELDS:
            fields[name] = _code(fields[name])
        group = stays.get(stay_id)
        if group is None:
            group = stays[stay_id] = _StayRows(location, fields)
        elif group.error is None:
            for name in STAY_FIELDS:
                if fields[name] is not None and group.fields[name] is not None and fields[name] != group.fields[name]:
                    group.error = f"{location}: {name} differs from the stay's first row"
                    break
                if group.fields[name] is None:
                    group.fields[name] = fields[name]
        if text is None or (isinstance(text, float) and text != text):  # None or NaN from pandas-like sources
            group.error = group.error or group.at(location, "text is missing")
            continue
        position = _clean(row.get("doc_position"))
        try:
            order = float(position) if position is not None else float(len(group.documents))
        except ValueError:
            group.error = group.error or group.at(location, "doc_position is not a number")
            continue
        group.documents.append((order, len(group.documents), {**row, "text": str(text)}))
    for stay_id, group in stays.items():
        yield _stay_of_rows(stay_id, group)


def _stay_of_rows(stay_id: str, group: _StayRows) -> SourceItem:
    where = f"{group.first_location} (stay {stay_id})"
    if group.error is not None:
        return SourceItem(where, error=group.error, stay_id=stay_id)
    documents = []
    for n, (_, _, row) in enumerate(sorted(group.documents, key=lambda d: (d[0], d[1])), start=1):
        documents.append(
            Document(
                doc_id=_clean(row.get("doc_id")) or f"{stay_id}-{n}",
                type=_clean(row.get("doc_type")) or _clean(row.get("type")) or "CRH",
                text=row["text"],
            )
        )
    try:
        stay = Stay(stay_id=stay_id, documents=documents, **group.fields)
    except ValidationError as exc:
        return SourceItem(where, error=describe_validation_error(exc, "stay"), stay_id=stay_id)
    return SourceItem(where, stay=stay)


def _clean(value: Any) -> Any:
    """Empty strings and NaN (pandas' missing value) are missing; dates and datetimes become dates."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return value


def _code(value: Any) -> Any:
    """An administrative code as the RUM writes it: upper case ("r" → "R", so that a stay's rows agree), and the
    digit of one that a table holds as a number (8, 8.0 from a column with blanks, Decimal 8 from SQL); anything
    else is left for the stay's validation."""
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[str, Mapping[str, Any]]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CodingAssistantError(unreadable(path, exc)) from exc
    # A whole letter sits in one cell: lift the csv module's 128 kB field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    undecodable: dict[int, str] = {}  # line number -> why it could not be decoded

    def lines() -> Iterator[str]:
        for number, raw in enumerate(handle, start=1):
            try:
                yield decode_line(raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw, encoding)
            except UnicodeDecodeError as exc:
                undecodable[number] = f"line {number} is not {encoding_name(encoding)} ({exc.reason})"
                # Stand-in text so that the csv reader keeps its place; the row is reported, never read.
                yield raw.decode("latin-1")

    with handle:
        decoded = lines()
        header = next(decoded, "")
        if undecodable:
            raise CodingAssistantError(f"{path}:1: the header {undecodable[1]}; give --encoding")
        # French spreadsheets write ";" between fields; tab for .tsv; else ",".
        delimiter = max((";", "\t", ","), key=header.count) if header else ","
        names = next(csv.reader([header], delimiter=delimiter), [])
        names = [name.strip().lower() for name in names]
        if "stay_id" not in names or "text" not in names:
            raise CodingAssistantError(f"{path}:1: the header must name at least stay_id and text columns")
        reader = csv.reader(decoded, delimiter=delimiter)
        previous_end = 0  # lines read by the csv reader so far; a quoted letter spans several lines
        try:
            for values in reader:
                first, last = previous_end + 2, reader.line_num + 1  # file lines of this row (+ the header)
                where = f"{path}:{first}"
                previous_end = reader.line_num
                bad = [undecodable[n] for n in range(first, last + 1) if n in undecodable]
                if bad:
                    yield where, {"_error": bad[0]}
                    continue
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(names):
                    yield where, {"_error": f"{len(values)} fields where the header has {len(names)}"}
                    continue
                yield where, dict(zip(names, values, strict=True))
        except csv.Error as exc:
            raise CodingAssistantError(f"{path}:{reader.line_num + 1}: {exc}") from exc


def _parquet_rows(path: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise CodingAssistantError("reading Parquet needs pyarrow (pip install pyarrow)") from exc
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise CodingAssistantError(f"{path}: no such Parquet file or folder of .parquet files")
    for file in files:
        try:
            parquet = pq.ParquetFile(file)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError… for unreadable files
            raise CodingAssistantError(f"{file}: not a readable Parquet file ({type(exc).__name__})") from exc
        names = {name.lower() for name in parquet.schema_arrow.names}
        if "stay_id" not in names or "text" not in names:
            raise CodingAssistantError(f"{file}: the table must have at least stay_id and text columns")
        number = 0
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield f"{file} row {number}", {key.lower(): value for key, value in row.items()}


def read_query_file(path: Path, encoding: str | None) -> str:
    """The SQL of `--query-file`: declared encoding, else UTF-8, else CP1252 (a query saved on Windows)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodingAssistantError(unreadable(path, exc)) from exc
    try:
        query = decode_text(data, encoding).strip()
    except UnicodeDecodeError as exc:
        raise CodingAssistantError(
            f"{path}: not {encoding_name(encoding)} ({exc.reason} at byte {exc.start})"
        ) from None
    if not query:
        raise CodingAssistantError(f"{path}: the query file is empty")
    return query


def _sql_rows(url: str, query: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        engine = create_engine(url, hide_parameters=True)
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise CodingAssistantError(f"{_hide_password(url)}: not a usable database URL ({exc})") from exc
    try:
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(text(query))
            columns = [str(c).lower() for c in result.keys()]  # noqa: SIM118 - a Result, not a dict
            if "stay_id" not in columns or "text" not in columns:
                raise CodingAssistantError("the --query must return at least stay_id and text columns")
            for number, row in enumerate(result, start=1):
                yield f"query row {number}", dict(zip(columns, row, strict=True))
    except SQLAlchemyError as exc:
        # Class, SQLSTATE and names only: a warehouse's message may quote a row (PostgreSQL's DETAIL lines).
        from coding_assistant.store.db_errors import describe_database_error

        reason, _ = describe_database_error(exc)
        raise CodingAssistantError(f"{_hide_password(url)}: the query failed ({reason})") from None
    finally:
        engine.dispose()


def _hide_password(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1] if "@" in url else url


# RSS + documents --------------------------------------------------------------------------------------------


def _rss_items(
    path: Path, documents: Path, join_on: Literal["rss", "admin"], encoding: str | None
) -> Iterator[SourceItem]:
    from coding_assistant.formats import DocumentFolder, format_rum_line, read_rss, stay_of_rum

    if not path.is_file():
        raise CodingAssistantError(f"{path}: no such RSS file")
    if not documents.is_dir():
        raise CodingAssistantError(f"{documents}: no such documents folder")
    folder = DocumentFolder(documents, encoding, strict=False)  # a bad letter fails its stay, not the run
    result = read_rss(path, on_error="collect")
    for error in result.errors:
        yield SourceItem(error.where or str(path), error=error.reason)
    for folder_error in folder.errors:  # lines of documents.jsonl that name no number: no stay to fail
        yield SourceItem(folder_error.where, error=folder_error.reason)
    # One stay per RUM, in the records' order.
    for record in result.records:
        where = f"{record.source or path} (stay {record.stay_id})"
        try:
            stay = stay_of_rum(record, folder, join_on)
        except InputFileError as exc:
            yield SourceItem(where, error=f"letter {exc}", stay_id=record.stay_id)
            continue
        except ValidationError as exc:
            yield SourceItem(where, error=describe_validation_error(exc, "stay"), stay_id=record.stay_id)
            continue
        if not stay.documents:
            yield SourceItem(where, error=f"no document found in {documents}", stay_id=stay.stay_id)
            continue
        # The RSS's diagnoses are a past coding, not an input: the batch proposes from the letters alone. Its act
        # zones stay the stay's acts (`codes.acts`), which the grouping preview groups beside the proposed ones
        # (the engines code the stay without its codes).
        acts = stay.codes.acts if stay.codes is not None else None
        yield SourceItem(
            where,
            stay=stay.model_copy(update={"codes": Codes(acts=acts) if acts else None}),
            source_rum=format_rum_line(record, record.version, on_overflow="truncate"),
        )
