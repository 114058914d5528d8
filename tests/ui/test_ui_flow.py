"""A coder's day through Streamlit's AppTest: validate-and-next over the filtered worklist, filters kept in the
session and the URL, a stay opened from a link, a reload that resumes the session and the draft, the warning
before leaving unsaved changes, the worklist's attention signals, the export checks at validation time, the
explicit change after export, the grouping preview, and no jargon on the coder's screen."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_ui import (
    MODEL,
    PASSWORD,
    SeedStay,
    cardio_stay,
    drop,
    kept,
    new_app,
    open_stay,
    seed_store,
    set_role,
    shown,
    sign_in,
    texts,
)

from coding_assistant.config import DB_URL_ENV
from coding_assistant.schema import Codes, Document, GroupingSummary, Note, Proposal, Stay, StayProposals
from coding_assistant.store import Store, ui_drafts

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review import auth  # noqa: E402
from coding_review.page_script import HANDOFF_KEY  # noqa: E402
from coding_review.session_cookie import HANDOFFS  # noqa: E402


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The seed store of test_ui.py, served to the app."""
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    monkeypatch.setenv("CODING_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CODING_ASSISTANT_FINESS", "750000001")
    seeded = seed_store(url, tmp_path)
    yield seeded
    seeded.close()


def heading(at: AppTest) -> str:
    return shown(at.subheader[0].value) if at.subheader else shown(at.title[0].value)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


# Validate and next, filters, links ----------------------------------------------------------------------------
def test_validate_and_next_walks_the_filtered_worklist_and_the_filters_stay(store: Store) -> None:
    at = sign_in("alice")
    ok(at.selectbox(key="wl_unit").set_value("CARD").run())
    assert at.query_params.get("um") == "CARD"
    assert list(at.dataframe[0].value["Séjour"]) == ["HTML-03", "CARDIO-01"]  # the CARD stays, to check first
    open_stay(at, "HTML-03")
    click(at, "HTML-03:validate_next")
    assert heading(at) == "Séjour CARDIO-01"
    assert any("Séjour HTML-03 validé" in shown(m) for m in texts(at.success))
    assert store.get_stay("HTML-03").status == "validated"
    assert at.query_params.get("stay") == "CARDIO-01" and at.query_params.get("um") == "CARD"
    click(at, "stay_previous")  # the validated stay keeps its place in the walk
    assert heading(at) == "Séjour HTML-03"
    click(at, "stay_next")
    click(at, "CARDIO-01:validate_next")  # the last one: back to the worklist, which says so
    assert shown(at.title[0].value) == "Liste de travail"
    assert any("dernier de la liste" in shown(m) for m in texts(at.success))
    assert at.selectbox(key="wl_unit").value == "CARD"  # the filter survived the walk


def test_filters_come_from_the_url_and_a_link_opens_its_stay_after_sign_in(store: Store) -> None:
    at = new_app()
    at.query_params.update({"um": "PNEU", "tri": "anciens"})
    ok(at.run())
    at.text_input(key="sign_in_username").input("alice")
    at.text_input(key="sign_in_password").input(PASSWORD)
    ok(at.form_submit_button[0].click().run())
    assert at.selectbox(key="wl_unit").value == "PNEU" and at.radio(key="wl_sort").value == "oldest"
    assert list(at.dataframe[0].value["Séjour"]) == ["NEW-04", "PNEUMO-02"]

    linked = new_app()
    linked.query_params["stay"] = "PNEUMO-02"
    ok(linked.run())
    assert linked.text_input(key="sign_in_username") is not None  # signed out: the sign-in form first
    linked.text_input(key="sign_in_username").input("bruno")
    linked.text_input(key="sign_in_password").input(PASSWORD)
    ok(linked.form_submit_button[0].click().run())
    assert heading(linked) == "Séjour PNEUMO-02"


