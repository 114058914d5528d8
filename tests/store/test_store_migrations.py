"""Migrations that change stored data: a database written by an older version reads the same after upgrade."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import text

from coding_assistant.schema import Document, ModelInfo, Note, Proposal, Stay, StayProposals
from coding_assistant.store import Store, upgrade_database
from coding_assistant.store.migrate import alembic_config, current_revision, head_revision

OLD_CHECK = "[sex · FG 92] N40 en DP ne convient qu'aux hommes (règle « sex », FG 92)"
OLD_NOTE = "modèle seul : aucune mention de ce code dans les documents"


def test_one_line_notes_of_older_versions_become_typed_notes(tmp_path: Path) -> None:
    store = Store.open(None, tmp_path)
    try:
        stay = Stay(stay_id="OLD", sex="F", age=60, documents=[Document(doc_id="D", type="CRH", text="Créat 180")])
        store.upsert_stay(stay)
        proposal = Proposal(code="N40", score=0.9, role="DP", selected=True)
        store.save_proposals(
            "OLD", StayProposals(stay_id="OLD", model=ModelInfo(name="m", version="1"), proposals=[proposal]), None
        )
        engine = store.engine
        with engine.begin() as connection:
            command.downgrade(alembic_config(engine, connection), "0007_model_registry")
        with engine.begin() as connection:  # what the older version wrote
            connection.execute(text("UPDATE proposals SET warnings = :w"), {"w": json.dumps([OLD_CHECK, OLD_NOTE])})
            connection.execute(text("UPDATE proposal_runs SET warnings = :w"), {"w": json.dumps([OLD_NOTE])})
        assert current_revision(engine) == "0007_model_registry"
        upgrade_database(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:  # converted in the database, not only when read
            stored = json.loads(connection.execute(text("SELECT warnings FROM proposals")).scalar_one())
        assert all(isinstance(note, dict) for note in stored)
        loaded = store.load_proposals("OLD")
        assert loaded is not None and loaded.measurements is None  # older runs kept no measurements
        check, note = loaded.proposals[0].warnings
        assert check == Note(
            rule="sex", message="N40 en DP ne convient qu'aux hommes", kind="check", severity="error", fg_error="92"
        )
        assert (note.kind, note.message) == ("note", OLD_NOTE) and loaded.warnings == [note]
        assert store.worklist()[0].warning_count == 2  # the stay's note and the selected DP's PMSI check
    finally:
        store.close()


def test_measurements_and_notes_are_stored_with_the_proposals(tmp_path: Path) -> None:
    from coding_assistant.schema import Measurement

    store = Store.open(None, tmp_path)
    try:
        store.upsert_stay(Stay(stay_id="S", documents=[Document(doc_id="D", type="CRH", text="Créat 180")]))
        measured = Measurement(
            doc_id="D", kind="creatinine", value=180, unit="µmol/L", start=0, end=9, text="Créat 180"
        )
        notes = [Note(rule="dp-below-threshold", message="DP proposé sous le seuil de confiance : à vérifier")]
        proposals = StayProposals(
            stay_id="S",
            model=ModelInfo(name="m", version="1"),
            proposals=[Proposal(code="N184", score=0.4, role="DP", selected=True, warnings=notes)],
            measurements=[measured],
        )
        store.save_proposals("S", proposals, None)
        loaded = store.load_proposals("S")
        assert loaded is not None and loaded.measurements == [measured] and loaded.proposals[0].warnings == notes
        assert store.worklist()[0].warning_count == 0  # the product's own note is not a PMSI check
    finally:
        store.close()


def test_a_downgrade_that_drops_a_column_keeps_the_rows_of_child_tables(tmp_path: Path) -> None:
    store = Store.open(None, tmp_path)
    try:
        store.upsert_stay(Stay(stay_id="S", documents=[Document(doc_id="D", type="CRH", text="Texte")]))
        proposal = Proposal(code="I10", score=0.9, role="DP", selected=True)
        store.save_proposals(
            "S", StayProposals(stay_id="S", model=ModelInfo(name="m", version="1"), proposals=[proposal]), None
        )
        engine = store.engine
        with engine.begin() as connection:  # drops proposal_runs.measurements (0008), stays.source_rum (0003)
            command.downgrade(alembic_config(engine, connection), "0002_batch_failures")
        with engine.connect() as connection:
            counts = [
                connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("documents", "proposals")
            ]
        assert counts == [1, 1]
        upgrade_database(engine)
        assert store.load_stay("S").documents[0].text == "Texte"
    finally:
        store.close()
