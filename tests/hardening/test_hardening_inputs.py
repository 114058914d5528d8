"""Bad input never stops a run: one bad JSONL record, CSV row or letter file is a failure naming its place and
reason (never its text), and every other stay is read and coded."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchRunner
from coding_assistant.batch.sources import SourceSpec, guess_format, open_source
from coding_assistant.cli import app
from coding_assistant.cli.stay_sources import read_coded_stays
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import (
    Codes,
    Document,
    InputFileError,
    Stay,
    StayProposals,
    parse_jsonl_line,
    read_stays,
    write_jsonl,
)
from coding_assistant.store import Store

RSS = Path(__file__).parents[1] / "data" / "rss"
LETTER = "Insuffisance cardiaque globale décompensée. Pas de diabète. Hypertension artérielle traitée."
SECRET = "Mme Duchemin"  # stands for patient text: it must never reach an error or a log line
runner = CliRunner()


def stay(stay_id: str, text: str = LETTER, codes: Codes | None = None) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex="F",
        age=80,
        admission_date=date(2026, 10, 25),
        discharge_date=date(2026, 11, 20),
        unit="CARDIO",
        documents=[Document(doc_id=f"{stay_id}-crh", type="CRH", text=text)],
        codes=codes,
    )


def line_of(record: Stay) -> bytes:
    return record.model_dump_json().encode("utf-8") + b"\n"


# Each: a JSONL line (bytes) that once stopped a whole run, and the reason it must now give.
LONE_SURROGATE = b'{"stay_id": "B1", "documents": [{"doc_id": "d", "text": "' + SECRET.encode() + b' \\ud800"}]}\n'
DEEP = b'{"stay_id": "B2", "documents": ' + b"[" * 1000 + b"]" * 1000 + b"}\n"
DEEP_IN_A_FIELD = b'{"stay_id": "B3", "codes": {"das": ' + b"[" * 900 + b"]" * 900 + b"}}\n"
HUGE_INTEGER = b'{"stay_id": "B4", "age": ' + b"9" * 5000 + b"}\n"
NOT_UTF8 = b'{"stay_id": "B5", "documents": [{"doc_id": "d", "text": "caf\xe9 ' + SECRET.encode() + b'"}]}\n'
BAD_LINES = {
    "lone surrogate": (LONE_SURROGATE, "lone surrogate"),
    "deep nesting": (DEEP, "nested too deeply"),
    "deep nesting in a field": (DEEP_IN_A_FIELD, "codes.das: malformed code (value not shown)"),
    "huge integer": (HUGE_INTEGER, "too many digits"),
}


@pytest.fixture(scope="module")
def pipeline(terminology):
    return CodingPipeline(None, terminology, default_mention_dictionary())


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(None, tmp_path / "store")
    yield opened
    opened.close()


def items_of(location: Path | str, **options):
    spec = SourceSpec(location=str(location), format=options.pop("format", guess_format(str(location))), **options)
    return list(open_source(spec))


def run_batch(store: Store, pipeline, items):
    return BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model).run(items, "test")


def mixed_jsonl(path: Path) -> Path:
    """BOM + good S1, then every bad line, a line that is not UTF-8, and a good S2 last."""
    content = b"\xef\xbb\xbf" + line_of(stay("S1"))
    content += b"".join(line for line, _ in BAD_LINES.values()) + NOT_UTF8 + line_of(stay("S2"))
    path.write_bytes(content)
    return path


# One JSONL line ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "reason"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_is_an_input_error_naming_place_and_reason(line: bytes, reason: str) -> None:
    with pytest.raises(InputFileError) as raised:
        parse_jsonl_line(line.decode("utf-8"), Stay, "f.jsonl:7")
    assert raised.value.where == "f.jsonl:7" and reason in raised.value.reason
    assert SECRET not in str(raised.value) and len(str(raised.value)) < 200


def test_a_bom_and_a_valid_surrogate_pair_are_read() -> None:
    text = '\ufeff{"stay_id": "S1", "documents": [{"doc_id": "d", "text": "Douleur \\ud83d\\ude00"}]}'
    assert parse_jsonl_line(text, Stay, "f:1").documents[0].text == "Douleur \U0001f600"


def test_jsonl_source_reads_line_by_line_and_names_each_bad_line(tmp_path: Path) -> None:
    path = mixed_jsonl(tmp_path / "stays.jsonl")
    items = items_of(path)
    assert [i.stay.stay_id for i in items if i.stay] == ["S1", "S2"]  # the BOM did not cost the first stay
    failed = [(i.location, i.error) for i in items if i.error]
    assert [where for where, _ in failed] == [f"{path}:{n}" for n in range(2, 7)]
    assert "not UTF-8" in failed[-1][1]
    assert all(SECRET not in error for _, error in failed)


def test_a_batch_codes_every_good_stay_of_a_file_with_bad_lines(tmp_path: Path, store: Store, pipeline) -> None:
    report = run_batch(store, pipeline, items_of(mixed_jsonl(tmp_path / "stays.jsonl")))
    assert (report.coded, report.failed) == (2, 5)
    assert report.failures[-1]["location"].endswith(":6") and "not UTF-8" in report.failures[-1]["error"]
    assert SECRET not in json.dumps(report.as_dict())


def test_iter_jsonl_names_the_non_utf8_line_and_keeps_the_lines_before(tmp_path: Path) -> None:
    path = tmp_path / "stays.jsonl"
    path.write_bytes(line_of(stay("S1")) + b"\n" + NOT_UTF8 + line_of(stay("S2")))
    with pytest.raises(InputFileError, match=r"stays\.jsonl:3: not UTF-8"):
        read_stays(path)
    errors: list[InputFileError] = []
    assert [s.stay_id for s in read_coded_stays(path, on_error=errors.append)] == ["S1", "S2"]
    assert [e.where for e in errors] == [f"{path}:3"]


# predict, evaluate, train ------------------------------------------------------------------------------------


def test_predict_codes_every_good_stay_of_a_file_with_bad_lines(tmp_path: Path, small_model: Path) -> None:
    source = tmp_path / "stays.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + line_of(stay("S1")) + b"".join(b for b, _ in BAD_LINES.values()))
    with source.open("ab") as handle:
        handle.write(line_of(stay("S2")))
    out = runner.invoke(
        app, ["predict", str(source), "--output", str(tmp_path / "p.jsonl"), "--model", str(small_model)]
    )
    assert out.exit_code == 1, out.output
    written = [json.loads(line)["stay_id"] for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert written == ["S1", "S2"]
    for number, (_, reason) in enumerate(BAD_LINES.values(), start=2):
        assert f"{source}:{number}" in out.stderr and reason in out.stderr
    assert SECRET not in out.stderr and "Traceback" not in out.stderr


def test_predict_keeps_the_stays_around_a_line_that_is_not_utf8(tmp_path: Path, small_model: Path) -> None:
    source = tmp_path / "stays.jsonl"
    source.write_bytes(line_of(stay("S1")) + NOT_UTF8 + line_of(stay("S2")))
    out = runner.invoke(
        app, ["predict", str(source), "--output", str(tmp_path / "p.jsonl"), "--model", str(small_model)]
    )
    assert out.exit_code == 1 and f"{source}:2: not UTF-8" in out.stderr
    assert len((tmp_path / "p.jsonl").read_text().splitlines()) == 2


def test_predict_says_when_it_writes_a_stay_id_twice(tmp_path: Path, small_model: Path) -> None:
    source = tmp_path / "stays.jsonl"
    write_jsonl(source, [stay("S1"), stay("S2"), stay("S1", text="Autre lettre.")])
    out = runner.invoke(
        app, ["predict", str(source), "--output", str(tmp_path / "p.jsonl"), "--model", str(small_model)]
    )
    assert "1 stay id" in out.stderr and "S1" in out.stderr and "Autre lettre" not in out.stderr


def gold_and_predictions(tmp_path: Path) -> tuple[Path, Path]:
    gold, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.jsonl"
    coded = [stay(f"S{n}", codes=Codes(dp="I500", das=["I10"])) for n in range(1, 4)]
    gold.write_bytes(line_of(coded[0]) + HUGE_INTEGER.replace(b'"B4"', b'"S2"') + NOT_UTF8 + line_of(coded[2]))
    model = {"name": "m", "version": "1"}
    lines = [
        StayProposals.model_validate({"stay_id": s.stay_id, "model": model, "proposals": []}).model_dump_json()
        for s in coded
    ]
    predictions.write_text("\n".join([lines[0], lines[1], "[" * 1000, lines[2]]) + "\n", encoding="utf-8")
    return gold, predictions


def test_evaluate_scores_the_stays_of_readable_lines_and_names_the_others(tmp_path: Path) -> None:
    gold, predictions = gold_and_predictions(tmp_path)
    out = runner.invoke(app, ["evaluate", "--input", str(gold), "--predictions", str(predictions), "--json"])
    assert out.exit_code == 1
    assert json.loads(out.stdout)["counts"]["stays"] == 2  # S1 and S3; S2's gold line is unreadable
    for where in (f"{gold}:2", f"{gold}:3", f"{predictions}:3"):
        assert where in out.stderr
    assert SECRET not in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("empty", ["gold", "predictions"])
def test_evaluate_on_an_empty_file_is_a_clear_error(tmp_path: Path, empty: str) -> None:
    gold, predictions = gold_and_predictions(tmp_path)
    (gold if empty == "gold" else predictions).write_text("\n", encoding="utf-8")
    out = runner.invoke(app, ["evaluate", "--input", str(gold), "--predictions", str(predictions)])
    assert out.exit_code == 2
    assert out.stderr.count("\n") <= 4 and "error:" in out.stderr
    assert ("no stay could be read" if empty == "gold" else "no prediction") in out.stderr


def test_training_stays_skip_bad_lines_with_a_warning(tmp_path: Path, caplog) -> None:
    folder = tmp_path / "history"
    folder.mkdir()
    mixed_jsonl(folder / "a.jsonl")
    with caplog.at_level(logging.WARNING, logger="coding_assistant.cli.stay_sources"):
        stays = read_coded_stays(folder)
    assert [s.stay_id for s in stays] == ["S1", "S2"]
    assert len(caplog.records) == 5 and all(":" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text


# CSV and SQL exported in CP1252 ------------------------------------------------------------------------------

CSV_HEADER = "stay_id;doc_id;text;sex;age;unit\n"


def test_csv_in_cp1252_is_detected_and_read(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    text = CSV_HEADER + "C1;c1;Lettre: fièvre, œdème, intubé;F;70;RÉA\nC2;c2;Deuxième lettre;M;60;CHIR\n"
    path.write_bytes(text.encode("cp1252"))
    items = items_of(path)
    assert [i.stay.documents[0].text for i in items] == ["Lettre: fièvre, œdème, intubé", "Deuxième lettre"]
    assert items[0].stay.unit == "RÉA"
    assert [i.stay.unit for i in items_of(path, encoding="latin-1")][1] == "CHIR"


def test_a_csv_line_not_in_the_declared_encoding_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        CSV_HEADER.encode()
        + "C1;c1;Première lettre;F;70;CARDIO\n".encode()
        + "C2;c2;Lettre cp1252 é;F;70;CARDIO\n".encode("cp1252")
        + "C3;c3;Troisième lettre;F;70;CARDIO\n".encode()
    )
    items = items_of(path, encoding="utf-8")
    assert [i.stay.stay_id for i in items if i.stay] == ["C1", "C3"]
    (bad,) = [i for i in items if i.error]
    assert bad.location == f"{path}:3" and "not utf-8" in bad.error and "cp1252" not in bad.error


def test_a_query_file_saved_in_cp1252_is_read(tmp_path: Path, small_model: Path) -> None:
    database = tmp_path / "dwh.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE lettres (stay_id, text, unit)")
        connection.executemany("INSERT INTO lettres VALUES (?, ?, ?)", [("Q1", LETTER, "RÉA"), ("Q2", LETTER, "X")])
    query = tmp_path / "lettres.sql"
    query.write_bytes("SELECT stay_id, text, unit FROM lettres WHERE unit = 'RÉA'\n".encode("cp1252"))
    report = tmp_path / "report.json"
    out = runner.invoke(
        app,
        ["batch", "--source", f"sqlite:///{database}", "--query-file", str(query), "--model", str(small_model),
         "--db", f"sqlite:///{tmp_path / 'store.db'}", "--report", str(report)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert (json.loads(report.read_text())["coded"], json.loads(report.read_text())["read"]) == (1, 1)


# RSS with bad letter files -----------------------------------------------------------------------------------


def rss_with_letters(tmp_path: Path) -> tuple[Path, Path]:
    """Six RSS of one RUM each; letters: 2001-2003 good, 2004 binary .txt, 2005 malformed own .jsonl line,
    2006 a doc_id given twice; documents.jsonl: a bad line for 2002's number-less neighbour, unreadable."""
    from coding_assistant.formats import format_rum_line, read_rss

    template = next(iter(read_rss(RSS / "rss_mixed.txt")))
    numbers = [f"200{n}" for n in range(1, 7)]
    lines = [format_rum_line(dataclasses.replace(template, rss_number=n, admin_number=f"A{n}")) for n in numbers]
    rss = tmp_path / "rss.txt"
    rss.write_text("\n".join(lines) + "\n", encoding="latin-1")
    letters = tmp_path / "letters"
    letters.mkdir()
    for number in ("2001", "2002", "2003", "2006"):
        (letters / f"{number}_CRH.txt").write_text(LETTER, encoding="utf-8")
    (letters / "2004_CRH.txt").write_bytes(b"%PDF-1.7\x00\x00\x01\x02" + SECRET.encode() + b"\xff\xfe")
    (letters / "2005.jsonl").write_text(
        json.dumps({"doc_id": "2005-a", "text": LETTER}) + "\n" + '{"doc_id": "2005-b", "text": "' + SECRET + "\n",
        encoding="utf-8",
    )
    (letters / "2006.jsonl").write_text(json.dumps({"doc_id": "2006_CRH", "text": SECRET}) + "\n", encoding="utf-8")
    (letters / "documents.jsonl").write_text(
        json.dumps({"number": "2003", "doc_id": "2003-ll", "text": "Lettre de liaison."}) + "\n" + "{oops\n",
        encoding="utf-8",
    )
    return rss, letters


