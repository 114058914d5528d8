"""The store keeps a stay's RUM administrative fields in columns of their own, whatever its source, and gives them
back with the stay; rows stored before those columns read them from their RUM line. They are not part of the
content hash, so a corrected mode sends no stay back to coding, yet it is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from coding_assistant.formats import read_rss, rss_to_stays
from coding_assistant.schema import Document, ModelInfo, Proposal, Stay, StayProposals
from coding_assistant.store import Store, upgrade_database
from coding_assistant.store.hashing import stay_content_hash
from coding_assistant.store.migrate import alembic_config, current_revision, head_revision

RSS_ADMIN = Path(__file__).parents[1] / "data" / "rss" / "rss_admin.txt"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}", tmp_path)
    yield opened
    opened.close()


def burn_stay() -> tuple[Stay, str]:
    """Stay 2001-1 of the fixture (entry 7 from réanimation, exit 7 to MCO), with a letter, and its RUM line."""
    line = RSS_ADMIN.read_text(encoding="latin-1").splitlines()[0]
    stay = next(rss_to_stays(read_rss(RSS_ADMIN)))
    letter = Document(doc_id="2001-CRH", text="Brûlure de la main.")
    return stay.model_copy(update={"documents": [letter], "codes": None}), line


def stays_columns_and_counts(engine: Engine) -> tuple[list[str], list[int]]:
    """The columns of `stays` and the row counts of the tables a downgrade must keep (SQLite)."""
    with engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(stays)"))]
        counts = [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("stays", "documents", "proposal_runs", "proposals")
        ]
    return columns, counts


def test_a_stay_read_from_an_rss_comes_back_with_its_fields(store: Store) -> None:
    stay, line = burn_stay()
    store.upsert_stay(stay, source_rum=line)
    loaded = store.load_stay(stay.stay_id)
    assert (loaded.entry_mode, loaded.entry_origin, loaded.exit_mode, loaded.exit_destination) == ("7", "R", "7", "1")
    assert loaded.documents == stay.documents


ADMIN = {
    "entry_mode": "N",
    "entry_origin": None,
    "exit_mode": "6",
    "exit_destination": "1",
    "birth_weight": 2450,
    "gestational_age": 35,
    "sessions": 2,
}


def test_a_stay_without_a_rum_line_keeps_its_fields(store: Store) -> None:
    """A stay read from JSONL, CSV, Parquet or SQL: its fields are stored and come back the same."""
    letter = Document(doc_id="NN-CRH", text="Nouveau-né prématuré.")
    stay = Stay.model_validate({"stay_id": "JSONL-1", "sex": "F", "age": 0, "documents": [letter], **ADMIN})
    store.upsert_stay(stay)
    loaded = store.load_stay("JSONL-1")
    assert loaded == stay
    assert {name: getattr(loaded, name) for name in ADMIN} == ADMIN


def test_a_stored_line_that_no_longer_reads_costs_nothing_when_the_columns_hold_the_fields(store: Store) -> None:
    stay, line = burn_stay()
    store.upsert_stay(stay.model_copy(update={"stay_id": "OLD-1"}), source_rum=line[:9] + "019" + line[12:])
    assert store.load_stay("OLD-1").entry_mode == "7"  # from the columns; the line is not read
    store.upsert_stay(
        stay.model_copy(update={"stay_id": "OLD-2", **dict.fromkeys(ADMIN)}), source_rum=line[:9] + "019" + line[12:]
    )
    assert store.load_stay("OLD-2").entry_mode is None  # no columns, a line this version cannot read: no error


def test_rows_stored_before_the_columns_read_their_fields_from_the_rum_line(store: Store) -> None:
    stay, line = burn_stay()
    store.upsert_stay(stay, source_rum=line)
    store.upsert_stay(stay.model_copy(update={"stay_id": "JSONL-1"}))
    with store.engine.begin() as connection:  # what a row written before migration 0012 holds
        connection.execute(text(f"UPDATE stays SET {', '.join(f'{name} = NULL' for name in ADMIN)}"))
    loaded = store.load_stay(stay.stay_id)
    assert (loaded.entry_mode, loaded.entry_origin, loaded.exit_mode, loaded.exit_destination) == ("7", "R", "7", "1")
    assert store.load_stay("JSONL-1").exit_mode is None  # no line: nothing to read them from


def test_a_corrected_field_of_an_unchanged_stay_is_stored_without_sending_it_back_to_coding(store: Store) -> None:
    letter = Document(doc_id="NN-CRH", text="Nouveau-né prématuré.")
    stay = Stay.model_validate({"stay_id": "JSONL-1", "documents": [letter], **ADMIN})
    first, _ = store.upsert_stay(stay)
    corrected = stay.model_copy(update={"exit_mode": "9", "exit_destination": None})
    record, changed = store.upsert_stay(corrected)
    assert not changed and record.status == first.status
    loaded = store.load_stay("JSONL-1")
    assert (loaded.exit_mode, loaded.exit_destination, loaded.birth_weight) == ("9", None, 2450)
    # A source without these columns: the stay as read has none, and so has the stored one (the batch's
    # grouping preview and the review UI's read the same stay).
    _, changed = store.upsert_stay(corrected.model_copy(update=dict.fromkeys(ADMIN)))
    assert not changed and store.load_stay("JSONL-1").birth_weight is None


def test_the_fields_are_not_in_the_content_hash(store: Store) -> None:
    stay, line = burn_stay()
    bare = stay.model_copy(update=dict.fromkeys(("entry_mode", "entry_origin", "exit_mode", "exit_destination")))
    assert stay_content_hash(stay) == stay_content_hash(bare)
    dead = line.replace("040320267", "040320269")  # exit date 04032026 (88-95), exit mode 9 (96)
    assert dead != line
    _, changed = store.upsert_stay(bare, source_rum=dead)
    assert changed and store.load_stay(stay.stay_id).exit_mode == "9"
    # The same letters with a corrected exit mode: not sent back to coding, the new line is kept and read.
    _, changed = store.upsert_stay(stay, source_rum=line)
    assert not changed and store.load_stay(stay.stay_id).exit_mode == "7"


def test_migration_0012_keeps_the_rows_and_their_children_both_ways(store: Store) -> None:
    stay, line = burn_stay()
    store.upsert_stay(stay, source_rum=line)
    store.upsert_stay(Stay.model_validate({"stay_id": "JSONL-1", "documents": stay.documents, **ADMIN}))
    proposal = Proposal(code="T2020", score=0.9, role="DP", selected=True)
    for stay_id in (stay.stay_id, "JSONL-1"):
        run = StayProposals(stay_id=stay_id, model=ModelInfo(name="m", version="1"), proposals=[proposal])
        store.save_proposals(stay_id, run, None)
    engine = store.engine

    with engine.begin() as connection:
        command.downgrade(alembic_config(engine, connection), "0011_act_decisions")
    assert current_revision(engine) == "0011_act_decisions"
    columns, counts = stays_columns_and_counts(engine)
    assert not set(ADMIN) & set(columns) and counts == [2, 2, 2, 2]  # no cascade through a table copy

    upgrade_database(engine)  # what a database written by the previous version goes through
    assert current_revision(engine) == head_revision()
    columns, counts = stays_columns_and_counts(engine)
    assert set(ADMIN) <= set(columns) and counts == [2, 2, 2, 2]
    loaded = store.load_stay(stay.stay_id)  # columns NULL: read from the stored RUM line, as before
    assert (loaded.entry_mode, loaded.exit_mode, loaded.documents) == ("7", "7", stay.documents)
    assert store.load_stay("JSONL-1").birth_weight is None  # lost before 0012, as it was
    # The next import of the same stays fills the columns without sending them back to coding.
    _, changed = store.upsert_stay(Stay.model_validate({"stay_id": "JSONL-1", "documents": stay.documents, **ADMIN}))
    assert not changed and store.load_stay("JSONL-1").birth_weight == ADMIN["birth_weight"]
    assert not store.needs_coding("JSONL-1", "1")
