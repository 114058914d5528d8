"""The review UI through Streamlit's AppTest (no browser): sign-in, worklist, stay view, accept / reject / add,
validation, the refused second save, export and dashboard; and its pure parts (highlighting, the draft)."""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from coding_assistant.config import DB_URL_ENV
from coding_assistant.rules import check_coding
from coding_assistant.schema import Codes, Document, Evidence, ModelInfo, Note, Proposal, Stay, StayProposals
from coding_assistant.store import Store, WorklistFilter

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
UI_APP = UI_DIR / "app.py"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review import auth  # noqa: E402
from coding_review.draft import Choice, draft_from  # noqa: E402
from coding_review.highlight import code_colours, document_spans, highlighted_html  # noqa: E402

PASSWORD = "mot-de-passe-sûr"
USERS = {"alice": "coder", "bruno": "coder", "claire": "dim_physician", "root": "admin"}
MODEL = ModelInfo(name="site", version="2025.04")
TIMEOUT_S = 60  # the machine is shared: generous, a run normally takes well under a second


# Seed data ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedStay:
    stay: Stay
    proposals: list[Proposal]

    @property
    def dp_score(self) -> float | None:
        return next((p.score for p in self.proposals if p.role == "DP" and p.selected), None)


def evidence(document: Document, phrase: str, **qualifiers: bool) -> Evidence:
    start = document.text.index(phrase)
    return Evidence(doc_id=document.doc_id, start=start, end=start + len(phrase), text=phrase, **qualifiers)


def cardio_stay() -> SeedStay:
    crh = Document(
        doc_id="CARDIO-01-CRH",
        text=(
            "Motif : dyspnée d'effort.\n"
            "Antécédents : HTA. Mère diabétique.\n"
            "Conclusion : Insuffisance cardiaque congestive, FEVG 30 %. Pas d'embolie pulmonaire.\n"
            "Suspicion de pneumopathie non confirmée. Kaliémie 4,1 mmol/l.\n"
        ),
    )
    stay = Stay(
        stay_id="CARDIO-01",
        sex="F",
        age=78,
        admission_date=date(2025, 3, 1),
        discharge_date=date(2025, 3, 6),
        unit="CARD",
        documents=[crh],
    )
    proposals = [
        Proposal(
            code="I5002", score=0.91, role="DP", selected=True, evidence=[evidence(crh, "Insuffisance cardiaque")]
        ),
        Proposal(code="I10", score=0.83, role="DAS", selected=True, evidence=[evidence(crh, "HTA")]),
        Proposal(
            code="I269",
            score=0.31,
            evidence=[evidence(crh, "embolie pulmonaire", negated=True)],
            warnings=[Note(rule="excluded-mentions", message="mentions seulement niée : non retenu")],
        ),
        Proposal(code="J189", score=0.28, evidence=[evidence(crh, "pneumopathie", hypothetical=True)]),
        Proposal(code="E1198", score=0.2, evidence=[evidence(crh, "diabétique", family=True)]),
    ]
    return SeedStay(stay, proposals)


def pneumo_stay() -> SeedStay:
    crh = Document(doc_id="PNEUMO-02-CRH", text="Conclusion : Pneumopathie franche lobaire aiguë droite.\n")
    stay = Stay(
        stay_id="PNEUMO-02",
        sex="M",
        age=64,
        admission_date=date(2025, 2, 10),
        discharge_date=date(2025, 2, 14),
        unit="PNEU",
        documents=[crh],
    )
    return SeedStay(stay, [Proposal(code="J189", score=0.42, role="DP", selected=True, evidence=[])])


HOSTILE_TEXT = "Conclusion : HTA. <script>alert('piège')</script> <b>gras</b> & <img src=x onerror=alert(1)>\n"


def html_stay() -> SeedStay:
    crh = Document(doc_id="HTML-03-CRH", text=HOSTILE_TEXT)
    stay = Stay(
        stay_id="HTML-03",
        sex="M",
        age=50,
        admission_date=date(2025, 3, 10),
        discharge_date=date(2025, 3, 11),
        unit="CARD",
        documents=[crh],
    )
    return SeedStay(stay, [Proposal(code="I10", score=0.77, role="DP", selected=True, evidence=[evidence(crh, "HTA")])])


def unproposed_stay() -> SeedStay:
    stay = Stay(
        stay_id="NEW-04",
        sex="F",
        age=41,
        admission_date=date(2025, 1, 20),
        discharge_date=date(2025, 1, 22),
        unit="PNEU",
        documents=[Document(doc_id="NEW-04-CRH", text="Conclusion : asthme.\n")],
    )
    return SeedStay(stay, [])


def seed_stays() -> list[SeedStay]:
    return [cardio_stay(), pneumo_stay(), html_stay(), unproposed_stay()]


def seed_store(url: str, data_dir: Path, stays: list[SeedStay] | None = None) -> Store:
    """A store with the four users (all with PASSWORD) and the seed stays, proposals saved where there are some."""
    store = Store.open(url, data_dir)
    for username, role in USERS.items():
        store.add_user(username, PASSWORD, role, username.capitalize())
    for seed in stays if stays is not None else seed_stays():
        store.upsert_stay(seed.stay)
        if seed.proposals:
            store.save_proposals(
                seed.stay.stay_id, StayProposals(stay_id=seed.stay.stay_id, model=MODEL, proposals=seed.proposals), None
            )
    return store


# Fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    monkeypatch.setenv("CODING_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CODING_ASSISTANT_FINESS", "750000001")
    seeded = seed_store(url, tmp_path)
    yield seeded
    seeded.close()


def new_app() -> AppTest:
    return AppTest.from_file(UI_APP, default_timeout=TIMEOUT_S)