# No lost work -------------------------------------------------------------------------------------------------
def _browser_token(at: AppTest) -> str:
    handoff = HANDOFFS.take(at.session_state[HANDOFF_KEY], "local")
    assert handoff is not None
    return handoff.token


def test_a_reload_resumes_the_session_and_the_draft(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    drop(at, "CARDIO-01", "I10")
    token = _browser_token(at)
    monkeypatch.setattr(auth, "browser_token", lambda: token)

    reloaded = new_app()
    reloaded.query_params["stay"] = "CARDIO-01"
    ok(reloaded.run())
    assert heading(reloaded) == "Séjour CARDIO-01"  # still signed in, on the same stay
    assert kept(reloaded) == {"I5002": "DP"}  # the unsaved choice is back
    assert any("Brouillon non validé" in m for m in texts(reloaded.info))
    assert "session_resumed" in {e.action for e in _audit(store)}

    click(reloaded, "sign_out")
    after_sign_out = ok(new_app().run())
    assert after_sign_out.text_input(key="sign_in_username") is not None


def test_a_resumed_session_keeps_its_timeouts(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in("alice")
    token = _browser_token(at)
    monkeypatch.setattr(auth, "browser_token", lambda: token)
    later = auth.now() + timedelta(minutes=31)
    monkeypatch.setattr(auth, "now", lambda: later)
    reloaded = ok(new_app().run())
    assert reloaded.text_input(key="sign_in_username") is not None
    assert any("sans activité" in m for m in texts(reloaded.info))


def test_validating_forgets_the_draft(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    set_role(at, "CARDIO-01", "J189", "DAS")
    with store.sessions() as session:
        assert ui_drafts.load_draft(session, "CARDIO-01", "alice") is not None
    set_role(at, "CARDIO-01", "J189", "DP")
    click(at, "CARDIO-01:validate")
    with store.sessions() as session:
        assert ui_drafts.load_draft(session, "CARDIO-01", "alice") is None
    assert store.latest_decision("CARDIO-01").dp == "J189"


def test_leaving_a_stay_with_unsaved_changes_asks_first(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    click(at, "stay_next")  # nothing changed: leaves at once
    assert heading(at) == "Séjour NEW-04"
    click(at, "stay_previous")
    drop(at, "CARDIO-01", "I10")
    click(at, "stay_next")
    assert heading(at) == "Séjour CARDIO-01"
    assert any("modifications non validées" in m for m in texts(at.warning))
    click(at, "leave_cancel")
    assert heading(at) == "Séjour CARDIO-01" and "I10" not in kept(at)
    click(at, "stay_back")
    click(at, "leave_confirm")
    assert shown(at.title[0].value) == "Liste de travail"
    table = at.dataframe[0].value.set_index("Séjour")
    assert table.loc["CARDIO-01", "En cours"] == "votre brouillon"  # the draft is kept, and the worklist says so


def _audit(store: Store) -> list:
    from coding_assistant.store.models import AuditRow

    with store.sessions() as session:
        return list(session.query(AuditRow))


# Worklist signals ---------------------------------------------------------------------------------------------
def test_worklist_attention_signals(store: Store) -> None:
    from coding_review.worklist_view import COLOURS, _confidence_colour

    store.save_proposals(
        "HTML-03",
        StayProposals(
            stay_id="HTML-03",
            model=MODEL,
            proposals=[
                Proposal(
                    code="I10",
                    score=0.77,
                    role="DP",
                    selected=True,
                    warnings=[Note(rule="sex", message="x", kind="check", fg_error="92")],
                )
            ],
            grouping=GroupingSummary(ghm="05M091", tariff_eur=2600.0, revaluation_eur=1234.4, revaluation_code="E440"),
        ),
        None,
    )
    bruno = open_stay(sign_in("bruno"), "CARDIO-01")
    at = sign_in("alice")
    assert at.radio(key="wl_sort").value == "to_check"
    table = at.dataframe[0].value.set_index("Séjour")
    assert table.loc["PNEUMO-02", "Seuil DP"] == "sous le seuil"
    assert table.loc["CARDIO-01", "Seuil DP"] == ""
    assert table.loc["HTML-03", "Alertes"] == 1
    assert table.loc["CARDIO-01", "Patient"] == "F 78 ans"
    assert table.loc["CARDIO-01", "En cours"] == "Bruno"
    assert list(table.index)[:2] == ["PNEUMO-02", "HTML-03"]  # below the threshold, then warned
    assert table.loc["HTML-03", "GHM"] == "05M091" and table.loc["CARDIO-01", "GHM"] == ""
    assert table.loc["HTML-03", "Revalorisation"] == "+1\u202f234 € (E440)"
    at.checkbox(key="wl_revaluation").check().run()  # « revalorisation possible »: that stay alone
    assert list(at.dataframe[0].value["Séjour"]) == ["HTML-03"] and at.query_params["revalorisation"] == "1"
    at.checkbox(key="wl_revaluation").uncheck().run()
    entries = list(table["Entrée"])
    assert all(isinstance(value, date) for value in entries)  # dates sort as dates, shown dd/mm/yyyy
    assert _confidence_colour(0.3) == COLOURS["low"] and _confidence_colour(0.95) == COLOURS["high"]
    open_stay(at, "CARDIO-01")  # the stay page says it too
    assert any("Également ouvert par Bruno" in shown(m) for m in texts(at.info))
    assert bruno is not None


# Export checks and statuses -----------------------------------------------------------------------------------
def pneumo_unit_stay() -> SeedStay:
    crh = Document(doc_id="LONG-UM-CRH", text="Conclusion : pneumopathie.\n")
    stay = Stay(
        stay_id="LONG-UM",
        sex="M",
        age=70,
        admission_date=date(2025, 4, 1),
        discharge_date=date(2025, 4, 5),
        unit="PNEUMO",
        documents=[crh],
    )
    return SeedStay(stay, [Proposal(code="J189", score=0.9, role="DP", selected=True)])


def _seed(store: Store, seed: SeedStay) -> None:
    store.upsert_stay(seed.stay)
    store.save_proposals(
        seed.stay.stay_id, StayProposals(stay_id=seed.stay.stay_id, model=MODEL, proposals=seed.proposals), None
    )


def test_export_checks_at_validation_time_in_french(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(store, pneumo_unit_stay())
    at = open_stay(sign_in("alice"), "LONG-UM")
    errors = " ".join(shown(m) for m in texts(at.error))
    assert "Code d'unité médicale « PNEUMO » trop long : 6 caractères, le RUM en admet 4" in errors
    assert not any('data-checks="ok"' in h.value for h in at.html)
    click(at, "LONG-UM:validate_next")
    assert heading(at) == "Séjour LONG-UM"  # validated, but the coder stays to read why
    assert any("l'export refusera ce séjour" in shown(m) for m in texts(at.error))
    assert store.get_stay("LONG-UM").status == "validated"

    monkeypatch.setenv("CODING_ASSISTANT_FINESS", "")
    other = open_stay(sign_in("bruno"), "CARDIO-01")
    assert any("FINESS de l'établissement non renseigné" in shown(m) for m in texts(other.error))


def test_export_page_says_why_in_french(store: Store) -> None:
    _seed(store, pneumo_unit_stay())
    store.save_decision("LONG-UM", "alice", Codes(dp="J189"), store.get_stay("LONG-UM").version)
    at = sign_in("claire")
    ok(at.switch_page("views/export.py").run())
    at.text_input(key="exp_finess").input("")
    click(at, "exp_run")
    assert any("FINESS de l'établissement non renseigné" in shown(m) for m in texts(at.error))
    at.text_input(key="exp_finess").input("75000")
    click(at, "exp_run")
    assert any("FINESS « 75000 » invalide : 9 caractères attendus" in shown(m) for m in texts(at.error))
    at.text_input(key="exp_finess").input("750000001")
    click(at, "exp_run")
    reasons = list(at.dataframe[-1].value["Raison"])
    assert reasons == ["code de l'unité médicale trop long : 6 caractères, le RUM en admet 4"]


def test_an_exported_stay_is_changed_only_explicitly(store: Store) -> None:
    store.save_decision("CARDIO-01", "alice", Codes(dp="I5002", das=["I10"]), store.get_stay("CARDIO-01").version)
    store.mark_exported(["CARDIO-01"], "claire")
    at = sign_in("bruno")
    ok(at.button_group(key="wl_status").set_value(["exported"]).run())
    open_stay(at, "CARDIO-01")
    assert at.button(key="CARDIO-01:validate").disabled
    box = next(c for c in at.checkbox if c.key.endswith(":after_export"))
    assert "modifié après export" in box.label
    ok(box.check().run())
    drop(at, "CARDIO-01", "I10")
    click(at, "CARDIO-01:validate")
    assert store.get_stay("CARDIO-01").status == "validated"
    changes = [e.details for e in store.audit_for_stay("CARDIO-01") if e.action == "status_changed"]
    assert changes[-1] == {"from": "exported", "to": "modified_after_export"}
    assert any("**Modifié après export**" in m for m in texts(at.markdown))
    click(at, "stay_back")
    ok(at.button_group(key="wl_status").set_value(["modified_after_export"]).run())
    table = at.dataframe[0].value
    assert list(table["Statut"]) == ["Modifié après export"]


# Grouping preview, jargon -------------------------------------------------------------------------------------
def test_grouping_preview_follows_the_coding(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    box = next(h.value for h in at.html if "Aperçu de groupage (arbres 2026)" in h.value)
    assert "GHM 05M091" in box and "GHS 1753" in box and "3\u202f183,38 €" in box
    candidates = " ".join(h.value for h in at.html if "data-candidate" in h.value)
    assert "+2\u202f409 € si codé" in candidates  # I269, a CMA 3 with evidence
    set_role(at, "CARDIO-01", "J189", "DAS")  # a CMA 2: the severity and the badge follow at once
    box = next(h.value for h in at.html if "Aperçu de groupage" in h.value)
    assert "GHM 05M092" in box
    row = next(h.value for h in at.html if 'data-kept="J189"' in h.value)
    assert "CMA 2" in row


def test_grouping_preview_is_fast_for_a_large_stay() -> None:
    from coding_review.grouping import gain_if_coded, preview, stay_facts

    seed = cardio_stay()
    codes = ["E440", "J189", "I269", "N179", "D649", "E870", "E119", "I480", "J960", "N390", "E46", "R296"] * 2
    facts = stay_facts(seed.stay, Codes(dp="I5002", das=["I10"]))
    assert facts is not None
    preview(facts)  # the tables are read once per process
    facts = facts.with_das(("I10", "E1198"))  # a coding not seen yet: nothing cached
    started = time.perf_counter()
    preview(facts)
    for code in [*codes, "K590", "R18", "E039"]:
        gain_if_coded(facts, code)
    assert time.perf_counter() - started < 0.1


def test_no_jargon_on_the_coders_screen(store: Store) -> None:
    signed_out = ok(new_app().run())
    assert not any("coding-assistant" in m for m in texts(signed_out.caption) + texts(signed_out.markdown))
    at = open_stay(sign_in("alice"), "CARDIO-01")
    history_tab = at.tabs[-1]
    on_coding = [str(m.value) for m in at.tabs[0].markdown] + [str(c.value) for c in at.tabs[0].caption]
    on_coding += [str(m.value) for m in at.markdown if m not in history_tab.markdown]
    assert not any(MODEL.version in text or "modèle" in text for text in on_coding)
    assert any(MODEL.version in shown(c.value) for c in history_tab.caption)
    assert [t.label for t in at.tabs] == ["Codage", "Historique (2)"]
    assert not any("CARDIO-01-CRH" in shown(c.value) for c in at.caption)  # no raw document id
