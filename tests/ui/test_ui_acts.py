"""CCAM acts in the review UI through Streamlit's AppTest: the proposed acts beside the diagnoses, kept or
dropped in one click, an act added by search, its date and activity edited, the acts saved with the
validation and written to the RSS by the export, and the grouping preview following the kept acts."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_ui import MODEL, open_stay, seed_store, sign_in, texts

from coding_assistant.config import DB_URL_ENV
from coding_assistant.export import export_validated
from coding_assistant.formats import read_rss
from coding_assistant.schema import ActProposal, Document, Evidence, Proposal, Stay, StayProposals
from coding_assistant.store import DecidedAct, Store

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.draft import draft_from  # noqa: E402

STAY_ID = "CHOL-05"
OPERATION = "Intervention : cholécystectomie par cœlioscopie le 02/03/2025 sous anesthésie générale."


def cholecystectomy_stay(selected: bool = True) -> tuple[Stay, StayProposals]:
    report = Document(doc_id="CHOL-05-CRO", type="CRO", text=OPERATION + "\nLithiase vésiculaire.\n")
    stay = Stay(
        stay_id=STAY_ID,
        sex="F",
        age=52,
        admission_date=date(2025, 3, 1),
        discharge_date=date(2025, 3, 4),
        unit="CHIR",
        documents=[report],
    )
    start = report.text.index("cholécystectomie")
    mention = Evidence(doc_id=report.doc_id, start=start, end=start + 34, text=report.text[start : start + 34])
    acts = [
        ActProposal(code="HMFC004", activity=1, date=date(2025, 3, 2), score=0.92, selected=selected,
                    evidence=[mention]),
        ActProposal(code="HMFC004", activity=4, date=date(2025, 3, 2), score=0.81, selected=selected,
                    evidence=[mention]),
        ActProposal(code="HMQH007", activity=1, score=0.2),
    ]  # fmt: skip
    proposals = StayProposals(
        stay_id=STAY_ID,
        model=MODEL,
        proposals=[Proposal(code="K802", score=0.9, role="DP", selected=True)],
        acts=acts,
    )
    return stay, proposals


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    monkeypatch.setenv("CODING_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CODING_ASSISTANT_FINESS", "750000001")
    seeded = seed_store(url, tmp_path, stays=[])
    stay, proposals = cholecystectomy_stay()
    seeded.upsert_stay(stay)
    seeded.save_proposals(STAY_ID, proposals, None)
    yield seeded
    seeded.close()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def act_lines(at: AppTest) -> dict[str, bool]:
    """The act lines as the panel shows them: line key -> kept."""
    found = (re.search(r'data-act="([^"]+)"[^>]*data-act-kept="([01])"', h.value) for h in at.html)
    return {match.group(1): match.group(2) == "1" for match in found if match}


def grouping_box(at: AppTest) -> str:
    return next(h.value for h in at.html if "Aperçu de groupage" in h.value)


def test_accept_reject_add_edit_and_validate_acts_then_export_them(store: Store, tmp_path: Path) -> None:
    at = open_stay(sign_in("alice"), STAY_ID)
    assert act_lines(at) == {"HMFC004-1": True, "HMFC004-4": True, "HMQH007-1": False}
    assert any("Actes CCAM (2)" in m for m in texts(at.markdown))
    row = next(h.value for h in at.html if 'data-act="HMFC004-1"' in h.value)
    assert "1 mention" in row and "Cholécystectomie, par coelioscopie" in row

    ok(at.button(key=f"{STAY_ID}:act_drop:HMFC004-4").click().run())  # reject the anaesthesia line
    ok(at.button(key=f"{STAY_ID}:act_keep:HMQH007-1").click().run())  # accept a proposal left unselected
    assert act_lines(at) == {"HMFC004-1": True, "HMFC004-4": False, "HMQH007-1": True}

    ok(at.text_input(key=f"{STAY_ID}:act_search").input("drainage biliaire transcutané").run())
    ok(at.button(key=f"{STAY_ID}:add_act:HMJH004").click().run())  # added by search, activity 1, entry day
    assert at.text_input(key=f"{STAY_ID}:act_search").value == ""
    added = next(key for key in act_lines(at) if key.startswith("HMJH004"))
    day = next(box for box in at.date_input if box.key.endswith(f":act_date:{added}"))
    assert day.value == date(2025, 3, 1)
    ok(day.set_value(date(2025, 3, 3)).run())
    activity = next(box for box in at.selectbox if box.key.endswith(":act_activity:HMFC004-1"))
    ok(activity.set_value(4).run())  # the act line becomes its anaesthesia

    ok(at.button(key=f"{STAY_ID}:validate").click().run())
    assert any("Codage validé" in message for message in texts(at.success))
    decision = store.latest_decision(STAY_ID)
    assert decision is not None and decision.dp == "K802"
    assert decision.acts == [
        DecidedAct("HMFC004", 4, 0, date(2025, 3, 2)),
        DecidedAct("HMJH004", 1, 0, date(2025, 3, 3)),
        DecidedAct("HMQH007", 1, 0, None),
    ]
    saved = [e for e in store.audit_for_stay(STAY_ID) if e.action == "decision_saved"][-1]
    assert saved.details["acts_added"] == ["HMJH004", "HMQH007"] and saved.details["acts_rejected"] == []
    history = at.dataframe[-1].value
    assert any("HMJH004" in detail for detail in history["Détails"])  # the history shows the acts

    rss = tmp_path / "rss.txt"
    result = export_validated(store, "claire", rss, finess="750000001")
    assert result.written == [STAY_ID] and not result.skipped
    (record,) = list(read_rss(rss))
    written = [(a.code, a.activity, a.phase, a.date) for a in record.acts]
    assert written == [
        ("HMFC004", "4", "0", date(2025, 3, 2)),
        ("HMJH004", "1", "0", date(2025, 3, 3)),
        ("HMQH007", "1", "0", None),
    ]


def test_a_missing_act_date_is_flagged_and_the_acts_come_back_as_validated(store: Store) -> None:
    at = open_stay(sign_in("alice"), STAY_ID)
    ok(at.button(key=f"{STAY_ID}:act_keep:HMQH007-1").click().run())
    assert any("HMQH007 sans date de réalisation" in message for message in texts(at.warning))
    ok(at.button(key=f"{STAY_ID}:validate").click().run())
    colleague = sign_in("bruno")
    ok(colleague.button_group(key="wl_status").set_value(["validated"]).run())
    reopened = open_stay(colleague, STAY_ID)
    assert act_lines(reopened) == {"HMFC004-1": True, "HMFC004-4": True, "HMQH007-1": True}


def test_the_grouping_preview_follows_the_kept_acts(store: Store) -> None:
    at = open_stay(sign_in("alice"), STAY_ID)
    assert "GHM 07C141" in grouping_box(at)  # the cholecystectomy kept: surgical GHM
    for line in ("HMFC004-1", "HMFC004-4"):  # the act and its anaesthesia
        ok(at.button(key=f"{STAY_ID}:act_drop:{line}").click().run())
    assert "GHM 07M02" in grouping_box(at)  # without them, the medical GHM of the biliary affections
    ok(at.button(key=f"{STAY_ID}:act_keep:HMFC004-1").click().run())
    assert "GHM 07C141" in grouping_box(at)


def test_the_acts_draft_survives_a_reload(store: Store) -> None:
    at = open_stay(sign_in("alice"), STAY_ID)
    ok(at.button(key=f"{STAY_ID}:act_drop:HMFC004-4").click().run())
    stored = store.load_draft(STAY_ID, "alice")
    assert stored is not None and stored.acts is not None
    assert {item["key"]: item["kept"] for item in stored.acts}["HMFC004-4"] is False
    again = open_stay(sign_in("alice"), STAY_ID)
    assert act_lines(again)["HMFC004-4"] is False


def test_acts_not_shown_are_not_reviewed() -> None:
    _, proposals = cholecystectomy_stay()
    draft = draft_from(STAY_ID, 1, proposals.proposals, "1", None, lambda code: "")
    assert draft.decided_acts() is None  # no act line: the export keeps the source RUM's acts
    source = [DecidedAct("HMFC004", 1, 0, date(2025, 3, 2))]
    unselected = cholecystectomy_stay(selected=False)[1].acts
    draft = draft_from(STAY_ID, 1, proposals.proposals, "1", None, str, acts=unselected, source_acts=source)
    # The source RUM's act is the proposal's line, kept; the other proposals stay candidates.
    assert draft.decided_acts() == source
    assert [line.key for line in draft.act_candidates()] == ["HMFC004-4", "HMQH007-1"]
    assert not draft.unsaved