def sign_in(username: str, password: str = PASSWORD) -> AppTest:
    at = new_app().run()
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.form_submit_button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_stay(at: AppTest, stay_id: str) -> AppTest:
    at.selectbox(key="wl_open_choice").set_value(stay_id)
    at.button(key="wl_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown(at.subheader[0].value) == f"Séjour {stay_id}"
    return at


_KEPT = re.compile(r'data-kept="([^"]+)"[^>]*><span[^>]*>(DP|DR|DAS)</span>')


def kept(at: AppTest) -> dict[str, str]:
    """The current coding as the panel shows it: code -> role."""
    return {code: role for h in at.html for code, role in _KEPT.findall(h.value)}


def candidates(at: AppTest) -> list[str]:
    return [code for h in at.html for code in re.findall(r'data-candidate="([^"]+)"', h.value)]


def set_role(at: AppTest, stay_id: str, code: str, role: str) -> AppTest:
    """One click on a code's role button (a kept code's or a candidate's)."""
    at.button(key=f"{stay_id}:role:{code}:{role}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def drop(at: AppTest, stay_id: str, code: str) -> AppTest:
    at.button(key=f"{stay_id}:drop:{code}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def add_code(at: AppTest, stay_id: str, query: str, code: str, role: str = "DAS") -> AppTest:
    at.text_input(key=f"{stay_id}:code_search").input(query).run()
    at.button(key=f"{stay_id}:add:{code}:{role}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


# Markdown as the browser shows it: CommonMark (Streamlit renders GitHub's flavour of it, with more on top).
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered(markdown: str) -> str:
    return _MARKDOWN.render(markdown)


def shown(markdown: str) -> str:
    """The text a reader sees for this Markdown (invisible word joiners left out)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown))).replace("\u2060", "").strip()


# GitHub's bare-URL links, as Streamlit's renderer applies them to the text once escapes are resolved: a URL or an
# e-mail address starting after nothing, a space, a punctuation mark or a symbol.
_BARE_URL = re.compile(r"https?://|www(?=\.)", re.IGNORECASE)
_BARE_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def autolinked(markdown: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown)))
    found = []
    for pattern in (_BARE_URL, _BARE_EMAIL):
        for match in pattern.finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            if before.isspace() or unicodedata.category(before)[0] in "PS":
                found.append(text[match.start() :])
    return found


# Sign-in ----------------------------------------------------------------------------------------------------
def test_wrong_password_is_refused(store: Store) -> None:
    at = sign_in("alice", "pas-le-bon-mot")
    assert any("incorrect" in message for message in texts(at.error))
    assert "signed_in_user" not in at.session_state
    assert at.title[0].value != "Liste de travail"
    at = sign_in("personne", PASSWORD)
    assert any("incorrect" in message for message in texts(at.error))


def test_deactivated_account_cannot_sign_in(store: Store) -> None:
    store.deactivate("bruno")
    at = sign_in("bruno")
    assert "signed_in_user" not in at.session_state


@pytest.mark.parametrize("page", ["views/worklist.py", "views/stay.py", "views/dashboard.py", "views/export.py"])
def test_signed_out_pages_are_unreachable(store: Store, page: str) -> None:
    at = new_app().run()
    # Signed out, the navigation registers the sign-in page alone: the others do not exist for this session.
    with pytest.raises(ValueError):
        at.switch_page(page)
    at.session_state["open_stay_id"] = "CARDIO-01"
    at.run()
    assert at.text_input(key="sign_in_username")
    assert not any("CARDIO-01" in title for title in texts(at.title))


@pytest.mark.parametrize("page", ["worklist", "stay", "dashboard", "export", "accounts"])
def test_every_page_stops_without_a_user(store: Store, page: str) -> None:
    # Defence in depth: even run on its own, a page shows nothing but the sign-in request.
    at = AppTest.from_file(UI_DIR / "views" / f"{page}.py", default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert any("Connectez-vous" in message for message in texts(at.warning))
    assert not at.dataframe and not at.checkbox and not at.html


def test_sign_in_then_sign_out_is_audited(store: Store) -> None:
    at = sign_in("alice")
    assert at.title[0].value == "Liste de travail"
    at.button(key="sign_out").click().run()
    assert at.text_input(key="sign_in_username")
    with store.sessions() as session:
        from coding_assistant.store.models import AuditRow

        actions = [row.action for row in session.query(AuditRow).filter(AuditRow.actor == "alice")]
    assert actions == ["user_signed_in", "user_signed_out"]


def test_export_and_accounts_pages_follow_the_role(store: Store) -> None:
    coder = sign_in("alice")
    for page in ("views/export.py", "views/accounts.py"):
        with pytest.raises(ValueError):
            coder.switch_page(page)
    physician = sign_in("claire")
    physician.switch_page("views/export.py").run()
    assert physician.title[0].value == "Export des séjours validés"
    with pytest.raises(ValueError):
        physician.switch_page("views/accounts.py")


# Sign-in lockout, session lifetime, the account checked on every page ------------------------------------------
@pytest.fixture
def fast_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0.0)  # the per-session delay is not what these tests are about


def signed_in_as(at: AppTest) -> str | None:
    if "signed_in_user" not in at.session_state:
        return None
    return at.session_state["signed_in_user"].user.username


def refused_sign_ins(store: Store) -> list[dict]:
    with store.sessions() as session:
        from coding_assistant.store.models import AuditRow

        rows = session.query(AuditRow).filter(AuditRow.action == "sign_in_refused").order_by(AuditRow.id)
        return [dict(row.details, actor=row.actor) for row in rows]


def test_an_account_is_locked_out_after_repeated_failures_even_across_reloads(
    store: Store, fast_failures: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):  # each sign_in() is a new browser session: a reload resets nothing
        assert signed_in_as(sign_in("alice", "mauvais-mot-de-passe")) is None
    locked = sign_in("alice")  # the right password, too late
    assert signed_in_as(locked) is None
    assert any("bloqué" in message for message in texts(locked.error))
    assert signed_in_as(sign_in("bruno")) == "bruno"  # other accounts from the same place are not affected
    reasons = [entry["reason"] for entry in refused_sign_ins(store)]
    assert reasons == ["wrong_password"] * 5 + ["account_locked"]

    later = datetime.now(UTC) + timedelta(minutes=16)  # the failures have left the 15-minute window
    monkeypatch.setattr(auth, "now", lambda: later)
    assert signed_in_as(sign_in("alice")) == "alice"


def test_unknown_names_lock_out_alike_and_are_never_stored_as_typed(
    store: Store, fast_failures: None, caplog: pytest.LogCaptureFixture
) -> None:
    typed = "Personne-Inconnue"
    password = "secret-tape-par-erreur"
    for _ in range(6):
        at = sign_in(typed, password)
    # Locked like a real account: the lockout does not tell which names exist.
    assert any("bloqué" in message for message in texts(at.error))
    entries = refused_sign_ins(store)
    assert {entry["account"] for entry in entries} == {"unknown"} and {e["actor"] for e in entries} == {"anonymous"}
    assert {len(entry["digest"]) for entry in entries} == {4}
    with store.engine.connect() as connection:
        from sqlalchemy import text

        dump = " ".join(
            str(row)
            for table in ("audit_log", "sign_in_failures")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        )
    for secret in (typed, typed.lower(), password):
        assert secret not in dump and secret not in caplog.text


def test_a_client_address_is_locked_out_whatever_the_account(
    store: Store, fast_failures: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODING_ASSISTANT_UI_LOCKOUT_CLIENT_FAILURES", "3")
    monkeypatch.setattr(auth, "client_address", lambda: "10.0.0.7")
    for name in ("alice", "bruno", "claire"):
        sign_in(name, "mauvais-mot-de-passe")
    at = sign_in("root")
    assert signed_in_as(at) is None and any("depuis ce poste" in message for message in texts(at.error))
    assert refused_sign_ins(store)[-1] == {
        "account": "root",
        "client": "10.0.0.7",
        "reason": "client_locked",
        "actor": "anonymous",
    }
    monkeypatch.setattr(auth, "client_address", lambda: "10.0.0.8")
    assert signed_in_as(sign_in("root")) == "root"


def test_idle_and_absolute_timeouts_end_the_session(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(auth, "now", lambda: clock[0])
    at = sign_in("alice")
    clock[0] += timedelta(minutes=29)
    at.run()
    assert at.title[0].value == "Liste de travail"  # 29 minutes idle: still signed in
    clock[0] += timedelta(minutes=31)
    at.run()
    assert signed_in_as(at) is None and at.text_input(key="sign_in_username")
    assert any("sans activité" in message for message in texts(at.info))

    monkeypatch.setenv("CODING_ASSISTANT_UI_SESSION_MAX_HOURS", "1")
    at = sign_in("alice")
    for _ in range(3):  # active every 25 minutes, yet past the hour
        clock[0] += timedelta(minutes=25)
        at.run()
    assert signed_in_as(at) is None
    assert any("durée maximale" in message for message in texts(at.info))
    with store.sessions() as session:
        from coding_assistant.store.models import AuditRow

        ended = [row.details["reason"] for row in session.query(AuditRow).filter(AuditRow.action == "session_ended")]
    assert ended == ["idle", "expired"]


def test_a_deactivated_account_is_signed_out_at_its_next_rerun(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    store.deactivate("alice")
    at.button(key="CARDIO-01:validate").click().run()
    assert not at.exception
    assert store.latest_decision("CARDIO-01") is None  # the click saved nothing
    assert signed_in_as(at) is None and at.text_input(key="sign_in_username")
    assert any("désactivé" in message for message in texts(at.info))


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(store: Store) -> None:
    at = sign_in("alice")
    store.set_password("alice", "un-tout-nouveau-mot-de-passe")
    at.run()
    assert signed_in_as(at) is None
    assert any("mot de passe" in message for message in texts(at.info))


def test_accounts_page_applies_the_password_policy_in_french(store: Store) -> None:
    at = sign_in("root")
    at.switch_page("views/accounts.py").run()

    def create(username: str, password: str) -> list[str]:
        form = at.form[0]
        form.text_input[0].input(username)
        form.text_input[2].input(password)
        form.text_input[3].input(password)
        form.form_submit_button[0].click().run()
        return texts(at.error)

    assert any("12 caractères au moins" in message for message in create("denise", "court-11car"))
    assert any("que d'espaces" in message for message in create("denise", " " * 14))
    assert any("l'identifiant" in message for message in create("denise-petit-1", "Denise-Petit-1"))
    assert all(u.username != "denise" and u.username != "denise-petit-1" for u in store.list_users())
    # The administrator's own new password keeps their session open.
    at.selectbox(key="account_selected").set_value("root")
    at.text_input(key="account_new_password").input("un-nouveau-mot-de-passe-admin")
    at.button(key="account_set_password").click().run()
    assert signed_in_as(at) == "root" and any("changé" in message for message in texts(at.success))


def test_an_unexpected_error_shows_a_french_message_and_logs_no_data(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from coding_review import dashboard_view

    def broken(*args: object) -> None:
        raise ValueError("texte du courrier : Mme Dupont, 12 rue des Lilas")

    monkeypatch.setattr(dashboard_view, "_figures", broken)
    at = sign_in("alice")
    at.switch_page("views/dashboard.py").run()
    assert not at.exception  # Streamlit's own error box (with the traceback) is never reached
    assert any("erreur inattendue" in message for message in texts(at.error))
    assert "ValueError" in caplog.text and "dashboard_view.py" in caplog.text
    assert "Dupont" not in caplog.text and "Dupont" not in " ".join(texts(at.error))


# Data is shown as text, never as Markdown ----------------------------------------------------------------------
LINK = "[ici](https://evil.example/x)"  # a document type: 32 characters at most
IMAGE = "![pixel](https://evil.example/pixel.png)"
EVIL_USER = "eve_[x](https://evil.example/u)@evil.example"


def hostile_stay() -> SeedStay:
    first = Document(doc_id="EVIL-CRH", type=LINK, text="Conclusion : HTA.\n")
    second = Document(doc_id="EVIL-CRO **urgent**", type="# Titre usurpé", text="Conclusion : HTA.\n")
    stay = Stay(
        stay_id="[EVIL-05](https://evil.example/sejour)",
        sex="M",
        age=60,
        admission_date=date(2025, 3, 1),
        discharge_date=date(2025, 3, 2),
        unit=IMAGE,
        documents=[first, second],
    )
    proposals = [Proposal(code="I10", score=0.8, role="DP", selected=True, evidence=[evidence(first, "HTA")])]
    return SeedStay(stay, proposals)


def markdown_sources(at: AppTest) -> list[str]:
    """Everything on the page that Streamlit renders as Markdown."""
    sources = [
        str(element.value)
        for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success")
        for element in getattr(at, kind)
    ]
    sources += [element.label for kind in ("tabs", "expander") for element in getattr(at, kind)]
    sources += [w.label for kind in ("radio", "checkbox", "button", "selectbox") for w in getattr(at, kind)]
    return sources


def assert_shown_as_text(sources: list[str], expected: list[str]) -> None:
    hostile = [source for source in sources if "evil" in source or "usurpé" in source or "urgent" in source]
    for source in hostile:
        page = rendered(source)
        for tag in ("<a ", "<img", "<h1", "<h2", "<code", "<ul", "<ol", "<blockquote", "<em>", "<strong>urgent"):
            assert tag not in page, (tag, source)
        assert not autolinked(source), source
    seen = " ".join(shown(source) for source in hostile)
    for text in expected:
        assert text in seen, text


def test_data_from_the_store_is_shown_as_text_not_markdown(store: Store) -> None:
    seed = hostile_stay()
    store.upsert_stay(seed.stay)
    store.save_proposals(
        seed.stay.stay_id,
        StayProposals(
            stay_id=seed.stay.stay_id,
            model=ModelInfo(name="**site**", version="[2025](https://evil.example/v)"),
            proposals=seed.proposals,
        ),
        None,
    )
    store.add_user(EVIL_USER, PASSWORD, "coder", "[Support informatique](https://evil.example/aide)")

    at = sign_in(EVIL_USER)
    at.session_state["open_stay_id"] = seed.stay.stay_id
    at.switch_page("views/stay.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # Someone else validates meanwhile: the warning names them.
    store.save_decision(seed.stay.stay_id, "alice", Codes(dp="I10"), store.get_stay(seed.stay.stay_id).version)
    drop(at, seed.stay.stay_id, "I10")
    sources = markdown_sources(at)
    assert_shown_as_text(
        sources,
        [
            f"Séjour {seed.stay.stay_id}",
            f"UM {IMAGE}",
            "modèle **site** version [2025](https://evil.example/v)",  # on the history tab
            f"{LINK} 1",
            "# Titre usurpé 2",
            "[Support informatique](https://evil.example/aide)",
        ],
    )
    assert any("modifié par alice" in shown(source) for source in sources)

    # The colleague's name, in the stay's caption and in the refusal, is text too.
    store.save_decision(seed.stay.stay_id, EVIL_USER, Codes(dp="I10"), store.get_stay(seed.stay.stay_id).version)
    reader = sign_in("bruno")
    reader.session_state["open_stay_id"] = seed.stay.stay_id
    reader.switch_page("views/stay.py").run()
    assert_shown_as_text(markdown_sources(reader), [f"validé par {EVIL_USER}"])

    # Other pages: the worklist, the dashboard and the accounts page show these values in tables only.
    for username, page in (
        ("bruno", "views/worklist.py"),
        ("bruno", "views/dashboard.py"),
        ("root", "views/accounts.py"),
    ):
        other = sign_in(username)
        other.switch_page(page).run()
        assert not other.exception
        assert_shown_as_text(markdown_sources(other), [])


# Worklist ---------------------------------------------------------------------------------------------------
def worklist_ids(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Séjour"])


def test_worklist_sorts_filters_and_searches(store: Store) -> None:
    seeds = seed_stays()
    at = sign_in("alice")
    table = at.dataframe[0].value
    assert set(table.columns) >= {
        "Séjour",
        "Statut",
        "UM",
        "Entrée",
        "Sortie",
        "Durée (j)",
        "DP proposé",
        "Confiance DP",
    }
    assert set(table["Statut"]) == {"Proposé", "À coder"}  # French, not the stored values

    proposed = sorted((s for s in seeds if s.dp_score is not None), key=lambda s: s.dp_score)
    unproposed = [s for s in seeds if s.dp_score is None]
    assert worklist_ids(at) == [s.stay.stay_id for s in proposed + unproposed]  # lowest confidence first
    first = proposed[0]
    row = table.iloc[0]
    assert row["Confiance DP"] == pytest.approx(first.dp_score)
    assert row["Durée (j)"] == (first.stay.discharge_date - first.stay.admission_date).days

    at.radio(key="wl_sort").set_value("oldest").run()
    assert worklist_ids(at) == [s.stay.stay_id for s in sorted(seeds, key=lambda s: s.stay.admission_date)]

    at.selectbox(key="wl_unit").set_value("PNEU").run()
    assert {*worklist_ids(at)} == {s.stay.stay_id for s in seeds if s.stay.unit == "PNEU"}

    at.selectbox(key="wl_unit").set_value("Toutes")
    at.text_input(key="wl_search").input("html").run()
    assert worklist_ids(at) == ["HTML-03"]

    at.text_input(key="wl_search").input("").run()
    at.button_group(key="wl_status").set_value(["to_code"]).run()
    assert worklist_ids(at) == [s.stay.stay_id for s in unproposed]


def test_worklist_date_filter_is_on_discharge(store: Store) -> None:
    at = sign_in("alice")
    at.text_input(key="wl_from").input("01/03/2025").run()
    expected = {s.stay.stay_id for s in seed_stays() if s.stay.discharge_date >= date(2025, 3, 1)}
    assert set(worklist_ids(at)) == expected


# Stay view --------------------------------------------------------------------------------------------------
def test_stay_view_shows_evidence_qualifiers_and_measurements(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    document = next(h.value for h in at.html if "Motif : dyspnée" in h.value)
    assert 'data-code="I5002"' in document and 'data-code="I10"' in document
    negated = document.split('data-qualifier="negated"')[1]
    assert "embolie pulmonaire" in negated.split("</span>")[0]
    assert "mention niée" in document and "nié</sup>" in document
    assert 'data-qualifier="hypothetical"' in document and 'data-qualifier="family"' in document
    # One colour per code: the I5002 chip in the legend has the colour of its spans.
    colours = code_colours(p.code for p in cardio_stay().proposals if p.evidence)
    assert f"background:{colours['I5002']}" in document
    measurements = at.dataframe[0].value
    assert {"FEVG", "Kaliémie"} <= set(measurements["Mesure"])
    assert "30 %" in set(measurements["Valeur"])
    # Pre-selected proposals start kept, in their role; the others are the candidates, best score first.
    assert kept(at) == {"I5002": "DP", "I10": "DAS"}
    assert candidates(at) == ["I269", "J189", "E1198"]
    assert any("Propositions calculées" in str(v) for v in at.dataframe[-1].value["Action"])


def test_every_code_with_mentions_has_its_own_colour_and_a_link_to_them() -> None:
    from coding_review.coding_rows import candidate_row, kept_row
    from coding_review.draft import Line

    colours = code_colours(f"C{i:02d}" for i in range(40))  # a long stay: more codes than the palette
    assert len(set(colours.values())) == 40
    found = Evidence(doc_id="D", start=0, end=5, text="Motif")
    with_mentions = Line("I10", "Hypertension", 0.8, "DAS", True, (found,))
    without = Line("E119", "Diabète", 0.2, None, False)
    assert 'data-locate="I10"' in kept_row("DAS", with_mentions, colours["C00"], None)
    assert 'data-locate="I10"' in candidate_row(with_mentions, colours["C00"], None)
    assert "data-locate" not in candidate_row(without, None, None)  # nothing to show: not a link


def test_document_html_is_escaped_in_the_page(store: Store) -> None:
    at = open_stay(sign_in("alice"), "HTML-03")
    page = "".join(h.value for h in at.html)
    assert "&lt;script&gt;alert(&#x27;piège&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page and "<img" not in page and "<b>gras" not in page


# Accept, reject, add, validate ------------------------------------------------------------------------------
def test_accept_reject_add_and_validate(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    drop(at, "CARDIO-01", "I10")  # reject a pre-selected code
    assert "I10" not in kept(at) and "I10" in candidates(at)
    set_role(at, "CARDIO-01", "J189", "DAS")  # accept a proposal the product had not ticked, in one click
    add_code(at, "CARDIO-01", "insuffisance renale chronique stade 4", "N184")
    assert kept(at) == {"I5002": "DP", "J189": "DAS", "N184": "DAS"}
    assert at.text_input(key="CARDIO-01:code_search").value == ""

    at.button(key="CARDIO-01:validate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Codage validé" in message for message in texts(at.success))
    decision = store.latest_decision("CARDIO-01")
    assert decision is not None
    assert (decision.username, decision.dp, decision.dr) == ("alice", "I5002", None)
    assert decision.das == ["J189", "N184"]
    assert decision.model_version == MODEL.version
    assert store.get_stay("CARDIO-01").status == "validated"
    saved = [e for e in store.audit_for_stay("CARDIO-01") if e.action == "decision_saved"][-1]
    assert (saved.actor, saved.details["rejected"], saved.details["added"]) == ("alice", ["I10"], ["J189", "N184"])
    assert "Codage validé" in set(at.dataframe[-1].value["Action"])  # the history follows


def test_rule_warnings_follow_the_coders_choice_in_french(store: Store) -> None:
    from coding_review.resources import terminology
    from coding_review.rule_text import warning_text

    at = open_stay(sign_in("alice"), "CARDIO-01")
    assert not at.error and any('data-checks="ok"' in h.value for h in at.html)
    add_code(at, "CARDIO-01", "Z511", "Z511", role="DP")  # straight in as DP: I5002 becomes a DAS
    assert kept(at) == {"Z511": "DP", "I5002": "DAS", "I10": "DAS"}
    expected = check_coding("Z511", None, ["I5002", "I10"], "F", 78, terminology().terminology)
    assert expected, "the chosen coding must break a rule for this test to mean anything"
    messages = [shown(message) for message in texts(at.error) + texts(at.warning)]
    for warning in expected:
        assert any(warning_text(warning) in message for message in messages)
    assert not any('data-checks="ok"' in h.value for h in at.html)  # never beside a warning
    for message in messages:
        assert "« " not in message or "règle «" not in message  # no rule identifier
        assert message.count("FG ") <= 1
    # A rule error asks for an explicit confirmation before the save.
    if any(w.severity == "error" for w in expected):
        assert at.button(key="CARDIO-01:validate").disabled
        at.checkbox(key=next(c.key for c in at.checkbox if c.key.endswith(":force"))).check().run()
    assert not at.button(key="CARDIO-01:validate").disabled


def test_a_code_the_letters_value_contradicts_is_flagged_on_the_coders_choice(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")  # its letter: "Kaliémie 4,1 mmol/l"
    assert not any("valeur mesurée" in shown(m) for m in texts(at.warning))
    add_code(at, "CARDIO-01", "E8750", "E8750")  # « hyperkaliémie supérieure à 6,5 mmol/l »
    flagged = [shown(m) for m in texts(at.warning) if "valeur mesurée" in shown(m)]
    assert len(flagged) == 1 and "E8758 attendu" in flagged[0] and "4,1 mmol/L" in flagged[0]


def test_rule_tags_are_french_labels_and_the_fg_number_is_said_once() -> None:
    from coding_review.rule_text import warning_text

    from coding_assistant.rules import RuleWarning

    warning = RuleWarning("sex", "N40", "N40 en DP ne convient qu'aux hommes ; patient(e) de sexe F", "92")
    assert str(warning).endswith("(règle « sex », FG 92)")  # a terminal names the rule
    assert (
        warning_text(warning)
        == "N40 en DP ne convient qu'aux hommes ; patient(e) de sexe F — sexe incompatible (FG 92)"
    )
    # A note a proposal carries, and one written by an older version as one line, read the same.
    stored = Note.from_legacy("[external-cause-alone] v01 sans lésion (règle « external-cause-alone »)")
    assert (stored.rule, stored.kind, stored.fg_error) == ("external-cause-alone", "check", None)
    assert warning_text(stored) == "V01 sans lésion — cause externe seule"


def test_dp_change_in_one_click_demotes_the_old_dp(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    set_role(at, "CARDIO-01", "I10", "DP")  # one click
    assert kept(at) == {"I10": "DP", "I5002": "DAS"}
    assert not any("Un seul DP" in message for message in texts(at.warning))
    assert not at.button(key="CARDIO-01:validate").disabled
    set_role(at, "CARDIO-01", "J189", "DP")  # a candidate straight to DP: the DP becomes a DAS
    assert kept(at) == {"J189": "DP", "I10": "DAS", "I5002": "DAS"}
    drop(at, "CARDIO-01", "J189")  # a dropped code loses its role
    assert kept(at) == {"I10": "DAS", "I5002": "DAS"}
    assert any("Aucun diagnostic principal" in message for message in texts(at.warning))
    assert at.button(key="CARDIO-01:validate").disabled and at.button(key="CARDIO-01:validate_next").disabled
    set_role(at, "CARDIO-01", "J189", "DAS")
    assert kept(at)["J189"] == "DAS"  # back as a DAS, not as the DP it was


def test_second_save_is_refused_and_the_choices_stay(store: Store) -> None:
    alice = open_stay(sign_in("alice"), "CARDIO-01")
    bruno = open_stay(sign_in("bruno"), "CARDIO-01")

    alice.button(key="CARDIO-01:validate").click().run()
    assert store.latest_decision("CARDIO-01").username == "alice"

    drop(bruno, "CARDIO-01", "I10")
    bruno.run()  # the page reruns (the drop reran the panel alone)
    # Bruno is told as soon as his page reruns, before he even tries to save.
    assert any("modifié par alice" in message for message in texts(bruno.warning))
    assert "I10" not in kept(bruno)  # and his choice was not undone by a silent reload
    bruno.button(key="CARDIO-01:validate").click().run()
    assert not bruno.exception
    refusal = " ".join(texts(bruno.error))
    assert "Enregistrement refusé" in refusal and "alice" in refusal
    assert store.latest_decision("CARDIO-01").username == "alice"  # nothing overwritten
    assert "I10" not in kept(bruno)  # bruno's choice is still on screen
    assert any("I5002 (DP)" in shown(text) for text in texts(bruno.markdown))

    bruno.button(key="CARDIO-01:conflict_reload").click().run()
    assert "I10" in kept(bruno)  # the reloaded stay shows alice's coding
    bruno.button(key="CARDIO-01:reapply").click().run()
    assert "I10" not in kept(bruno)
    bruno.button(key="CARDIO-01:validate").click().run()
    assert any("Codage validé" in message for message in texts(bruno.success))
    decision = store.latest_decision("CARDIO-01")
    assert (decision.username, decision.dp, decision.das) == ("bruno", "I5002", [])


def test_reopening_a_stay_reads_it_again(store: Store) -> None:
    from coding_assistant.schema import Codes

    alice = open_stay(sign_in("alice"), "CARDIO-01")
    store.save_decision("CARDIO-01", "bruno", Codes(dp="I5002", das=["J189"]), store.get_stay("CARDIO-01").version)
    alice.button(key="stay_back").click().run()
    alice.button_group(key="wl_status").set_value(["proposed", "validated"]).run()
    open_stay(alice, "CARDIO-01")
    assert any("**Validé**" in text for text in texts(alice.markdown))
    assert kept(alice) == {"I5002": "DP", "J189": "DAS"}
    assert not any("modifié par" in message for message in texts(alice.warning))


# Export and dashboard ---------------------------------------------------------------------------------------
def test_export_page_writes_files_and_marks_stays_exported(store: Store, tmp_path: Path) -> None:
    record = store.get_stay("CARDIO-01")
    from coding_assistant.schema import Codes

    store.save_decision("CARDIO-01", "alice", Codes(dp="I5002", das=["I10"]), record.version)
    at = sign_in("claire")
    at.switch_page("views/export.py").run()
    assert list(at.dataframe[0].value["Séjour"]) == ["CARDIO-01"]
    at.button(key="exp_run").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert {button.key for button in at.download_button} == {"exp_dl_rss", "exp_dl_csv"}
    assert store.get_stay("CARDIO-01").status == "exported"
    written = list((tmp_path / "data" / "exports").glob("*/rss_023.txt"))
    assert len(written) == 1 and "I5002" in written[0].read_text(encoding="latin-1")
    actions = [e.actor + ":" + e.action for e in store.audit_for_stay("CARDIO-01")]
    assert "claire:stay_exported" in actions


def table_with(at: AppTest, column: str) -> Any:
    """The value (a DataFrame) of the page's table that has `column`: the dashboard shows several tables."""
    tables = [frame.value for frame in at.dataframe if column in frame.value.columns]
    assert len(tables) == 1, [list(frame.value.columns) for frame in at.dataframe]
    return tables[0]


def test_dashboard_shows_acceptance_per_week_and_per_unit(store: Store) -> None:
    # CARD: CARDIO-01 keeps I5002, drops I10, adds N184; HTML-03 keeps its DP I10. PNEU: PNEUMO-02's proposed
    # DP J189 is replaced by J181. PNEUMO-02 was first saved as proposed: only its latest decision counts.
    pneumo = store.save_decision("PNEUMO-02", "alice", Codes(dp="J189"), store.get_stay("PNEUMO-02").version)
    store.save_decision("PNEUMO-02", "alice", Codes(dp="J181"), pneumo.stay_version)
    store.save_decision("CARDIO-01", "alice", Codes(dp="I5002", das=["N184"]), store.get_stay("CARDIO-01").version)
    store.save_decision("HTML-03", "alice", Codes(dp="I10"), store.get_stay("HTML-03").version)
    at = sign_in("alice")
    at.switch_page("views/dashboard.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {"Acceptation par semaine", "Par unité médicale"} <= {s.value for s in at.subheader}
    per_unit = table_with(at, "Unité médicale")
    assert list(per_unit["Unité médicale"]) == ["CARD", "PNEU"]  # most stays first
    assert list(per_unit["Séjours validés"]) == [2, 1]
    assert list(per_unit["Taux d'acceptation"]) == pytest.approx([2 / 3, 0.0])
    assert list(per_unit["Codes rejetés"]) == [1, 1] and list(per_unit["Codes ajoutés"]) == [1, 1]
    assert list(per_unit["DP confirmé"]) == pytest.approx([1.0, 0.0])
    # All saved today: one week, with the three stays' figures.
    per_week = table_with(at, "Semaine")
    assert len(per_week) == 1 and per_week["Semaine"][0].startswith("S")
    assert (per_week["Séjours validés"][0], per_week["Codes gardés"][0], per_week["Codes rejetés"][0]) == (3, 2, 2)
    assert per_week["DP confirmé"][0] == pytest.approx(2 / 3)


def test_dashboard_shows_acceptance(store: Store) -> None:
    from coding_assistant.schema import Codes

    record = store.get_stay("CARDIO-01")
    store.save_decision("CARDIO-01", "alice", Codes(dp="I5002", das=["N184"]), record.version)
    at = sign_in("alice")
    at.switch_page("views/dashboard.py").run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Taux d'acceptation"] == "50 %"  # I5002 kept, I10 dropped
    assert metrics["DP confirmé"] == "100 %"  # the proposed DP was kept
    per_code = table_with(at, "Code").set_index("Code")
    assert per_code.loc["I10", "Rejeté"] == 1 and per_code.loc["N184", "Ajouté"] == 1
    assert any("Aucun modèle dans le registre" in str(c.value) for c in at.caption)
    # With a model active in the site's registry: the model and its acceptance since it became active.
    from coding_assistant.store.models import ModelRegistryRow

    activated = datetime.now(UTC) - timedelta(days=1)
    with store.sessions() as session:
        session.add(
            ModelRegistryRow(
                name="site",
                version="20261205",
                backend="tfidf",
                path="/models/site",
                trained_at=activated,
                registered_at=activated,
                registered_by="admin",
                training_data={},
                figures={},
                active=True,
                activated_at=activated,
            )
        )
        session.commit()
    at.switch_page("views/dashboard.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("site 20261205" in str(m.value).replace("\\", "") for m in at.markdown)
    since = {m.label: m.value for m in at.metric}
    assert since["Acceptation depuis"] == "50 %" and since["Séjours validés depuis"] == "1"


def test_accounts_page_creates_and_deactivates(store: Store) -> None:
    at = sign_in("root")
    at.switch_page("views/accounts.py").run()
    assert set(at.dataframe[0].value["Identifiant"]) == set(USERS)
    form = at.form[0]
    form.text_input[0].input("denise")
    form.text_input[1].input("Denise Petit")
    form.selectbox[0].set_value("dim_physician")
    form.text_input[2].input(PASSWORD)
    form.text_input[3].input(PASSWORD)
    form.form_submit_button[0].click().run()
    assert any("denise" in message for message in texts(at.success)), texts(at.error)
    assert store.authenticate("denise", PASSWORD).role == "dim_physician"

    at.selectbox(key="account_selected").set_value("denise")
    at.button(key="account_deactivate").click().run()
    assert store.authenticate("denise", PASSWORD) is None
    with store.sessions() as session:
        from coding_assistant.store.models import AuditRow

        actors = {row.action: row.actor for row in session.query(AuditRow).filter(AuditRow.stay_pk.is_(None))}
    assert actors["user_deactivated"] == "root"


def test_dashboard_queries_count_the_latest_decision_per_stay(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from coding_assistant.schema import Codes
    from coding_assistant.store import BatchCounts
    from coding_assistant.store.dashboard import (
        acceptance,
        recent_batch_runs,
        status_counts,
        units,
        validated_per_day,
    )

    now = [datetime(2025, 3, 10, 22, 30, tzinfo=UTC)]  # 23:30 in Paris

    def clock() -> datetime:
        now[0] += timedelta(minutes=1)
        return now[0]

    store = seed_store(f"sqlite:///{tmp_path / 'dash.sqlite3'}", tmp_path)
    store.close()
    store = Store.open(f"sqlite:///{tmp_path / 'dash.sqlite3'}", tmp_path, clock=clock)
    version = store.get_stay("CARDIO-01").version
    first = store.save_decision("CARDIO-01", "alice", Codes(dp="I5002", das=["I10"]), version)
    store.save_decision("CARDIO-01", "bruno", Codes(dp="I5002", das=["N184"]), first.stay_version)  # 23:32
    now[0] += timedelta(hours=1)  # 00:33 the next day in Paris
    store.save_decision("PNEUMO-02", "alice", Codes(dp="J189"), store.get_stay("PNEUMO-02").version)
    run = store.start_batch_run("local", "stays.jsonl")
    store.finish_batch_run(run.id, BatchCounts(coded=3, skipped=1))

    with store.sessions() as session:
        summary = acceptance(session)
        per_day = validated_per_day(session, zone=ZoneInfo("Europe/Paris"))
        statuses = status_counts(session)
        unit_list = units(session)
        runs = recent_batch_runs(session)
    store.close()
    # CARDIO-01 counts once, with bruno's decision: I5002 kept, I10 dropped, N184 added; PNEUMO-02: J189 kept.
    assert (summary.decisions, summary.accepted, summary.rejected, summary.added) == (2, 2, 1, 1)
    assert summary.rate == pytest.approx(2 / 3)
    by_code = {c.code: c for c in summary.per_code}
    assert by_code["I10"].rate == 0 and by_code["I5002"].rate == 1 and by_code["N184"].proposed == 0
    assert [c.code for c in summary.most_rejected()] == ["I10"] and [c.code for c in summary.most_added()] == ["N184"]
    assert per_day == [(date(2025, 3, 10), 1), (date(2025, 3, 11), 1)]  # local days; a stay saved twice counts once
    assert statuses == {"validated": 2, "proposed": 1, "to_code": 1}
    assert unit_list == ["CARD", "PNEU"]
    assert [(r.status, r.counts.coded) for r in runs] == [("succeeded", 3)]


# Pure parts -------------------------------------------------------------------------------------------------
def test_highlighting_escapes_text_and_handles_overlaps() -> None:
    text = "a <b>HTA</b> & insuffisance cardiaque"
    proposals = [
        Proposal(code="I509", label="IC <x>", score=0.9, evidence=[Evidence(doc_id="D", start=15, end=37, text="")]),
        Proposal(code="I10", label="HTA", score=0.5, evidence=[Evidence(doc_id="D", start=2, end=12, text="")]),
        Proposal(
            code="I500", label="", score=0.4, evidence=[Evidence(doc_id="D", start=15, end=27, text="", negated=True)]
        ),
        Proposal(code="R000", label="", score=0.1, evidence=[Evidence(doc_id="D", start=30, end=99, text="")]),
    ]
    colours = code_colours(p.code for p in proposals)
    spans = document_spans("D", len(text), proposals, colours)
    assert {s.code for s in spans} == {"I509", "I10", "I500"}  # offsets past the text are dropped
    page = highlighted_html(text, spans)
    assert "&lt;b&gt;HTA&lt;/b&gt;</span> &amp; " in page and "<b>" not in page
    assert "IC &lt;x&gt;" in page  # labels in tooltips are escaped too
    # Where the affirmed I509 and the negated I500 overlap, the affirmed code shows and the tooltip names both.
    overlap = page.split('data-code="I509"')[1].split("</span>")[0]
    assert "I500" in overlap and "insuffisance" in overlap


def test_draft_from_proposals_and_decision() -> None:
    proposals = cardio_stay().proposals
    draft = draft_from("CARDIO-01", 3, proposals, "v", None, lambda code: "")
    assert draft.codes().model_dump(include={"dp", "dr", "das"}) == {"dp": "I5002", "dr": None, "das": ["I10"]}
    assert "mentions seulement niée : non retenu" in draft.line("I269").notes

    from coding_assistant.store import Decision

    decided = Decision("CARDIO-01", "alice", "J189", None, ["I10", "N184"], "v", 4, None)  # type: ignore[arg-type]
    draft = draft_from("CARDIO-01", 4, proposals, "v", decided, lambda code: f"label {code}")
    assert draft.codes().model_dump(include={"dp", "dr", "das"}) == {"dp": "J189", "dr": None, "das": ["I10", "N184"]}
    assert draft.line("N184").added and draft.line("N184").label == "label N184"
    assert not draft.choices["I5002"].kept


def test_draft_reapply_restores_the_refused_coding() -> None:
    mine = draft_from("S", 1, cardio_stay().proposals, "v", None, str)
    mine.choose("I10", False, "DAS")
    mine.add("N184", "MRC 4")
    theirs = draft_from("S", 2, cardio_stay().proposals, "v", None, str)
    theirs.choose("J189", True, "DAS")
    theirs.reapply(dict(mine.choices), mine.lines)
    assert theirs.codes() == mine.codes()
    assert theirs.version == 2 and theirs.unsaved
    assert theirs.choices["J189"] == Choice(False, "DAS")


# The `ui` command -------------------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What `ui` would have become: its exec is replaced by a record of the command and environment."""
    from coding_assistant.cli import ui as ui_command

    record: dict[str, object] = {}

    def replace_process(executable: str, command: list[str], environment: dict[str, str]) -> None:
        record.update(executable=executable, command=command, env=environment)

    monkeypatch.setattr(ui_command, "replace_process", replace_process)
    return record


def run_ui(*args: str):
    from typer.testing import CliRunner

    from coding_assistant.cli import app

    return CliRunner().invoke(app, ["ui", *args])


def test_ui_command_serves_the_app_headless_without_telemetry_nor_error_details(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: dict[str, object]
) -> None:
    from coding_assistant.cli.ui import UI_SERVER

    monkeypatch.setenv("CODING_ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    port = free_port()
    result = run_ui("--port", str(port))
    assert result.exit_code == 0, result.output
    command = started["command"]
    assert command[1:4] == ["-m", "streamlit", "run"] and Path(command[4]) == UI_SERVER
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.port"] == str(port)
    assert options["--server.headless"] == "true" and options["--browser.gatherUsageStats"] == "false"
    assert options["--client.showErrorDetails"] == "none" and options["--client.showErrorLinks"] == "false"
    assert options["--server.enableXsrfProtection"] == "true" and options["--server.enableAgentApi"] == "false"
    # Without --db, the default SQLite file of the data directory, as an absolute URL for the server; opened (and
    # so created and migrated) before the server starts.
    default = (tmp_path / "coding_assistant.sqlite3").resolve()
    assert started["env"][DB_URL_ENV] == f"sqlite:///{default}" and default.is_file()

    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run_ui("--db", other, "--address", "127.0.0.1", "--port", str(free_port())).exit_code == 0
    assert started["env"][DB_URL_ENV] == other
    assert started["command"][-2:] == ["--server.address", "127.0.0.1"]


def test_ui_refuses_an_unusable_store_or_address_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: dict[str, object]
) -> None:
    import socket

    monkeypatch.setenv("CODING_ASSISTANT_DATA_DIR", str(tmp_path))
    (tmp_path / "a-file").write_text("not a folder")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        refused = {
            "bad URL": run_ui("--db", "pas-une-url"),
            "unreachable store": run_ui("--db", f"sqlite:///{tmp_path / 'a-file' / 'store.sqlite3'}"),
            "unknown host": run_ui("--address", "hote-inconnu.invalid", "--port", str(free_port())),
            "not this machine": run_ui("--address", "192.0.2.10", "--port", str(free_port())),  # TEST-NET-1
            "port in use": run_ui("--address", "127.0.0.1", "--port", str(busy.getsockname()[1])),
        }
    finally:
        busy.close()
    for case, result in refused.items():
        assert result.exit_code == 2, (case, result.output)
        assert "Traceback" not in result.output, case
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, (case, result.output)
    assert "port" in refused["port in use"].output
    assert not started  # the server was never started


def test_ui_refuses_a_bad_session_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: dict[str, object]
) -> None:
    monkeypatch.setenv("CODING_ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CODING_ASSISTANT_UI_IDLE_TIMEOUT_MINUTES", "-5")
    result = run_ui("--port", str(free_port()))
    assert result.exit_code == 2 and "CODING_ASSISTANT_UI_IDLE_TIMEOUT_MINUTES" in result.output
    assert not started


def test_a_stay_flagged_a_revoir_with_its_reason_and_a_note_then_listed_and_cleared_by_validation(store: Store) -> None:
    at = open_stay(sign_in("alice"), "CARDIO-01")
    # A form sends what was typed with its button (the typing alone does not run the page).
    at.text_area(key="CARDIO-01:note").input("Voir avec le Dr B.")
    at.button(key="CARDIO-01:save_note").click().run()
    at.text_input(key="CARDIO-01:review_reason").input("attente du CR anapath")
    at.button(key="CARDIO-01:flag_review").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("À revoir : attente du CR anapath" in shown(m) for m in texts(at.warning))
    record = store.get_stay("CARDIO-01")
    assert record is not None and record.note == "Voir avec le Dr B." and record.review is not None
    # The worklist's « À revoir » status lists it, whatever its own status.
    worklist = sign_in("bruno")
    flagged = store.worklist(WorklistFilter(status=["to_review"]))
    assert [r.stay_id for r in flagged] == ["CARDIO-01"]
    table = worklist.dataframe[0].value.set_index("Séjour")
    assert table.loc["CARDIO-01", "Statut"].endswith("· à revoir")
    # A validation clears the flag.
    at.button(key="CARDIO-01:validate").click().run()
    assert store.get_stay("CARDIO-01").review is None  # type: ignore[union-attr]
