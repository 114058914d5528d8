"""Property-based fuzzing of everything that reads outside input, and of the proposals writer: whatever the
bytes or the text, the answer is a result or a CodingAssistantError (one line naming place and reason), never
another exception. A fixed budget (derandomized, a set number of examples) keeps the file under a minute."""

from __future__ import annotations

import json
import string
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding_assistant.batch.sources import SourceSpec, open_source
from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats import RumRecord, parse_rum_line, read_rss
from coding_assistant.schema import (
    Evidence,
    InputFileError,
    ModelInfo,
    Note,
    Proposal,
    Stay,
    StayProposals,
    jsonl_lines,
    parse_jsonl_line,
    read_stays,
    write_jsonl,
)
from tests.formats.test_formats import HAND_023

T = TypeVar("T")

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
FEW = settings(FUZZ, max_examples=80)

# Text that reaches the edges: accents, NUL and control characters, lone surrogates, emoji, BOMs, separators.
EDGY = st.sampled_from(["\x00", "\ud800", "\udfff", "\ufeff", "\u202e", "\r", "\n", ";", ",", "\t", '"', "é", "😀"])
ANY_TEXT = st.text(st.one_of(st.characters(), EDGY), max_size=200)
ANY_BYTES = st.binary(max_size=600)
STAY_KEYS = [
    "stay_id",
    "sex",
    "age",
    "admission_date",
    "discharge_date",
    "unit",
    "documents",
    "codes",
    "doc_id",
    "type",
    "text",
    "dp",
    "dr",
    "das",
    "acts",
]
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    ANY_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(STAY_KEYS) | ANY_TEXT, inner, max_size=5)
    ),
    max_leaves=25,
)


def only_product_errors(call: Callable[[], T]) -> T | None:
    """The call's result, or None when it raised a CodingAssistantError; any other exception fails the test."""
    try:
        return call()
    except CodingAssistantError:
        return None


@contextmanager
def file_with(content: bytes, suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        yield path


def stay_line(payload: Any) -> str:
    # ensure_ascii: lone surrogates travel as \ud800 escapes, as they would in a real file.
    return json.dumps(payload, ensure_ascii=True, allow_nan=True)


# JSONL --------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    st.one_of(
        ANY_TEXT, JSON_VALUES.map(stay_line), st.dictionaries(st.sampled_from(STAY_KEYS), JSON_VALUES).map(stay_line)
    )
)
def test_a_jsonl_line_is_a_stay_or_an_input_error(line: str) -> None:
    try:
        parsed = parse_jsonl_line(line, Stay, "f.jsonl:3")
    except InputFileError as exc:
        assert str(exc).startswith("f.jsonl:3")
        return
    assert isinstance(parsed, Stay)
    parsed.model_dump_json()  # what was read can be written back


@FUZZ
@given(st.lists(st.one_of(ANY_BYTES, JSON_VALUES.map(lambda v: stay_line(v).encode())), max_size=6))
def test_a_jsonl_file_of_any_bytes_reads_line_by_line(lines: list[bytes]) -> None:
    with file_with(b"\n".join(lines), ".jsonl") as path:
        for where, line in jsonl_lines(path):
            assert where.startswith(f"{path}:")
            if not isinstance(line, InputFileError):
                only_product_errors(lambda line=line, where=where: parse_jsonl_line(line, Stay, where))
        only_product_errors(lambda: read_stays(path))
        items = list(open_source(SourceSpec(location=str(path), format="jsonl")))
        assert all((item.stay is None) != (item.error is None) for item in items)


# CSV (the batch's tabular source) ------------------------------------------------------------------------------

CSV_HEADERS = st.lists(
    st.sampled_from(
        [
            "stay_id",
            "text",
            "doc_id",
            "doc_type",
            "doc_position",
            "sex",
            "age",
            "admission_date",
            "discharge_date",
            "unit",
            "other",
        ]
    ),
    min_size=1,
    max_size=6,
)


