"""No letter text, name, unit, code nor password hash in an error message or a log line, whatever the store
refuses: field lengths and NUL characters are checked before the database sees them, and a database error
says where and why (exception class, table, constraint), never the statement's values.

A marker planted in letters, units, codes and names must never come out of a batch run, good or failing, on
SQLite and on PostgreSQL (CODING_ASSISTANT_TEST_PG; scripts/postgres_for_tests.sh starts a local server).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchRunner
from coding_assistant.batch.sources import SourceItem
from coding_assistant.cli import app
from coding_assistant.errors import CodingAssistantError
from coding_assistant.formats import RssFormatError, parse_rum_line
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Codes, Document, Stay
from coding_assistant.store import Store, StoreError
from coding_assistant.store import limits as store_limits
from coding_assistant.store.db_errors import StoreDatabaseError, database_errors

PG_URL = os.environ.get("CODING_ASSISTANT_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="set CODING_ASSISTANT_TEST_PG (scripts/postgres_for_tests.sh)"),
    ),
]
MARKER = "Zqxmarkerwv"  # stands for a patient's words: must never reach an error, a log line or stdout
LETTER = f"Mme {MARKER} Duchemin. Insuffisance cardiaque globale décompensée. Hypertension artérielle traitée."
runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    assert PG_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(store_url, tmp_path)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def pipeline(terminology) -> CodingPipeline:
    return CodingPipeline(None, terminology, default_mention_dictionary())


def stay(stay_id: str, text: str = LETTER, **fields: object) -> Stay:
    values: dict[str, object] = {
        "sex": "F",
        "age": 80,
        "admission_date": date(2026, 10, 25),
        "discharge_date": date(2026, 11, 20),
        "unit": "CARDIO",
        "documents": [Document(doc_id=f"{stay_id}-crh", type="CRH", text=text)],
    }
    return Stay(stay_id=stay_id, **{**values, **fields})  # type: ignore[arg-type]


# Each: a stay the store cannot keep as it is, and the field its error must name.
TOO_LONG_ID = "S" * 130
MISFITS = {
    "NUL in a letter": (stay("NUL", text=f"{LETTER}\x00 suite"), "document 1 text holds a NUL character"),
    "unit over 64": (stay("UNIT", unit=MARKER * 7), "unit has 77 characters; the store keeps at most 64"),
    "id over 128": (stay(TOO_LONG_ID), "stay_id has 130 characters; the store keeps at most 128"),
    "doc_id over 128": (
        stay("DOC", documents=[Document(doc_id="d" * 129, text=LETTER)]),
        "document 1 doc_id has 129 characters",
    ),
    "document type over 32": (
        stay("TYPE", documents=[Document(doc_id="d", type=MARKER * 4, text=LETTER)]),
        "document 1 type has 44 characters",
    ),
}


@pytest.mark.parametrize(("record", "reason"), MISFITS.values(), ids=MISFITS.keys())
def test_a_value_the_store_cannot_keep_is_refused_before_the_database(store: Store, record: Stay, reason: str) -> None:
    with pytest.raises(StoreError) as raised:
        store.upsert_stay(record)
    message = str(raised.value)
    assert reason in message and MARKER not in message and "\x00" not in message
    who = "a stay whose id has 130 characters" if record.stay_id == TOO_LONG_ID else f"stay {record.stay_id}"
    assert message.startswith(f"{who}: ")
    assert store.get_stay(record.stay_id) is None


def test_a_batch_codes_the_stays_that_fit_and_names_the_others(store: Store, pipeline: CodingPipeline) -> None:
    items = [SourceItem(f"in.jsonl:{n}", stay=record) for n, (record, _) in enumerate(MISFITS.values(), start=1)]
    items.append(SourceItem("in.jsonl:9", stay=stay("GOOD")))
    report = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model).run(items, "test")
    assert (report.coded, report.failed) == (1, len(MISFITS))
    assert store.get_stay("GOOD").status == "proposed"  # type: ignore[union-attr]
    recorded = store.batch_failures(report.run_id)
    assert len(recorded) == len(MISFITS)
    assert {f.location for f in recorded} == {f"in.jsonl:{n}" for n in range(1, len(MISFITS) + 1)}  # by place
    too_long = list(MISFITS).index("id over 128") + 1
    assert next(f for f in recorded if f.location == f"in.jsonl:{too_long}").stay_id is None  # too long a stay id
    everything = json.dumps(report.as_dict()) + report.summary() + repr(recorded)
    assert MARKER not in everything and "\\u0000" not in everything


def test_database_errors_name_place_and_reason_never_values(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # A foreign key the database refuses: the message holds the class and the constraint, not the values.
    with pytest.raises(StoreDatabaseError) as raised:
        store.record_batch_failure("no-such-run", "S1", "in.jsonl:1", f"reason {MARKER}")
    message = str(raised.value)
    assert message.startswith("store (record_batch_failure, stay S1): the database refused the request (")
    assert MARKER not in message and "INSERT" not in message and "[SQL" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__  # no chained statement text
    if store.engine.dialect.name == "postgresql":
        assert "ForeignKeyViolation" in message and "fk_batch_failures_run_id_batch_runs" in message
        # A value PostgreSQL would quote in its message ('invalid input syntax for type integer: "…"').
        with (
            pytest.raises(StoreDatabaseError) as cast_error,
            database_errors("a page"),
            store.engine.connect() as connection,
        ):
            connection.execute(text("SELECT CAST(:v AS INTEGER)"), {"v": MARKER})
        assert "InvalidTextRepresentation" in str(cast_error.value) and MARKER not in str(cast_error.value)
        # The length check switched off: PostgreSQL's own refusal says as little.
        monkeypatch.setattr("coding_assistant.store.repository.check_stay", lambda *args: None)
        with pytest.raises(StoreDatabaseError) as too_long:
            store.upsert_stay(stay("LONG", unit=MARKER * 7))
        assert "StringDataRightTruncation" in str(too_long.value) and MARKER not in str(too_long.value)
    else:
        assert "FOREIGN KEY constraint failed" in message


def test_the_store_engine_hides_statement_parameters(store: Store) -> None:
    assert store.engine.hide_parameters


BAD_NAMES = {
    "username over 64": (f"u{MARKER}" * 6, None, "username refused: 72 characters, at most 64"),
    "newline in a username": ("eve\nmallory     admin          active", None, "username refused: it holds a control"),
    "newline in a display name": ("eve", f"Eve\n{MARKER}", "display name refused: it holds a control"),
    "bidirectional override": ("eve", "Eve \u202egnp.exe", "display name refused: it holds a control"),
}


@pytest.mark.parametrize(("username", "name", "reason"), BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_username_or_name_that_could_forge_a_line_or_leak_a_hash_is_refused(
    store: Store, username: str, name: str | None, reason: str
) -> None:
    with pytest.raises(StoreError) as raised:
        store.add_user(username, "a-long-enough-password", "coder", name)
    message = str(raised.value)
    assert message == reason or message.startswith(reason)
    assert MARKER not in message and "scrypt" not in message and "$" not in message
    assert store.list_users() == []


def test_users_list_prints_one_line_per_account(store_url: str, tmp_path: Path) -> None:
    add = ["users", "add", "--role", "coder", "--password-stdin", "--db", store_url]
    assert runner.invoke(app, [*add[:2], "alice", *add[2:]], input="a-long-enough-password\n").exit_code == 0
    forged = runner.invoke(app, [*add[:2], "eve\nmallory  admin  active", *add[2:]], input="another-password-9\n")
    assert forged.exit_code == 2 and "username refused: it holds a control" in forged.stderr
    listing = runner.invoke(app, ["users", "list", "--db", store_url])
    assert listing.stdout.count("\n") == 1 and listing.stdout.startswith("alice")


def test_rss_reading_errors_show_no_date_nor_code() -> None:
    from tests.formats.test_formats import HAND_023, replace_at

    birth = replace_at(HAND_023, 63, "29022030")  # not a date at all (2030 is not a leap year)
    after = replace_at(HAND_023, 63, "01012026")  # born after the stay began
    code = replace_at(HAND_023, 126, "9ZQXW999")
    for line, reason in ((birth, "is not a valid date"), (after, "birth date is after entry date"), (code, "dp")):
        with pytest.raises(RssFormatError) as raised:
            parse_rum_line(line, "rss.txt:3")
        message = str(raised.value)
        assert reason in message
        assert not any(value in message for value in ("29022030", "2030", "01012026", "01/01/2026", "9ZQXW999"))


# A damaged SQLite store ------------------------------------------------------------------------------------


def damage(db: Path) -> None:
    """Overwrite the pages of the second half of the file (letters' text) with garbage, as a failing disk would."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(db.read_bytes())
    for start in range(len(data) // page_size // 2 * page_size, len(data), page_size):
        data[start + 8 : start + 64] = b"\xa5" * 56
    db.write_bytes(bytes(data))


def test_a_damaged_sqlite_store_is_one_error_line_without_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url, tmp_path)
    for n in range(40):
        store.upsert_stay(stay(f"S{n}", text=LETTER * 20))
    store.close()
    damage(tmp_path / "store.db")
    store = Store.open(url, tmp_path, upgrade=False)
    try:
        with pytest.raises(StoreError) as raised:
            for n in range(40):
                store.load_stay(f"S{n}")
                store.upsert_stay(stay(f"S{n}", text=f"{LETTER} changé"))
    finally:
        store.close()
    assert "database disk image is malformed" in str(raised.value) or "DatabaseError" in str(raised.value)
    assert MARKER not in str(raised.value)


# The whole run: nothing planted comes out ------------------------------------------------------------------


def planted_stays() -> list[Stay | str]:
    """Stays whose letters, units and codes carry the marker; some the store refuses, some the schema."""
    good = [stay(f"P{n}", unit=f"U{MARKER}"[:12], codes=Codes(dp="I5002")) for n in range(3)]
    return [
        *good,
        stay("BOOM1"),  # the pipeline below fails on it with the letter in its exception's message
        stay("NUL1", text=f"{LETTER}\x00"),
        stay("UNIT1", unit=MARKER * 7),
        '{"stay_id": "CODE1", "codes": {"dp": "' + MARKER + '"}, "documents": []}',
        '{"stay_id": "CODE2", "codes": {"das": ["I10", "' + MARKER[:7] + '"]}, "documents": []}',
        '{"stay_id": "DATE1", "admission_date": "' + MARKER + '", "documents": []}',
        '{"stay_id": "SEX1", "sex": "' + MARKER + '", "documents": []}',
    ]


def write_source(path: Path) -> Path:
    lines = [r if isinstance(r, str) else r.model_dump_json() for r in planted_stays()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class LeakyPipeline:
    """A real pipeline, except that some stays make it raise an exception quoting their letter."""

    def __init__(self, inner: CodingPipeline) -> None:
        self.inner = inner
        self.model = inner.model

    def propose(self, record: Stay) -> object:
        if record.stay_id.startswith("BOOM"):
            raise ValueError(f"cannot read {record.documents[0].text}")
        return self.inner.propose(record)


@pytest.mark.parametrize("failing", [False, True], ids=["mixed batch", "failing batch"])
def test_no_planted_marker_in_any_output_or_log_of_a_batch(
    store_url: str,
    tmp_path: Path,
    small_model: Path,
    pipeline: CodingPipeline,
    failing: bool,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    leaky = LeakyPipeline(pipeline)
    if failing:  # every stay fails in the pipeline, with its letter in the exception
        monkeypatch.setattr(LeakyPipeline, "propose", lambda self, record: (_ for _ in ()).throw(ValueError(LETTER)))
    monkeypatch.setattr(CodingPipeline, "load", classmethod(lambda cls, *args, **kwargs: leaky))
    source = write_source(tmp_path / "stays.jsonl")
    report = tmp_path / "report.json"
    args = ["batch", "--source", str(source), "--db", store_url, "--model", str(small_model), "--report", str(report)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    payload = json.loads(report.read_text(encoding="utf-8"))
    assert payload["coded"] == (0 if failing else 3) and payload["failed"] == (10 if failing else 7)
    captured = capfd.readouterr()
    outputs = {
        "stdout": result.stdout,
        "stderr": result.stderr,
        "report": report.read_text(encoding="utf-8"),
        "log": "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records),
        "fd": captured.out + captured.err,
    }
    for name, output in outputs.items():
        assert MARKER not in output, f"the marker is in the {name}"
        assert "Traceback" not in output, f"a traceback is in the {name}"
    assert "ValueError while coding this stay" in result.stderr  # the failure is still named, by its type
    store = Store.open(store_url, tmp_path)
    try:
        kept = repr(store.batch_failures(payload["run_id"]))
    finally:
        store.close()
    assert "ValueError while coding this stay" in kept and MARKER not in kept


def test_store_limit_errors_are_store_errors_and_value_errors() -> None:
    # The batch catches StoreError and ValueError around a store write: a refusal fails one stay, not the run.
    assert issubclass(store_limits.StoreLimitError, StoreError)
    assert issubclass(store_limits.StoreLimitError, ValueError)
    assert issubclass(StoreDatabaseError, CodingAssistantError)
