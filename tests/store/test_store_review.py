"""A stay's note and its « à revoir » flag (store/review.py), and the dashboard's DP agreement."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coding_assistant.schema import Codes, Document, ModelInfo, Proposal, Stay, StayProposals
from coding_assistant.store import ReviewInputError, Store, WorklistFilter


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(None, tmp_path)
    opened.add_user("alice", "mot-de-passe-sûr", "coder", "Alice")
    for stay_id, dp in (("S1", "I5002"), ("S2", "J189")):
        stay = Stay(
            stay_id=stay_id,
            sex="F",
            age=70,
            admission_date=date(2025, 1, 1),
            documents=[Document(doc_id=f"{stay_id}-D", text="Texte")],
        )
        opened.upsert_stay(stay)
        proposal = Proposal(code=dp, score=0.9, role="DP", selected=True)
        opened.save_proposals(
            stay_id, StayProposals(stay_id=stay_id, model=ModelInfo(name="m", version="1"), proposals=[proposal]), None
        )
    yield opened
    opened.close()


def test_a_flag_and_a_note_leave_the_coding_and_its_version_alone(store: Store) -> None:
    before = store.get_stay("S1")
    store.save_note("S1", "  Voir avec le Dr B. pour le DP  ", "alice")
    store.flag_for_review("S1", "attente du CR anapath", "alice")
    after = store.get_stay("S1")
    assert before is not None and after is not None
    assert after.version == before.version and after.status == before.status  # an open draft is not made stale
    assert after.note == "Voir avec le Dr B. pour le DP"
    assert after.review is not None and (after.review.reason, after.review.by) == ("attente du CR anapath", "alice")
    actions = [entry.action for entry in store.audit_for_stay("S1")]
    assert actions[-2:] == ["note_saved", "review_flagged"]
    store.save_note("S1", "", "alice")  # an empty note removes it
    assert store.get_stay("S1").note is None  # type: ignore[union-attr]


def test_the_worklist_lists_flagged_stays_whatever_their_status_and_a_validation_clears_the_flag(store: Store) -> None:
    store.flag_for_review("S2", "question au médecin", "alice")
    flagged = store.worklist(WorklistFilter(status=["to_review"]))
    assert [r.stay_id for r in flagged] == ["S2"] and flagged[0].review_reason == "question au médecin"
    both = {r.stay_id for r in store.worklist(WorklistFilter(status=["to_review", "to_code"]))}
    assert both == {"S2"}  # S1 is "proposed", not to code, and not flagged
    assert store.dashboard_figures().status_counts["to_review"] == 1
    record = store.get_stay("S2")
    assert record is not None
    store.save_decision("S2", "alice", Codes(dp="J189"), record.version)
    assert store.get_stay("S2").review is None  # type: ignore[union-attr]
    assert store.worklist(WorklistFilter(status=["to_review"])) == []
    assert store.audit_for_stay("S2")[-1].action in ("review_cleared", "status_changed")


def test_a_reason_is_required_and_bounded(store: Store) -> None:
    with pytest.raises(ReviewInputError):
        store.flag_for_review("S1", "   ", "alice")
    with pytest.raises(ReviewInputError):
        store.flag_for_review("S1", "x" * 501, "alice")
    with pytest.raises(ReviewInputError):
        store.save_note("S1", "a\x00b", "alice")
    assert store.get_stay("S1").review is None  # type: ignore[union-attr]


def test_the_dashboard_says_how_often_the_proposed_dp_is_kept(store: Store) -> None:
    for stay_id, dp in (("S1", "I5002"), ("S2", "J181")):  # S1 keeps the proposed DP, S2 changes it
        record = store.get_stay(stay_id)
        assert record is not None
        store.save_decision(stay_id, "alice", Codes(dp=dp), record.version)
    summary = store.dashboard_figures().acceptance
    assert (summary.dp_compared, summary.dp_agreed, summary.dp_agreement) == (2, 1, 0.5)