def test_an_rss_batch_fails_only_the_stays_of_bad_letter_files(tmp_path: Path, store: Store, pipeline) -> None:
    rss, letters = rss_with_letters(tmp_path)
    items = items_of(rss, documents=letters)
    report = run_batch(store, pipeline, items)
    assert report.coded == 3 and {s["stay_id"] for s in report.failures} == {"2004-1", "2005-1", "2006-1", None}
    errors = {f["stay_id"]: f for f in report.failures}
    assert "2004_CRH.txt" in errors["2004-1"]["error"] and "not a text file" in errors["2004-1"]["error"]
    assert "2005.jsonl:2" in errors["2005-1"]["error"] and "not valid JSON" in errors["2005-1"]["error"]
    assert "appears twice" in errors["2006-1"]["error"]
    assert errors[None]["location"] == f"{letters / 'documents.jsonl'}:2"
    assert all(f["location"].startswith(f"{rss}:") for f in report.failures if f["stay_id"])
    assert SECRET not in json.dumps(report.as_dict())
    assert len(store.load_stay("2003-1").documents) == 2


def test_the_summary_names_each_failure_place_once(tmp_path: Path, store: Store, pipeline) -> None:
    report = run_batch(store, pipeline, items_of(mixed_jsonl(tmp_path / "stays.jsonl")))
    marked = [line for line in report.summary().splitlines() if line.strip().startswith("✗")]
    assert len(marked) == len(report.failures) == 5
    for failure, line in zip(report.failures, marked, strict=True):
        assert line.count(failure["location"]) == 1
    assert all(not f["error"].startswith(f["location"]) for f in report.failures)


# One clear line instead of a traceback -----------------------------------------------------------------------


def cli(*args: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "coding_assistant", *args],
        input=stdin,
        capture_output=True,
        timeout=180,
        env={**os.environ, **env},
    )
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())


def test_a_password_on_stdin_that_is_not_utf8_is_one_error_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'users.db'}"
    for locale in ("C.UTF-8", "C"):
        result = cli("users", "add", "bob", "--role", "coder", "--password-stdin", "--db", db,
                     stdin=b"\xff\xfemot-de-passe-long\n", LC_ALL=locale)  # fmt: skip
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip() == "error: the password on stdin is not UTF-8 text"


def test_a_bad_setting_value_is_one_error_line(tmp_path: Path) -> None:
    result = cli("users", "list", "--db", f"sqlite:///{tmp_path / 'u.db'}", CODING_ASSISTANT_QUALIFIER_ENGINE="xyz")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: setting CODING_ASSISTANT_QUALIFIER_ENGINE:")
    assert "'rules' or 'edsnlp'" in result.stderr
