"""Training from the store takes the coder's validated acts when the decision holds them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coding_assistant.learning.from_store import validated_stays
from coding_assistant.schema import CodedAct, Codes, Document, Stay
from coding_assistant.store import DecidedAct, Store


def test_the_validated_acts_are_the_training_acts(tmp_path: Path) -> None:
    store = Store.open(None, tmp_path)
    try:
        store.add_user("alice", "mot-de-passe-sûr", "coder", "Alice")
        for stay_id in ("A1", "A2"):
            stay = Stay(
                stay_id=stay_id,
                sex="F",
                age=60,
                admission_date=date(2025, 3, 1),
                discharge_date=date(2025, 3, 4),
                documents=[Document(doc_id="d", text="Cholécystectomie.")],
            )
            store.upsert_stay(stay)
        acts = [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2)), DecidedAct("HMFC004", 4, 0, date(2025, 3, 2))]
        store.save_decision("A1", "alice", Codes(dp="K802"), store.get_stay("A1").version, acts=acts)  # type: ignore[union-attr]
        store.save_decision("A2", "alice", Codes(dp="K802"), store.get_stay("A2").version)  # type: ignore[union-attr]
        stays, _ = validated_stays(store)
        by_id = {s.stay_id: s.codes for s in stays}
        assert by_id["A1"] is not None
        # Both lines, with their activity and date; the act once among the codes: activity 4 is its anaesthesia.
        assert by_id["A1"].acts == [
            CodedAct(code="HMFC004", activity=1, date=date(2025, 3, 2)),
            CodedAct(code="HMFC004", activity=4, date=date(2025, 3, 2)),
        ]
        assert by_id["A1"].act_codes() == ["HMFC004"]
        assert by_id["A2"] is not None and by_id["A2"].acts is None  # not reviewed, no RUM line: unknown
    finally:
        store.close()


def test_a_stay_read_with_its_acts_trains_them_when_the_coder_did_not_review_them(tmp_path: Path) -> None:
    store = Store.open(None, tmp_path)
    try:
        store.add_user("alice", "mot-de-passe-sûr", "coder", "Alice")
        stay = Stay(
            stay_id="J1",
            sex="F",
            age=60,
            admission_date=date(2025, 3, 1),
            discharge_date=date(2025, 3, 4),
            documents=[Document(doc_id="d", text="Cholécystectomie.")],
            codes=Codes(acts=[{"code": "HMFC004", "date": "2025-03-02"}]),  # a JSONL stay with its acts coded
        )
        store.upsert_stay(stay)
        store.save_decision("J1", "alice", Codes(dp="K802"), store.get_stay("J1").version)  # type: ignore[union-attr]
        stays, summary = validated_stays(store)
        assert stays[0].codes is not None
        assert stays[0].codes.acts == [CodedAct(code="HMFC004", date=date(2025, 3, 2))]
        assert summary.with_acts == 1
    finally:
        store.close()
