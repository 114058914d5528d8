"""Review UI speed, server side: the stay page with 20 proposals run through Streamlit's AppTest (the whole
script, as a coder's click reruns it), and the latency of the code search that backs "Ajouter un code".
Prints a Markdown table for the README.

    .venv/bin/python bench/ui_speed.py [--runs 30]

AppTest times include the test harness (it rebuilds the element tree after each run), so they overstate what
the server spends; in the browser a tick in the coding panel reruns the panel's fragment only, less still.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_APP = ROOT / "ui" / "app.py"
DATA = ROOT / "tests" / "data"
PROPOSALS = 20
PASSWORD = "mot-de-passe-banc"
FILLER = (
    "Patient hospitalisé pour bilan, examen clinique rassurant, constantes stables, pas de douleur thoracique, "
    "apyrétique, auscultation cardio-pulmonaire sans particularité, traitement habituel poursuivi. "
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def seed(url: str, data_dir: Path) -> str:
    """One stay with three documents (about 3,200 words) and 20 proposals with two mentions each."""
    from coding_assistant.schema import Document, Evidence, ModelInfo, Proposal, Stay, StayProposals
    from coding_assistant.store import Store
    from coding_assistant.terminology.loader import default_terminology

    terminology = default_terminology().terminology
    codes = [e for e in terminology if e.codable and e.mco_type == 0 and e.code[0] in "IJKEN" and len(e.label) < 60]
    chosen = codes[:: max(1, len(codes) // PROPOSALS)][:PROPOSALS]
    texts = ["", "", ""]
    for i, entry in enumerate(chosen):
        texts[i % 3] += (
            FILLER * 6 + f"Au total : {entry.label.lower()}. " + FILLER + f"Rappel : {entry.label.lower()}. "
        )
    documents = [Document(doc_id=f"BENCH-{n}", type="CRH", text=text) for n, text in enumerate(texts)]
    proposals = []
    for i, entry in enumerate(chosen):
        document = documents[i % 3]
        phrase = entry.label.lower()
        starts = [document.text.index(f"Au total : {phrase}") + 11, document.text.index(f"Rappel : {phrase}") + 9]
        evidence = [
            Evidence(doc_id=document.doc_id, start=s, end=s + len(phrase), text=phrase, negated=(k == 1 and i % 4 == 0))
            for k, s in enumerate(starts)
        ]
        selected = i < 6
        role = "DP" if i == 0 else "DAS"
        proposals.append(
            Proposal(
                code=entry.code,
                label=entry.label,
                score=round(0.95 - i * 0.04, 2),
                role=role if selected else None,
                selected=selected,
                evidence=evidence,
            )
        )
    stay = Stay(
        stay_id="BENCH-1",
        sex="F",
        age=70,
        admission_date=date(2025, 3, 1),
        discharge_date=date(2025, 3, 8),
        unit="CARD",
        documents=documents,
    )
    store = Store.open(url, data_dir)
    store.add_user("banc", PASSWORD, "coder")
    store.upsert_stay(stay)
    store.save_proposals(
        "BENCH-1",
        StayProposals(stay_id="BENCH-1", model=ModelInfo(name="banc", version="1"), proposals=proposals),
        None,
    )
    store.close()
    return f"{sum(len(t.split()) for t in texts)} words, {sum(len(p.evidence) for p in proposals)} mentions"


def timed_run(app) -> float:
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(app.exception[0].value)
    return elapsed


def stay_page_times(runs: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(UI_APP, default_timeout=120)
    app.run()
    app.text_input(key="sign_in_username").input("banc")
    app.text_input(key="sign_in_password").input(PASSWORD)
    app.form_submit_button[0].click()
    signing_in = [timed_run(app)]  # first worklist: loads the terminology and the PMSI rule lists
    app.text_input(key="wl_search").input("BENCH-1")
    timed_run(app)
    app.button(key="wl_open").click()
    opening = [timed_run(app)]  # read from the store, highlight, first render
    # Every code, kept or candidate, has its "DP" button: one per proposal.
    codes = [b.key.split(":")[2] for b in app.button if b.key.startswith("BENCH-1:role:") and b.key.endswith(":DP")]
    assert len(codes) == PROPOSALS, f"{len(codes)} proposals on the page"
    toggles, reruns, searches = [], [], []
    for i in range(runs):
        code = codes[i % len(codes)]
        kept = any(b.key == f"BENCH-1:drop:{code}" for b in app.button)
        app.button(key=f"BENCH-1:drop:{code}" if kept else f"BENCH-1:role:{code}:DAS").click()
        toggles.append(timed_run(app))
        reruns.append(timed_run(app))
    for query in ("insuffisance cardiaque", "bpco", "I50", "diabete type 2", "pneumopathie"):
        app.text_input(key="BENCH-1:code_search").input(query)
        searches.append(timed_run(app))
    # Reopen from the worklist (a fresh read of the stay) a few times.
    for _ in range(max(5, runs // 3)):
        app.session_state["open_stays"] = {}
        opening.append(timed_run(app))
    return {"sign_in": signing_in, "open": opening, "toggle": toggles, "rerun": reruns, "search_run": searches}


def grouping_latencies(runs: int) -> list[float]:
    """The grouping preview of a coding not seen yet: GHM, severity, tariff, CMA levels, and the tariff gain of
    each of 20 candidates (two groupings each). Cold per coding: a coder's click makes a new coding."""
    sys.path.insert(0, str(ROOT / "ui"))
    from coding_review.grouping import gain_if_coded, preview, stay_facts

    from coding_assistant.groupage import default_grouper
    from coding_assistant.schema import Codes, Stay

    default_grouper()  # read once per process, at the first sign-in
    candidates = ["E440", "J189", "I269", "N179", "D649", "E870", "E119", "I480", "J960", "N390"] * 2
    das_choices = ["I10", "E1198", "N184", "E785", "I251", "Z921", "F329", "K219", "M199", "E669"]
    latencies = []
    for i in range(runs):
        # A new length of stay each time: a coding the cache has not seen.
        stay = Stay(
            stay_id="G",
            sex="F",
            age=78,
            admission_date=date(2025, 1, 1),
            discharge_date=date(2025, 1, 3) + timedelta(i),
        )
        facts = stay_facts(stay, Codes(dp="I5002", das=[das_choices[i % 10], das_choices[(i * 3 + 1) % 10]]))
        assert facts is not None
        start = time.perf_counter()
        preview(facts)
        for code in candidates:
            gain_if_coded(facts, code)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def search_latencies() -> list[float]:
    sys.path.insert(0, str(ROOT / "ui"))
    from coding_review.code_search import RESULTS

    from coding_assistant.terminology.loader import default_terminology

    index = default_terminology().index
    queries: list[str] = []
    for name, column in (("search_queries.csv", "query"), ("search_clinical_wordings.csv", "wording")):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            queries.extend(row[column] for row in csv.DictReader(handle))
    for query in queries[:20]:
        index.search(query, RESULTS)
    latencies = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, RESULTS)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="role or drop clicks measured on the stay page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        described = seed(url, Path(folder))
        os.environ["CODING_ASSISTANT_DB_URL"] = url
        times = stay_page_times(args.runs)
    latencies = search_latencies()
    grouping = grouping_latencies(max(50, args.runs))

    def row(name: str, values: list[float], unit: float = 1000.0) -> str:
        scaled = [v * unit for v in values]
        return (
            f"| {name} | {len(scaled)} | {statistics.median(scaled):.0f} | {percentile(scaled, 0.95):.0f} | "
            f"{max(scaled):.0f} |"
        )

    print(f"Stay page: {PROPOSALS} proposals, {described}; AppTest, whole script per run.\n")
    print("| measure (ms) | n | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    print(row("sign in, first worklist of the process (loads terminology and rule lists)", times["sign_in"]))
    print(row("first stay opened by the process", times["open"][:1]))
    print(row("open the stay (store read, highlighting, render)", times["open"][1:]))
    print(row("click a role or drop button (rerun with the change)", times["toggle"]))
    print(row("plain rerun", times["rerun"]))
    print(row("type a search query (whole page rerun)", times["search_run"]))
    print(row("code search alone (`SearchIndex.search`, 8 results)", latencies, unit=1.0))
    print(row("grouping preview of a new coding, with the gain of 20 candidates", grouping, unit=1.0))


if __name__ == "__main__":
    main()
