"""The nightly batch: sources, change detection, failures, lock, report — with a model-free pipeline."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchRunner
from coding_assistant.batch.sources import SourceSpec, guess_format, open_source
from coding_assistant.errors import CodingAssistantError
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.notes import DP_BELOW_THRESHOLD_NOTE
from coding_assistant.schema import Codes, Document, ModelInfo, Note, Proposal, Stay, StayProposals, write_jsonl
from coding_assistant.store import BatchCounts, BatchLockedError, Store

RSS = Path(__file__).parents[1] / "data" / "rss"

LETTER = (
    "Motif : décompensation cardiaque. Insuffisance cardiaque globale avec FEVG à 35 %. "
    "Pas de diabète. Antécédent d'hypertension artérielle traitée. Conclusion : insuffisance cardiaque."
)


def make_stay(stay_id: str, text: str = LETTER, discharge: date | None = date(2026, 11, 20), **extra) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex="F",
        age=80,
        admission_date=date(2026, 10, 25),
        discharge_date=discharge,
        unit="CARDIO",
        documents=[Document(doc_id=f"{stay_id}-crh", type="CRH", text=text)],
        **extra,
    )


@pytest.fixture(scope="module")
def pipeline(terminology):
    return CodingPipeline(None, terminology, default_mention_dictionary())


class FailingOn:
    """A pipeline that raises for chosen stays, as an unexpected bug in one stay would."""

    def __init__(self, pipeline: CodingPipeline, bad: set[str]) -> None:
        self.inner, self.bad, self.model = pipeline, bad, pipeline.model

    def propose(self, stay: Stay):
        if stay.stay_id in self.bad:
            raise RuntimeError("boom")
        return self.inner.propose(stay)


@pytest.fixture
def store(tmp_path: Path):
    store = Store.open(None, tmp_path)
    yield store
    store.close()


def run(store: Store, pipeline, stays_or_items, since: date | None = None):
    items = stays_or_items
    if stays_or_items and isinstance(stays_or_items[0], Stay):
        from coding_assistant.batch.sources import SourceItem

        items = [SourceItem(f"test:{i}", stay=s) for i, s in enumerate(stays_or_items, 1)]
    runner = BatchRunner(store, LocalEngine(None, pipeline=pipeline), pipeline.model, since=since)
    return runner.run(items, "test")


# Runner -----------------------------------------------------------------------------------------------------


def test_codes_new_stays_then_skips_them_then_recodes_only_what_changed(store, pipeline) -> None:
    stays = [make_stay(f"S{i}") for i in range(5)]
    first = run(store, pipeline, stays)
    assert (first.coded, first.skipped, first.failed, first.status) == (5, 0, 0, "succeeded")
    assert all(store.load_proposals(s.stay_id) is not None for s in stays)
    assert store.get_stay("S0").status == "proposed"

    again = run(store, pipeline, stays)
    assert (again.coded, again.skipped, again.failed) == (0, 5, 0)

    changed = [*stays[:4], make_stay("S4", text=LETTER + " Fibrillation atriale paroxystique.")]
    third = run(store, pipeline, changed)
    assert (third.coded, third.skipped) == (1, 4)
    saved = [a for a in store.audit_for_stay("S4") if a.action == "proposals_saved"]
    assert len(saved) == 2 and saved[-1].details["run_id"] == third.run_id


def test_a_new_model_recodes_proposed_stays_but_never_validated_ones(store, pipeline) -> None:
    stays = [make_stay("A"), make_stay("B")]
    run(store, pipeline, stays)
    store.add_user("tim", "un mot de passe long", "coder")
    store.save_decision("A", "tim", Codes(dp="I509"), expected_version=store.get_stay("A").version)

    class NewModel(FailingOn):
        def __init__(self, inner):
            super().__init__(inner, set())
            self.model = inner.model.model_copy(update={"version": "next"})

        def propose(self, stay):
            return super().propose(stay).model_copy(update={"model": self.model})

    report = run(store, NewModel(pipeline), stays)
    assert (report.coded, report.skipped) == (1, 1)
    assert store.get_stay("A").status == "validated"
    assert store.load_proposals("B").model.version == "next"


def test_one_bad_stay_is_recorded_and_never_stops_the_others(store, pipeline) -> None:
    from coding_assistant.batch.sources import SourceItem

    items = [
        SourceItem("f.jsonl:1", stay=make_stay("OK1")),
        SourceItem("f.jsonl:2", error="f.jsonl:2: not valid JSON (Expecting value at column 1)"),
        SourceItem("f.jsonl:3", stay=make_stay("BAD")),
        SourceItem("f.jsonl:4", stay=make_stay("OK2")),
    ]
    report = run(store, FailingOn(pipeline, {"BAD"}), items)
    assert (report.coded, report.failed, report.read) == (2, 2, 4)
    assert {f["location"] for f in report.failures} == {"f.jsonl:2", "f.jsonl:3"}  # the record, by its place
    failures = store.batch_failures(report.run_id)
    assert [(f.stay_id, f.location) for f in failures] == [(None, "f.jsonl:2"), ("BAD", "f.jsonl:3")]
    assert "RuntimeError" in failures[1].error and "boom" not in failures[1].error  # no raw exception text
    assert store.load_proposals("OK2") is not None and store.load_proposals("BAD") is None
    # The failed stay is retried by the next run; the others are not recoded.
    retry = run(store, pipeline, [make_stay("OK1"), make_stay("BAD"), make_stay("OK2")])
    assert (retry.coded, retry.skipped, retry.failed) == (1, 2, 0)


def test_a_second_concurrent_run_is_refused_with_a_clear_message(store, pipeline) -> None:
    holder = store.start_batch_run("local", "elsewhere", holder="other-host:1234")
    with pytest.raises(BatchLockedError, match="already running"):
        run(store, pipeline, [make_stay("X")])
    assert store.get_stay("X") is None  # refused before touching anything
    store.finish_batch_run(holder.id, BatchCounts())
    assert run(store, pipeline, [make_stay("X")]).coded == 1


def test_a_dead_local_holder_is_taken_over_at_once(store, pipeline, tmp_path) -> None:
    import socket

    # Another process's store: closing it ends that "process" without finishing its run, as a kill would.
    elsewhere = Store.open(None, tmp_path)
    dead = elsewhere.start_batch_run("local", "killed", holder=f"{socket.gethostname()}:999999")
    elsewhere.close()
    report = run(store, pipeline, [make_stay("Y")])
    assert report.coded == 1
    assert store.get_batch_run(dead.id).status == "abandoned"


def test_since_keeps_stays_discharged_on_or_after_the_date(store, pipeline) -> None:
    stays = [
        make_stay("OLD", discharge=date(2026, 11, 1)),
        make_stay("NEW", discharge=date(2026, 11, 27)),
        make_stay("IN", discharge=None),
    ]
    report = run(store, pipeline, stays, since=date(2026, 11, 27))
    assert (report.coded, report.out_of_range) == (1, 2)
    assert store.get_stay("NEW") is not None and store.get_stay("OLD") is None


def test_report_counts_and_dp_share(store, pipeline) -> None:
    report = run(store, pipeline, [make_stay("R1"), make_stay("R1"), make_stay("R2", text="Bilan. RAS.")])
    assert report.duplicates == 1 and report.coded == 2
    payload = report.as_dict()
    for key in ("coded", "skipped", "failed", "seconds", "dp_above_threshold_share", "run_id", "model"):
        assert key in payload
    confident = [
        s
        for s in ("R1", "R2")
        if any(p.role == "DP" and DP_BELOW_THRESHOLD_NOTE not in p.warnings for p in store.load_proposals(s).proposals)
    ]
    assert "R1" in confident  # the letter names its heart failure in the motif and the conclusion
    assert payload["dp_above_threshold"] == len(confident)
    assert payload["dp_above_threshold_share"] == len(confident) / 2
    assert store.get_batch_run(report.run_id).report["coded"] == 2
    assert "coded" in report.summary()


def test_dp_above_threshold_reads_the_pipeline_flag() -> None:
    from coding_assistant.batch.runner import dp_above_threshold

    def proposals(*warnings: Note) -> StayProposals:
        dp = Proposal(code="I509", score=0.3, role="DP", selected=True, warnings=list(warnings))
        return StayProposals(stay_id="W", model=ModelInfo(name="m", version="1"), proposals=[dp])

    assert dp_above_threshold(proposals())
    assert not dp_above_threshold(proposals(DP_BELOW_THRESHOLD_NOTE))
    assert dp_above_threshold(proposals(Note(rule="model-only", message="DP proposé sous le seuil")))  # by id
    assert not dp_above_threshold(StayProposals(stay_id="W", model=ModelInfo(name="m", version="1")))


# Sources ----------------------------------------------------------------------------------------------------


def items_of(location, **options):
    spec = SourceSpec(location=str(location), format=options.pop("format", guess_format(str(location))), **options)
    return list(open_source(spec))


def test_jsonl_source_names_the_bad_line_and_keeps_the_others(tmp_path) -> None:
    path = tmp_path / "stays.jsonl"
    write_jsonl(path, [make_stay("J1"), make_stay("J2")])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], "{not json", '{"stay_id": "J3", "age": 300}', lines[1]]) + "\n")
    items = items_of(path)
    assert [i.stay.stay_id if i.stay else None for i in items] == ["J1", None, None, "J2"]
    assert items[1].location == f"{path}:2" and items[1].error.startswith("not valid JSON")
    assert items[2].stay_id == "J3" and items[2].error.startswith("age") and items[2].location == f"{path}:3"


def test_csv_source_groups_documents_and_reports_bad_rows(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "stay_id;doc_id;doc_type;doc_position;text;sex;age;admission_date;discharge_date;unit\n"
        'C1;c1-b;CRO;2;"Compte rendu opératoire;\nsur deux lignes";F;70;2026-11-01;2026-11-05;CHIR\n'
        "C1;c1-a;CRH;1;Lettre de sortie;F;70;2026-11-01;2026-11-05;CHIR\n"
        "C2;c2-a;CRH;1;Lettre;F;70;2026-11-01;2026-11-05;CHIR\n"
        "C2;c2-b;CRH;2;Autre lettre;M;70;2026-11-01;2026-11-05;CHIR\n"
        ";x;CRH;1;Lettre;F;70;2026-11-01;2026-11-05;CHIR\n"
        "C3;c3;CRH;1;trop;de;champs;ici;2026-11-01;2026-11-05;CHIR;X\n"
        "C4;c4;CRH;1;Lettre;F;70;2026-11-09;2026-11-05;CHIR\n",
        encoding="utf-8",
    )
    items = items_of(path)
    by_location = {i.location: i for i in items}
    c1 = next(i.stay for i in items if i.stay and i.stay.stay_id == "C1")
    assert [d.doc_id for d in c1.documents] == ["c1-a", "c1-b"]
    assert c1.documents[1].text == "Compte rendu opératoire;\nsur deux lignes" and c1.sex == "F"
    assert by_location[f"{path}:7"].error == "stay_id is missing"
    assert "fields where the header has 10" in by_location[f"{path}:8"].error
    c2 = next(i for i in items if i.stay_id == "C2")
    assert c2.stay is None and c2.error == f"{path}:6: sex differs from the stay's first row"
    assert c2.location == f"{path}:5 (stay C2)"
    c4 = next(i for i in items if i.stay_id == "C4")
    assert "discharge_date is before admission_date" in c4.error


def test_parquet_and_sql_sources_read_the_same_table(tmp_path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = {
        "stay_id": ["P1", "P1", "P2"],
        "doc_id": ["p1-a", "p1-b", "p2"],
        "text": ["Lettre un", "Lettre deux", "Lettre"],
        "sex": ["M", "M", "F"],
        "age": [60, 60, 30],
        "discharge_date": [date(2026, 11, 2), date(2026, 11, 2), date(2026, 11, 3)],
    }
    pq.write_table(pa.table(rows), tmp_path / "stays.parquet")
    parquet = [i.stay for i in items_of(tmp_path / "stays.parquet")]
    assert [(s.stay_id, len(s.documents), s.age) for s in parquet] == [("P1", 2, 60), ("P2", 1, 30)]

    database = tmp_path / "dwh.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE letters (stay_id, doc_id, text, sex, age, discharge_date)")
        connection.executemany(
            "INSERT INTO letters VALUES (?, ?, ?, ?, ?, ?)",
            [(r[0], r[1], r[2], r[3], r[4], r[5].isoformat()) for r in zip(*rows.values(), strict=True)],
        )
    sql = [i.stay for i in items_of(f"sqlite:///{database}", query="SELECT * FROM letters ORDER BY stay_id, doc_id")]
    assert [s.model_dump() for s in sql] == [s.model_dump() for s in parquet]
    with pytest.raises(CodingAssistantError, match="needs --query"):
        items_of(f"sqlite:///{database}")
    with pytest.raises(CodingAssistantError, match="the query failed"):
        items_of(f"sqlite:///{database}", query="SELECT * FROM nowhere")


def test_rss_source_joins_letters_and_reports_bad_lines(tmp_path) -> None:
    items = items_of(RSS / "rss_mixed.txt", documents=RSS / "documents")
    stays = [i.stay for i in items if i.stay]
    # The RSS's diagnoses are left out (a past coding); its act zones stay the stay's acts.
    assert stays and all(s.documents and (s.codes is None or (s.codes.dp is None and not s.codes.das)) for s in stays)
    bad = items_of(RSS / "rss_malformed.txt", documents=RSS / "documents")
    failed = [i for i in bad if i.error]
    assert failed and all("rss_malformed.txt:" in i.location for i in failed)
    with pytest.raises(CodingAssistantError, match="needs --documents"):
        items_of(RSS / "rss_mixed.txt")


def test_missing_source_is_one_clear_error(tmp_path) -> None:
    with pytest.raises(CodingAssistantError, match="no such file"):
        items_of(tmp_path / "absent.jsonl")
    assert json.dumps(guess_format("postgresql://u@h/db")) == '"sql"'


def test_stays_read_from_an_rss_export_as_their_own_rum_with_the_validated_codes(store, pipeline, tmp_path) -> None:
    """RSS in → batch → coder validates → RSS out: the acts, modes and numbers of the original RUM survive,
    only the diagnoses are the coder's."""
    import dataclasses

    from coding_assistant.export import export_validated
    from coding_assistant.formats import read_rss

    items = items_of(RSS / "rss_mixed.txt", documents=RSS / "documents")
    report = run(store, pipeline, items)
    assert report.coded >= 1
    original = next(r for r in read_rss(RSS / "rss_mixed.txt") if r.acts)
    stay_id = original.stay_id
    assert store.source_rums([stay_id])
    store.add_user("dim", "un mot de passe long", "dim_physician")
    codes = Codes(dp="K802", das=["I10"])
    store.save_decision(stay_id, "dim", codes, expected_version=store.get_stay(stay_id).version)

    result = export_validated(store, "dim", tmp_path / "out.txt", finess=original.finess)
    assert result.written == [stay_id]
    (written,) = list(read_rss(tmp_path / "out.txt"))
    assert (written.dp, written.dr, written.das) == ("K802", None, ["I10"])
    expected = dataclasses.replace(original, dp="K802", dr=None, das=["I10"])
    assert dataclasses.replace(written, version=expected.version) == expected
    assert written.acts == original.acts and written.entry_mode == original.entry_mode

    # A rerun over the same RSS does not recode the validated stay and keeps its RUM.
    again = run(store, pipeline, items_of(RSS / "rss_mixed.txt", documents=RSS / "documents"))
    assert again.coded == 0 and store.get_stay(stay_id).status == "exported"


