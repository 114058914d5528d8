"""The RUM's administrative fields read from the table sources' optional columns, and kept by the batch's store:
the review UI's grouping preview reads the same stay as the batch's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchReport, BatchRunner
from coding_assistant.batch.sources import SourceItem, SourceSpec, _code, guess_format, open_source
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rum_admin import STAY_ADMIN_FIELDS
from coding_assistant.schema import Stay
from coding_assistant.store import Store

HEADER = ";".join(("stay_id", "doc_id", "text", "sex", "age", *STAY_ADMIN_FIELDS))
NEWBORN = {
    "entry_mode": "N",
    "entry_origin": None,
    "exit_mode": "7",
    "exit_destination": "1",
    "birth_weight": 2450,
    "gestational_age": 35,
    "sessions": None,
}


def items_of(location: Path | str, query: str | None = None) -> list[SourceItem]:
    return list(open_source(SourceSpec(location=str(location), format=guess_format(str(location)), query=query)))


def admin_of(stay: Stay | None) -> dict[str, object]:
    assert stay is not None
    return {name: getattr(stay, name) for name in STAY_ADMIN_FIELDS}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(None, tmp_path)
    yield opened
    opened.close()


def test_a_csv_with_the_columns_gives_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f"{HEADER}\n"
        "N1;n1-a;Naissance prématurée;F;0;n;;7;1;2450;35;\n"
        "N1;n1-b;Suite;F;0;N;;7;1;2450;35;\n"  # the same code in another case: the rows agree
        "S1;s1;Séance;M;60;8;;8;;;;3\n"
        "X1;x1;Lettre;M;60;5;;8;;;;\n"  # provenance 5 is no entry mode
        "X2;x2-a;Lettre;M;60;8;;8;;;;\n"
        "X2;x2-b;Lettre;M;60;8;;9;;;;\n",
        encoding="utf-8",
    )
    items = {item.stay_id or (item.stay.stay_id if item.stay else None): item for item in items_of(path)}
    assert admin_of(items["N1"].stay) == NEWBORN
    assert admin_of(items["S1"].stay) == {
        **dict.fromkeys(STAY_ADMIN_FIELDS),
        "entry_mode": "8",
        "exit_mode": "8",
        "sessions": 3,
    }
    assert items["X1"].stay is None and items["X1"].error is not None and items["X1"].error.startswith("entry_mode")
    assert items["X2"].stay is None and items["X2"].error == f"{path}:7: exit_mode differs from the stay's first row"


def test_a_csv_without_the_columns_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("stay_id;text;sex\nC1;Lettre;F\n", encoding="utf-8")
    (item,) = items_of(path)
    assert admin_of(item.stay) == dict.fromkeys(STAY_ADMIN_FIELDS)


def test_parquet_and_sql_give_the_same_fields(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = {
        "stay_id": ["N1", "S1"],
        "text": ["Naissance prématurée", "Séance"],
        "ENTRY_MODE": ["N", "8"],  # column names in any case
        "exit_mode": [7.0, None],  # a code column with blanks, written as numbers
        "exit_destination": ["1", None],
        "birth_weight": [2450, None],
        "gestational_age": [35, None],
        "sessions": [None, 3],
    }
    pq.write_table(pa.table(rows), tmp_path / "stays.parquet")
    parquet = [item.stay for item in items_of(tmp_path / "stays.parquet")]
    assert admin_of(parquet[0]) == NEWBORN
    assert admin_of(parquet[1]) == {**dict.fromkeys(STAY_ADMIN_FIELDS), "entry_mode": "8", "sessions": 3}

    database = tmp_path / "dwh.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute(f"CREATE TABLE letters ({', '.join(rows)})")
        connection.executemany(
            "INSERT INTO letters VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(zip(*rows.values(), strict=True))
        )
    sql = [item.stay for item in items_of(f"sqlite:///{database}", query="SELECT * FROM letters ORDER BY stay_id")]
    assert [s.model_dump() for s in sql if s] == [s.model_dump() for s in parquet if s]


def test_a_code_held_as_a_number_is_its_digit() -> None:
    assert [_code(v) for v in (8.0, Decimal("7"), 8, "r", 7.5, None)] == [8, 7, 8, "R", 7.5, None]


def test_the_batch_stores_the_fields_and_a_corrected_one_without_recoding(
    store: Store, terminology, tmp_path: Path
) -> None:
    pipeline = CodingPipeline(None, terminology, default_mention_dictionary())
    path = tmp_path / "export.csv"

    def run_with(exit_mode: str) -> tuple[int, int]:
        path.write_text(f"{HEADER}\nN1;n1;Naissance prématurée;F;0;N;;{exit_mode};1;2450;35;\n", encoding="utf-8")
        runner = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model)
        report = runner.run(items_of(path), "test")
        return report.coded, report.skipped

    assert run_with("7") == (1, 0)
    assert admin_of(store.load_stay("N1")) == NEWBORN
    assert run_with("6") == (0, 1)  # not in the content hash: not recoded, but stored
    assert store.load_stay("N1").exit_mode == "6"


def test_a_changed_exit_mode_refreshes_the_stored_grouping_without_recoding(
    store: Store, terminology, tmp_path: Path
) -> None:
    pipeline = CodingPipeline(None, terminology, default_mention_dictionary())
    path = tmp_path / "export.csv"
    header = "stay_id;doc_id;text;sex;age;admission_date;discharge_date;exit_mode"
    letter = "Conclusion : pneumopathie franche lobaire aiguë traitée par amoxicilline."

    def run_with(exit_mode: str) -> BatchReport:
        path.write_text(f"{header}\nP1;p1;{letter};M;70;2025-03-01;2025-03-05;{exit_mode}\n", encoding="utf-8")
        runner = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model)
        return runner.run(items_of(path), "test")

    first = run_with("8")
    before = store.load_proposals("P1")
    assert first.coded == 1 and before is not None and before.grouping is not None
    assert before.grouping.severity == "1"
    second = run_with("9")  # the patient died: Manuel des GHM, volume 1, a death is at least level 2
    after = store.load_proposals("P1")
    assert (second.coded, second.skipped, second.regrouped) == (0, 1, 1)
    assert after is not None and after.grouping is not None and after.grouping.severity == "2"
    assert after.proposals == before.proposals  # the letters were not coded again
    row = store.worklist(limit=5)[0]
    assert row.ghm == after.grouping.ghm and row.ghm != before.grouping.ghm
    assert run_with("9").regrouped == 0  # nothing changed: nothing grouped again


def test_a_grouping_preview_that_fails_never_stops_the_night(
    store: Store, terminology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = CodingPipeline(None, terminology, default_mention_dictionary())
    path = tmp_path / "export.csv"
    header = "stay_id;doc_id;text;sex;age;admission_date;discharge_date;exit_mode"

    def run_with(exit_mode: str) -> BatchReport:
        row = f"P1;p1;Conclusion : pneumopathie.;M;70;2025-03-01;2025-03-05;{exit_mode}"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        runner = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model)
        return runner.run(items_of(path), "test")

    assert run_with("8").coded == 1

    def broken(*_: object) -> None:
        raise RuntimeError("a grouping table this version cannot read")

    monkeypatch.setattr("coding_assistant.batch.runner.summarise_grouping", broken)
    report = run_with("9")  # the exit mode changed: the stored preview would be made again, and fails
    assert (report.skipped, report.regrouped, report.failed, report.status) == (1, 0, 0, "succeeded")
    assert store.load_stay("P1").exit_mode == "9"
