"""The store's parts of the review UI's flow: sessions that survive a reload, drafts per stay and user, the
worklist's attention signals and "to check first" sort, and the explicit change of an exported stay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coding_assistant.schema import Codes, Document, ModelInfo, Note, Proposal, Stay, StayProposals
from coding_assistant.store import ExportedStayError, Store, WorklistFilter, ui_drafts, ui_sessions
from coding_assistant.store.models import UiSessionRow

MODEL = ModelInfo(name="site", version="1")
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _stay(stay_id: str, admitted: date, unit: str = "CARD", sex: str = "F", age: int = 70) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex=sex,
        age=age,
        admission_date=admitted,
        discharge_date=admitted + timedelta(days=3),
        unit=unit,
        documents=[Document(doc_id=f"{stay_id}-CRH", text="Conclusion : HTA.\n")],
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'flow.sqlite3'}", tmp_path)
    store.add_user("alice", "mot-de-passe-sûr", "coder", "Alice")
    store.add_user("bruno", "mot-de-passe-sûr", "coder", "Bruno")
    return store


def _propose(store: Store, stay: Stay, proposals: list[Proposal], warnings: list[str] | None = None) -> None:
    store.upsert_stay(stay)
    store.save_proposals(
        stay.stay_id,
        StayProposals(stay_id=stay.stay_id, model=MODEL, proposals=proposals, warnings=warnings or []),
        None,
    )


def test_sessions_keep_only_a_digest_end_and_say_who_has_a_stay_open(store: Store) -> None:
    with store.sessions() as session:
        token, digest = ui_sessions.start_session(session, "alice", "stamp", "local", NOW)
        other_token, other = ui_sessions.start_session(session, "bruno", "stamp", "local", NOW)
        session.commit()
    assert digest == ui_sessions.token_hash(token) and token not in digest
    with store.sessions() as session:
        assert [row.token_hash for row in session.query(UiSessionRow)] == [digest, other]  # never the token
        found = ui_sessions.find_session(session, digest)
        assert found is not None and (found.username, found.stamp) == ("alice", "stamp")
        ui_sessions.set_open_stay(session, digest, "S1", NOW)
        ui_sessions.set_open_stay(session, other, "S1", NOW + timedelta(minutes=1))
        session.commit()
        window = timedelta(minutes=15)
        # Alice sees Bruno (not herself); much later nobody is "editing" any more.
        assert [e.display_name for e in ui_sessions.editors(session, ["S1"], NOW, window, digest)["S1"]] == ["Bruno"]
        assert ui_sessions.editors(session, ["S1"], NOW + timedelta(hours=1), window, digest) == {}
        ui_sessions.end_session(session, other, "signed_out", NOW)
        session.commit()
        assert ui_sessions.find_session(session, other) is None
        assert ui_sessions.editors(session, ["S1"], NOW, window, digest) == {}
    # Rows long past any timeout are cleaned when a new session starts.
    with store.sessions() as session:
        ui_sessions.start_session(session, "alice", "stamp", "local", NOW + timedelta(days=3))
        session.commit()
        assert ui_sessions.find_session(session, digest) is None
    assert other_token


def test_drafts_are_per_stay_and_user_and_go_with_their_stay(store: Store) -> None:
    store.upsert_stay(_stay("S1", date(2025, 3, 1)))
    choices = {"I10": {"kept": True, "role": "DP"}}
    with store.sessions() as session:
        ui_drafts.save_draft(session, "S1", "alice", 1, choices, [{"code": "N184", "label": "MRC"}], NOW)
        ui_drafts.save_draft(session, "S1", "alice", 1, choices, [], NOW)  # replaced, not added
        session.commit()
        draft = ui_drafts.load_draft(session, "S1", "alice")
        assert draft is not None and (draft.choices, draft.added, draft.stay_version) == (choices, [], 1)
        assert ui_drafts.load_draft(session, "S1", "bruno") is None
        assert ui_drafts.drafted_stays(session, "alice", ["S1", "S2"]) == {"S1"}
        ui_drafts.delete_draft(session, "S1", "alice")
        session.commit()
        assert ui_drafts.load_draft(session, "S1", "alice") is None


def test_worklist_says_which_stays_need_attention_and_sorts_them_first(store: Store) -> None:
    rule = Note(rule="sex", message="N40 en DP ne convient qu'aux hommes", kind="check", fg_error="92", code="N40")
    own_note = Note(rule="model-only", message="modèle seul")  # the product's own note: not a PMSI check
    _propose(store, _stay("SURE", date(2025, 1, 1)), [Proposal(code="I10", score=0.95, role="DP", selected=True)])
    _propose(
        store,
        _stay("WARNED", date(2025, 1, 2), sex="F"),
        [Proposal(code="N40", score=0.9, role="DP", selected=True, warnings=[rule])],
        warnings=[Note(rule="external-cause-alone", message="V01 seule", kind="check", severity="warning")],
    )
    _propose(
        store,
        _stay("DOUBT", date(2025, 1, 3)),
        [Proposal(code="J189", score=0.3, role="DP", selected=True, warnings=[own_note])],
    )
    _propose(store, _stay("NODP", date(2025, 1, 4)), [Proposal(code="I10", score=0.2)])
    store.upsert_stay(_stay("NEW", date(2024, 12, 1)))
    rows = store.worklist(sort="to_check")
    assert [r.stay_id for r in rows] == ["NODP", "DOUBT", "WARNED", "SURE", "NEW"]
    by_id = {r.stay_id: r for r in rows}
    assert by_id["WARNED"].warning_count == 2 and by_id["SURE"].warning_count == 0
    assert (by_id["SURE"].sex, by_id["SURE"].age) == ("F", 70)


def test_an_exported_stay_changes_only_explicitly_and_is_then_modified_after_export(store: Store) -> None:
    _propose(store, _stay("S1", date(2025, 1, 1)), [Proposal(code="I10", score=0.9, role="DP", selected=True)])
    store.save_decision("S1", "alice", Codes(dp="I10"), store.get_stay("S1").version)
    store.mark_exported(["S1"], "claire")
    with pytest.raises(ExportedStayError):
        store.save_decision("S1", "bruno", Codes(dp="I110"), store.get_stay("S1").version)
    assert store.latest_decision("S1").username == "alice"
    store.save_decision("S1", "bruno", Codes(dp="I110"), store.get_stay("S1").version, after_export=True)
    assert store.get_stay("S1").status == "validated"  # the export picks it up again
    change = [e.details for e in store.audit_for_stay("S1") if e.action == "status_changed"][-1]
    assert change == {"from": "exported", "to": "modified_after_export"}
    (row,) = store.worklist(WorklistFilter(status=["modified_after_export"]))
    assert row.stay_id == "S1" and row.exported_before
    assert [r.stay_id for r in store.worklist(WorklistFilter(status="validated"))] == ["S1"]
    assert store.worklist(WorklistFilter(status="exported")) == []


def test_the_worklist_shows_the_grouping_preview_and_filters_the_possible_revaluations(store: Store) -> None:
    from coding_assistant.schema import GroupingSummary

    dp = [Proposal(code="J189", score=0.9, role="DP", selected=True)]
    for stay_id, grouping in (
        (
            "GAIN",
            GroupingSummary(
                ghm="04M051", severity="1", tariff_eur=2282.61, revaluation_eur=3001.36, revaluation_code="E440"
            ),
        ),
        ("NONE", GroupingSummary(ghm="04M051", severity="1", tariff_eur=2282.61)),
        ("OLD", None),  # proposals from a run without the preview
    ):
        store.upsert_stay(_stay(stay_id, date(2025, 1, 1)))
        store.save_proposals(
            stay_id, StayProposals(stay_id=stay_id, model=MODEL, proposals=dp, grouping=grouping), None
        )
    rows = {r.stay_id: r for r in store.worklist()}
    assert (rows["GAIN"].ghm, rows["GAIN"].revaluation_eur, rows["GAIN"].revaluation_code) == (
        "04M051",
        3001.36,
        "E440",
    )
    assert rows["NONE"].revaluation_eur is None and rows["OLD"].ghm is None
    assert [r.stay_id for r in store.worklist(WorklistFilter(revaluation=True))] == ["GAIN"]
    loaded = store.load_proposals("GAIN")
    assert loaded is not None and loaded.grouping is not None and loaded.grouping.revaluation_code == "E440"
