"""The store keeps the act lines a stay came with (`codes.acts`) when it has no RUM line, gives them back with the
stay, and tells the batch when they changed; a stay with a RUM line keeps its line's acts alone (migration 0013)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from coding_assistant.formats import RumAct, RumRecord, format_rum_line
from coding_assistant.schema import CodedAct, Codes, Document, ModelInfo, Proposal, Stay, StayProposals
from coding_assistant.store import Store, upgrade_database
from coding_assistant.store.hashing import stay_content_hash
from coding_assistant.store.migrate import alembic_config, current_revision, head_revision
from tests.store.test_store_admin_fields import stays_columns_and_counts

ENTRY, EXIT = date(2025, 3, 1), date(2025, 3, 4)
SURGERY = CodedAct(code="HMFC004", activity=1, phase=0, date=date(2025, 3, 2))
ANAESTHESIA = CodedAct(code="HMFC004", activity=4, phase=0, date=date(2025, 3, 2))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}", tmp_path)
    yield opened
    opened.close()


def jsonl_stay(stay_id: str = "J1", acts: list[CodedAct] | None = None, *, coded: bool = True) -> Stay:
    letter = Document(doc_id=f"{stay_id}-CRH", text="Lithiase vésiculaire symptomatique.")
    codes = Codes(dp="K802", das=["I10"], acts=acts) if coded else None
    return Stay(
        stay_id=stay_id, sex="F", age=52, admission_date=ENTRY, discharge_date=EXIT, documents=[letter], codes=codes
    )


def rum_line(stay_id: str) -> str:
    record = RumRecord(
        finess="750000001", version="023", rss_number=stay_id, admin_number=stay_id, rum_number="1",
        birth_date=date(1973, 1, 5), sex="F", unit="CHIR", entry_date=ENTRY, entry_mode="8", exit_date=EXIT,
        exit_mode="8", dp="K802", acts=[RumAct(code="HMFC004", date=date(2025, 3, 2), activity="1", phase="0")],
    )  # fmt: skip
    return format_rum_line(record)


def test_the_input_acts_of_a_stay_without_a_rum_line_come_back_with_it(store: Store) -> None:
    store.upsert_stay(jsonl_stay("J1", [SURGERY, ANAESTHESIA]))
    store.upsert_stay(jsonl_stay("NONE-DONE", []))  # coded: no act was done
    store.upsert_stay(jsonl_stay("NOT-CODED", None))  # acts not coded
    store.upsert_stay(jsonl_stay("NO-CODES", coded=False))
    loaded = store.load_stay("J1")
    # Only the acts: the source's diagnoses are a past coding, never kept with the stay.
    assert loaded.codes == Codes(acts=[SURGERY, ANAESTHESIA])
    assert store.load_stay("NONE-DONE").codes == Codes(acts=[])
    assert store.load_stay("NOT-CODED").codes is None and store.load_stay("NO-CODES").codes is None
    assert loaded.documents == jsonl_stay().documents


def test_a_stay_with_a_rum_line_keeps_the_line_as_its_acts(store: Store) -> None:
    store.upsert_stay(jsonl_stay("R1", [ANAESTHESIA]))
    assert store.load_stay("R1").codes == Codes(acts=[ANAESTHESIA])
    # Read again from an RSS: the line's act zones are its acts, the column is emptied (no second truth).
    _, changed = store.upsert_stay(jsonl_stay("R1", [SURGERY]), source_rum=rum_line("R1"))
    assert not changed and store.load_stay("R1").codes is None
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT source_acts FROM stays WHERE stay_id = 'R1'")).scalar_one() is None
    # Read once more without the line (a JSONL export): the stored line still holds; nothing is stored.
    store.upsert_stay(jsonl_stay("R1", [SURGERY]))
    assert store.load_stay("R1").codes is None and store.source_rums(["R1"]) == {"R1": rum_line("R1")}
    assert not store.coding_states(["R1"])["R1"].source_acts_changed(jsonl_stay("R1", [SURGERY]))


def test_changed_input_acts_of_an_unchanged_stay_are_stored_without_recoding(store: Store) -> None:
    first, _ = store.upsert_stay(jsonl_stay("J1", [SURGERY]))
    proposal = Proposal(code="K802", score=0.9, role="DP", selected=True)
    run = StayProposals(stay_id="J1", model=ModelInfo(name="m", version="1"), proposals=[proposal])
    store.save_proposals("J1", run, None)
    corrected = jsonl_stay("J1", [SURGERY, ANAESTHESIA])
    assert stay_content_hash(corrected) == first.content_hash  # not in the content hash
    state = store.coding_states(["J1"])["J1"]
    assert state.source_acts_changed(corrected) and not state.needs_coding(first.content_hash, "1")
    assert not state.source_acts_changed(jsonl_stay("J1", [SURGERY]))
    status = store.get_stay("J1").status
    record, changed = store.upsert_stay(corrected)
    assert not changed and record.status == status == "proposed"
    assert store.load_stay("J1").codes == Codes(acts=[SURGERY, ANAESTHESIA])
    assert not store.coding_states(["J1"])["J1"].source_acts_changed(corrected)
    assert not store.needs_coding("J1", "1")
    # A source that no longer gives them: the stored stay has none either, as it was read.
    _, changed = store.upsert_stay(jsonl_stay("J1", coded=False))
    assert not changed and store.load_stay("J1").codes is None


def test_migration_0013_keeps_the_rows_and_their_children_both_ways(store: Store) -> None:
    store.upsert_stay(jsonl_stay("J1", [SURGERY]))
    store.upsert_stay(jsonl_stay("R1"), source_rum=rum_line("R1"))
    proposal = Proposal(code="K802", score=0.9, role="DP", selected=True)
    for stay_id in ("J1", "R1"):
        run = StayProposals(stay_id=stay_id, model=ModelInfo(name="m", version="1"), proposals=[proposal])
        store.save_proposals(stay_id, run, None)
    engine = store.engine

    with engine.begin() as connection:
        command.downgrade(alembic_config(engine, connection), "0012_stay_admin_fields")
    assert current_revision(engine) == "0012_stay_admin_fields"
    columns, counts = stays_columns_and_counts(engine)
    assert "source_acts" not in columns and counts == [2, 2, 2, 2]  # no cascade through a table copy

    upgrade_database(engine)  # what a database written by the previous version goes through
    assert current_revision(engine) == head_revision()
    columns, counts = stays_columns_and_counts(engine)
    assert "source_acts" in columns and counts == [2, 2, 2, 2]
    assert store.load_stay("J1").codes is None  # lost before 0013, as it was
    assert store.load_stay("R1").documents == jsonl_stay("R1").documents
    # The next import of the same stay stores them without sending it back to coding.
    _, changed = store.upsert_stay(jsonl_stay("J1", [SURGERY]))
    assert not changed and store.load_stay("J1").codes == Codes(acts=[SURGERY])
    assert not store.needs_coding("J1", "1")
