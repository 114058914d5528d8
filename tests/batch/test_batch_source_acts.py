"""The act lines a stay came with (`codes.acts` in JSONL, a RUM's act zones) are grouped by the batch's stored
preview beside the proposals, kept by the store for a stay without a RUM line, and a change of them alone groups
the unchanged stay again without recoding it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from coding_assistant.batch.engines import LocalEngine
from coding_assistant.batch.runner import BatchReport, BatchRunner
from coding_assistant.batch.sources import SourceSpec, guess_format, open_source
from coding_assistant.schema import CodedAct, Codes, Document, Stay, write_jsonl
from coding_assistant.store import Store

LETTER = "Conclusion : lithiase vésiculaire symptomatique, cholécystite aiguë lithiasique."
SURGERY = CodedAct(code="HMFC004", activity=1, phase=0, date=date(2025, 3, 2))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(None, tmp_path)
    yield opened
    opened.close()


def stay(acts: list[CodedAct] | None) -> Stay:
    return Stay(
        stay_id="C1",
        sex="F",
        age=52,
        admission_date=date(2025, 3, 1),
        discharge_date=date(2025, 3, 4),
        documents=[Document(doc_id="C1-CRH", text=LETTER)],
        codes=Codes(dp="K800", acts=acts),
    )


def test_input_acts_are_grouped_stored_and_regrouped_when_only_they_change(
    store: Store, text_pipeline, tmp_path: Path
) -> None:
    path = tmp_path / "stays.jsonl"

    def run_with(acts: list[CodedAct] | None) -> BatchReport:
        write_jsonl(path, [stay(acts)])
        items = list(open_source(SourceSpec(location=str(path), format=guess_format(str(path)))))
        runner = BatchRunner(store, LocalEngine(None, pipeline=text_pipeline), text_pipeline.model)
        return runner.run(items, "test")

    first = run_with([SURGERY])
    before = store.load_proposals("C1")
    assert first.coded == 1 and before is not None and before.grouping is not None
    assert not any(a.selected for a in before.acts)  # the letter names no act: the surgery is the input's
    # The stored preview groups the input act (a cholecystectomy: surgical GHM of CMD 07), and the store keeps it.
    assert before.grouping.ghm is not None and before.grouping.ghm.startswith("07C")
    assert store.load_stay("C1").codes == Codes(acts=[SURGERY])

    second = run_with([])  # coded again upstream: no act was done after all
    after = store.load_proposals("C1")
    assert (second.coded, second.skipped, second.regrouped) == (0, 1, 1)
    assert after is not None and after.grouping is not None and after.grouping.ghm == "07M021"
    assert after.proposals == before.proposals  # the letters were not coded again
    assert store.load_stay("C1").codes == Codes(acts=[])
    assert store.worklist(limit=5)[0].ghm == "07M021"
    assert run_with([]).regrouped == 0  # nothing changed: nothing grouped again
