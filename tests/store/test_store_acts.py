"""CCAM acts in the store: proposed acts kept with the proposals, a coder's validated acts kept with the
decision (None: not reviewed), in their draft, in the audit, and migration 0011 that adds them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from coding_assistant.schema import ActProposal, Codes, Document, ModelInfo, Proposal, Stay, StayProposals
from coding_assistant.store import DecidedAct, Store, StoreError, upgrade_database
from coding_assistant.store.migrate import alembic_config, current_revision, head_revision

ACTS = [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2)), DecidedAct("HMFC004", 4, 0, date(2025, 3, 2))]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(None, tmp_path)
    opened.add_user("alice", "mot-de-passe-1", "coder")
    opened.upsert_stay(Stay(stay_id="S", sex="F", age=50, documents=[Document(doc_id="D", text="Cholécystectomie")]))
    yield opened
    opened.close()


def proposals_with_acts() -> StayProposals:
    return StayProposals(
        stay_id="S",
        model=ModelInfo(name="m", version="1"),
        proposals=[Proposal(code="K802", score=0.9, role="DP", selected=True)],
        acts=[
            ActProposal(code="HMFC004", activity=1, date=date(2025, 3, 2), score=0.9, selected=True),
            ActProposal(code="HMQH007", score=0.2),
        ],
    )


def test_validated_acts_round_trip_with_the_decision(store: Store) -> None:
    store.save_proposals("S", proposals_with_acts(), None)
    saved = store.save_decision("S", "alice", Codes(dp="K802"), store.get_stay("S").version, acts=ACTS)
    assert saved.acts == ACTS
    assert store.latest_decision("S").acts == ACTS
    details = [e.details for e in store.audit_for_stay("S") if e.action == "decision_saved"][-1]
    assert details["acts"][0] == {"code": "HMFC004", "activity": 1, "phase": 0, "date": "2025-03-02"}
    assert (details["acts_accepted"], details["acts_rejected"], details["acts_added"]) == (["HMFC004"], [], [])

    # A later decision without acts (not reviewed) is None, not the previous acts nor an empty list.
    store.save_decision("S", "alice", Codes(dp="K802"), store.get_stay("S").version)
    assert store.latest_decision("S").acts is None
    store.save_decision("S", "alice", Codes(dp="K802"), store.get_stay("S").version, acts=[])
    assert store.latest_decision("S").acts == []


def test_proposed_acts_are_kept_with_the_proposals(store: Store) -> None:
    store.save_proposals("S", proposals_with_acts(), None)
    loaded = store.load_proposals("S")
    assert loaded is not None and loaded.acts == proposals_with_acts().acts


def test_a_malformed_act_is_refused_before_the_database(store: Store) -> None:
    version = store.get_stay("S").version
    for act in (DecidedAct("HMFC04", 1, 0), DecidedAct("HMFC004", 6, 0), DecidedAct("HMFC004", 1, 12)):
        with pytest.raises(StoreError, match="act"):
            store.save_decision("S", "alice", Codes(dp="K802"), version, acts=[act])
    assert store.latest_decision("S") is None


def test_a_draft_keeps_its_act_lines(store: Store) -> None:
    lines = [{"key": "HMFC004-1", "code": "HMFC004", "kept": False, "activity": 1, "phase": 0, "date": None}]
    store.save_draft("S", "alice", 1, {}, [], lines)
    assert store.load_draft("S", "alice").acts == lines
    store.save_draft("S", "alice", 1, {}, [])
    assert store.load_draft("S", "alice").acts is None


def test_migration_0011_keeps_decisions_and_reads_older_ones_as_not_reviewed(store: Store) -> None:
    store.save_proposals("S", proposals_with_acts(), None)
    store.save_decision("S", "alice", Codes(dp="K802", das=["E669"]), store.get_stay("S").version, acts=ACTS)
    engine = store.engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(engine, connection), "0010_stay_review")
    assert current_revision(engine) == "0010_stay_review"
    with engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(decisions)"))]
        counts = [
            connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("decisions", "proposals")
        ]
    assert "acts" not in columns and counts == [1, 1]
    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    decision = store.latest_decision("S")
    assert decision is not None and (decision.dp, decision.das, decision.acts) == ("K802", ["E669"], None)
    loaded = store.load_proposals("S")
    assert loaded is not None and loaded.acts == []  # a run from before acts were kept
    # Still append-only after the new column: the triggers of migration 0005 were not dropped with a copy.
    with engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("UPDATE decisions SET acts = '[]'"))