class LeavesOut:
    """A pipeline that leaves some codes unselected (as a model may), its grouping preview made again."""

    def __init__(self, pipeline: CodingPipeline, codes: set[str]) -> None:
        self.inner, self.codes, self.model = pipeline, codes, pipeline.model

    def propose(self, stay: Stay):
        from coding_assistant.groupage import summarise_grouping

        proposed = self.inner.propose(stay)
        kept = [
            p.model_copy(update={"selected": False, "role": None}) if p.code in self.codes else p
            for p in proposed.proposals
        ]
        proposed = proposed.model_copy(update={"proposals": kept})
        return proposed.model_copy(update={"grouping": summarise_grouping(stay, proposed)})


def test_the_report_counts_the_possible_revaluations_and_the_worklist_lists_them(store, pipeline) -> None:
    from coding_assistant.store import WorklistFilter

    # « sévère » reads as the labels' « grave »: E43, malnutrition protéino-énergétique grave (a CMA).
    denutrition = "Motif : pneumopathie. Dénutrition protéino-énergétique sévère. Conclusion : pneumopathie."
    stays = [make_stay("R1", text=denutrition), make_stay("R2")]
    report = run(store, LeavesOut(pipeline, {"E43"}), stays)
    assert report.coded == 2 and report.revaluation_stays == 1 and report.revaluation_eur > 0
    assert "revaluation possible: 1 stays" in report.summary()
    assert [r.stay_id for r in store.worklist(WorklistFilter(revaluation=True))] == ["R1"]
    row = next(r for r in store.worklist() if r.stay_id == "R1")
    assert row.revaluation_code == "E43" and row.ghm is not None