@FUZZ
@given(
    CSV_HEADERS,
    st.lists(st.lists(ANY_TEXT, max_size=7), max_size=5),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
    st.booleans(),
)
def test_a_csv_of_any_content_gives_stays_or_named_errors(
    header: list[str], rows: list[list[str]], separator: str, encoding: str, garble: bool
) -> None:
    text = "\n".join(separator.join(cells) for cells in [header, *rows])
    data = text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    if garble:
        data = data[: len(data) // 2] + b"\xff\xfe\x00\x81" + data[len(data) // 2 :]
    with file_with(data, ".csv") as path:
        items = only_product_errors(lambda: list(open_source(SourceSpec(location=str(path), format="csv"))))
        for item in items or []:
            assert (item.stay is None) != (item.error is None)
            assert item.location


# RSS ----------------------------------------------------------------------------------------------------------


def mutated_rum() -> st.SearchStrategy[str]:
    """The hand-written valid RUM with a stretch replaced by other characters, cut, or lengthened."""
    return st.tuples(
        st.integers(0, len(HAND_023)), st.text(string.printable + "é\x00", max_size=20), st.integers(0, len(HAND_023))
    ).map(lambda t: (HAND_023[: t[0]] + t[1] + HAND_023[t[0] + len(t[1]) :])[: max(t[2], t[0])])


@FUZZ
@given(st.one_of(ANY_TEXT, mutated_rum()))
def test_a_rum_line_is_a_record_or_a_format_error(line: str) -> None:
    record = only_product_errors(lambda: parse_rum_line(line, "rss.txt:9"))
    assert record is None or isinstance(record, RumRecord)


@FEW
@given(st.lists(st.one_of(ANY_BYTES, mutated_rum().map(lambda s: s.encode("latin-1", "replace"))), max_size=5))
def test_an_rss_file_of_any_bytes_gives_records_and_errors(lines: list[bytes]) -> None:
    with file_with(b"\r\n".join(lines), ".txt") as path:
        result = only_product_errors(lambda: read_rss(path, on_error="collect"))
        if result is not None:
            assert all(isinstance(error, CodingAssistantError) for error in result.errors)


@FEW
@given(st.lists(st.tuples(st.sampled_from(["7", "8", "99999"]), ANY_BYTES), max_size=4), st.booleans())
def test_an_rss_batch_with_letters_of_any_bytes_names_each_bad_one(
    letters: list[tuple[str, bytes]], as_jsonl: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rss = Path(folder) / "rss.txt"
        rss.write_text(HAND_023 + "\n", encoding="latin-1")
        documents = Path(folder) / "letters"
        documents.mkdir()
        for number, content in letters:
            (documents / (f"{number}.jsonl" if as_jsonl else f"{number}_crh.txt")).write_bytes(content)
        spec = SourceSpec(location=str(rss), format="rss", documents=documents)
        items = only_product_errors(lambda: list(open_source(spec)))
        for item in items or []:
            assert (item.stay is None) != (item.error is None)


# Code search ---------------------------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(ANY_TEXT, st.text(string.ascii_letters + string.digits + ".- ", max_size=12)), st.integers(-2, 300))
def test_any_search_query_gives_results_or_a_query_error(index, query: str, limit: int) -> None:
    results = only_product_errors(lambda: index.search(query, limit))
    assert results is None or len(results) <= max(limit, 0)


# The proposals writer ------------------------------------------------------------------------------------------

CODES = st.sampled_from(["I5002", "I10", "E119", "N184", "Z921"])
EVIDENCE = st.builds(
    Evidence,
    doc_id=ANY_TEXT,
    start=st.integers(0, 10**6),
    end=st.integers(0, 10**6),
    text=ANY_TEXT,
    negated=st.booleans(),
    hypothetical=st.booleans(),
    family=st.booleans(),
    cues=st.lists(ANY_TEXT, max_size=2),
)
NOTES = st.builds(
    Note,
    rule=ANY_TEXT,
    message=ANY_TEXT,
    kind=st.sampled_from(["check", "note"]),
    severity=st.sampled_from(["error", "warning", "info"]),
    fg_error=st.none() | ANY_TEXT,
    code=st.none() | ANY_TEXT,
)
PROPOSALS = st.builds(
    StayProposals,
    stay_id=ANY_TEXT,
    model=st.builds(ModelInfo, name=ANY_TEXT, version=ANY_TEXT),
    proposals=st.lists(
        st.builds(
            Proposal,
            code=CODES,
            label=ANY_TEXT,
            score=st.floats(0, 1),
            evidence=st.lists(EVIDENCE, max_size=3),
            warnings=st.lists(NOTES, max_size=2),
            role=st.sampled_from([None, "DP", "DR", "DAS"]),
        ),
        max_size=4,
    ),
    warnings=st.lists(NOTES, max_size=3),
)


@FUZZ
@given(st.lists(PROPOSALS, max_size=4))
def test_the_proposals_writer_writes_every_record_or_refuses_one_whole(records: list[StayProposals]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "proposals.jsonl"
        written = only_product_errors(lambda: write_jsonl(path, records))
        if written is None:
            assert list(Path(folder).iterdir()) == []  # refused: no half file, no temporary file
            return
        assert written == len(records)
        back = [parse_jsonl_line(line, StayProposals, "p") for _, line in jsonl_lines(path)]  # type: ignore[arg-type]
        assert back == records
