"""The review UI's data layer (no browser): a stay read without a RUM line comes with the act lines its source
gave, kept by the store; they are the stay's source acts (kept in the acts panel) and the UI's grouping preview
then reads the same acts as the batch's stored one."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchRunner
from coding_assistant.batch.sources import SourceSpec, guess_format, open_source
from coding_assistant.formats import RumAct, RumRecord, format_rum_line
from coding_assistant.schema import CodedAct, Codes, Document, Stay, write_jsonl
from coding_assistant.store import DecidedAct, Store

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.grouping import preview, stay_facts  # noqa: E402
from coding_review.stay_data import input_acts, load_open_stay  # noqa: E402

ENTRY, EXIT = date(2025, 3, 1), date(2025, 3, 4)
LETTER = "Conclusion : lithiase vésiculaire symptomatique, cholécystite aiguë lithiasique."
SURGERY = CodedAct(code="HMFC004", activity=1, phase=0, date=date(2025, 3, 2))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(None, tmp_path)
    yield opened
    opened.close()


def test_the_input_acts_are_the_source_acts_and_the_previews_agree(store: Store, text_pipeline, tmp_path: Path) -> None:
    stay = Stay(
        stay_id="C1", sex="F", age=52, admission_date=ENTRY, discharge_date=EXIT,
        documents=[Document(doc_id="C1-CRH", text=LETTER)], codes=Codes(dp="K800", acts=[SURGERY]),
    )  # fmt: skip
    path = tmp_path / "stays.jsonl"
    write_jsonl(path, [stay])
    items = list(open_source(SourceSpec(location=str(path), format=guess_format(str(path)))))
    BatchRunner(store, LocalEngine(None, pipeline=text_pipeline), text_pipeline.model).run(items, "test")

    opened = load_open_stay(store, "C1", str)
    assert opened.source_rum is None
    kept = [(line.code, line.origin, choice.activity, choice.date) for line, choice in opened.draft.kept_acts()]
    assert kept == [("HMFC004", "source", 1, date(2025, 3, 2))]
    assert opened.draft.decided_acts() == [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2))]
    facts = stay_facts(opened.stay, opened.draft.codes(), opened.draft.decided_acts() or ())
    assert facts is not None
    stored = store.load_proposals("C1")
    assert stored is not None and stored.grouping is not None
    assert preview(facts).ghm == stored.grouping.ghm and stored.grouping.ghm.startswith("07C")


def test_a_rum_line_gives_the_source_acts_before_any_stored_ones() -> None:
    zone = RumAct(code="HMFC004", date=date(2025, 3, 2), activity="4", phase="0")
    record = RumRecord(
        finess="750000001", version="023", rss_number="R1", admin_number="R1", rum_number="1",
        birth_date=date(1973, 1, 5), sex="F", unit="CHIR", entry_date=ENTRY, entry_mode="8", exit_date=EXIT,
        exit_mode="8", dp="K802", acts=[zone],
    )  # fmt: skip
    line = format_rum_line(record)
    stay = Stay(stay_id="R1", codes=Codes(acts=[SURGERY]))
    assert input_acts(stay, line) == [DecidedAct("HMFC004", 4, 0, date(2025, 3, 2))]
    assert input_acts(stay, None) == [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2))]
    assert input_acts(Stay(stay_id="J"), None) == []
