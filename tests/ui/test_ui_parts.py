"""The review UI's pure parts (no Streamlit run): the draft's one-click roles and its stored form, the worklist
state in a URL, French dates, the export checks' French reasons, and the session cookie's handoff route."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient
from test_ui import cardio_stay

from coding_assistant.schema import Codes, Stay

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.dates_fr import parse_date  # noqa: E402
from coding_review.draft import Choice, draft_from  # noqa: E402
from coding_review.export_checks import export_problems, french_reason  # noqa: E402
from coding_review.session_cookie import COOKIE_NAME, CookieHandoffs, make_routes  # noqa: E402
from coding_review.worklist_state import WorklistState, from_params  # noqa: E402


def test_one_click_roles_keep_one_dp_and_dropped_codes_lose_their_role() -> None:
    draft = draft_from("S", 1, cardio_stay().proposals, "v", None, str)
    assert not draft.unsaved
    draft.set_role("I10", "DP")
    assert draft.codes() == Codes(dp="I10", das=["I5002"]) and draft.problems() == []
    draft.set_role("J189", "DR")
    draft.set_role("E1198", "DR")  # the DR it replaces becomes a DAS
    assert draft.codes() == Codes(dp="I10", dr="E1198", das=["I5002", "J189"])
    draft.drop("I10")
    assert draft.choices["I10"] == Choice(False, "DAS") and draft.codes().dp is None
    assert draft.add("N184", "MRC 4", "DP") and draft.codes().dp == "N184"
    assert not draft.add("I10", "HTA")  # listed already: kept again, as a DAS
    assert [role for role, _ in draft.current()][:2] == ["DP", "DR"]
    assert [line.code for line in draft.candidates()] == ["I269"]
    assert draft.unsaved


def test_a_draft_goes_back_to_saved_when_its_coding_does() -> None:
    draft = draft_from("S", 1, cardio_stay().proposals, "v", None, str)
    draft.drop("I10")
    assert draft.unsaved
    draft.set_role("I10", "DAS")
    assert not draft.unsaved  # the same coding as proposed: nothing to lose


def test_a_stored_draft_comes_back_whole() -> None:
    mine = draft_from("S", 1, cardio_stay().proposals, "v", None, str)
    mine.set_role("J189", "DP")
    mine.add("N184", "MRC 4")
    choices, added = mine.stored()
    fresh = draft_from("S", 1, cardio_stay().proposals, "v", None, str)
    fresh.restore(choices, added)
    assert fresh.codes() == mine.codes() and fresh.line("N184") is not None and fresh.unsaved
    fresh.restore({"I5002": {"kept": True, "role": "??"}}, [])  # unreadable roles are dropped, not trusted
    assert fresh.codes() == Codes()


def test_worklist_state_round_trips_through_the_url() -> None:
    state = WorklistState(
        statuses=("validated", "modified_after_export"),
        unit="CARD",
        search="12",
        discharged_from=date(2025, 3, 1),
        revaluation=True,
        sort="oldest",
        page=2,
    )
    params = state.params()
    assert params == {
        "statut": "validated,modified_after_export",
        "um": "CARD",
        "recherche": "12",
        "du": "2025-03-01",
        "revalorisation": "1",
        "tri": "anciens",
        "page": "2",
    }
    assert from_params(params) == state and state.filters().revaluation
    assert WorklistState().params() == {}  # the default list has a plain URL
    odd = from_params({"du": "hier", "statut": "to_code,<script>", "page": "x"})
    assert odd.statuses == ("to_code",) and odd.discharged_from is None and odd.page == 1 and odd.problems


def test_french_dates() -> None:
    assert parse_date("01/03/2025") == date(2025, 3, 1) == parse_date("2025-03-01") == parse_date(" 1.3.2025 ")
    assert parse_date("") is None
    for bad in ("31/02/2025", "demain"):
        try:
            parse_date(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_export_reasons_are_french() -> None:
    assert french_reason("RUM X-1: unit is 6 characters, the field holds 4 (positions 72-75)") == (
        "code de l'unité médicale trop long : 6 caractères, le RUM en admet 4"
    )
    assert french_reason("stay X: cannot build a RUM without age, admission_date") == (
        "il manque l'âge, la date d'entrée pour écrire le RUM"
    )
    assert french_reason("something new") == "le RUM de ce séjour ne peut pas être écrit au format RSS"
    stay = Stay(stay_id="S", sex="M", age=70, admission_date=date(2025, 1, 1), discharge_date=date(2025, 1, 2))
    assert export_problems(stay.model_copy(update={"unit": "PNEU"}), Codes(dp="J189"), None, "750000001") == []
    long_id = stay.model_copy(update={"stay_id": "S" * 40, "unit": "PNEU"})
    (problem,) = export_problems(long_id, Codes(dp="J189"), None, "2A0000001")
    assert problem.startswith("Export impossible : numéro de RSS")
    (problem,) = export_problems(stay, Codes(dp="J189"), None, "12")
    assert "FINESS « 12 » invalide" in problem


def test_the_session_cookie_is_handed_over_once_to_the_browser_it_was_offered_to() -> None:
    clock = [100.0]
    handoffs = CookieHandoffs(clock=lambda: clock[0])
    client = TestClient(Starlette(routes=make_routes(None, handoffs)), base_url="http://127.0.0.1")
    code = handoffs.offer("secret-token", "testclient", 36000)  # Starlette's test client's address
    elsewhere = handoffs.offer("other-token", "10.0.0.9", 36000)
    answer = client.post("/_revue/session", content=code)
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=secret-token") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Max-Age=36000" in cookie and "Secure" not in cookie  # plain HTTP here; HTTPS behind the proxy
    assert client.post("/_revue/session", content=code).status_code == 404  # once
    assert client.post("/_revue/session", content=elsewhere).status_code == 404  # another address's
    late = handoffs.offer("late-token", "testclient", 36000)
    clock[0] += 61
    assert client.post("/_revue/session", content=late).status_code == 404  # a minute at most
    assert client.post("/_revue/session", content="x" * 500).status_code == 404
    script = client.get("/_revue/revue.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "fetch(" in script.text and "http" not in script.text.replace("https://", "")  # nothing from outside
    under = TestClient(Starlette(routes=make_routes("codage", handoffs)), base_url="http://127.0.0.1")
    assert under.get("/codage/_revue/revue.js").status_code == 200
