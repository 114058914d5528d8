"""A coder's hands on the review UI, measured: a scripted walk in Chromium (1440×900) through four stays of the
worklist, counting clicks, shortcut keys, typed queries, the scrolling needed to reach what is clicked, and the
seconds from one stay shown to the next one shown. Prints a Markdown table for the README.

    bash scripts/chromium_for_tests.sh && .venv/bin/python bench/ui_walk.py

The tasks, each on a stay of 20 candidates and three letters of about 1,000 words:

1. the proposals are right: validate and go to the next stay;
2. the DP is not among the proposals: find it by search, make it the DP, drop the proposed one, validate;
3. the DP is among the other candidates: make it the DP, drop the proposed one, validate;
4. a DAS is missing: find it by search, add it, validate.

An action is a click, a shortcut key, or a query typed in the search box. Scrolling is what the page must move
for the next click's target to be in view (Playwright scrolls it, as a coder would): its total and its longest
single move. Seconds include the server's answers on this machine (the two shared cores make them slow), not a
coder's reading time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))  # the e2e test's server helpers and the seed store
sys.path.insert(0, str(ROOT / "ui"))

PASSWORD = "mot-de-passe-banc"
VIEWPORT = {"width": 1440, "height": 900}
CANDIDATES = 20
FILLER = (
    "Patient hospitalisé pour bilan, examen clinique rassurant, constantes stables, pas de douleur thoracique, "
    "apyrétique, auscultation cardio-pulmonaire sans particularité, traitement habituel poursuivi. "
)
# Stays walked in this order (the worklist's "to check first" sort puts the lower DP score first).
TASKS = (
    ("WALK-1", "propositions justes", 0.81),
    ("WALK-2", "DP trouvé par recherche", 0.82),
    ("WALK-3", "DP parmi les autres propositions", 0.83),
    ("WALK-4", "DAS ajouté par recherche", 0.84),
)
# Sum of the scroll offsets of every scrolling element of the page (and the window).
SCROLL_POSITIONS = """() => {
  const found = {window: window.scrollY};
  document.querySelectorAll('main, section, div').forEach((el, i) => {
    if (el.scrollHeight > el.clientHeight + 2 && /(auto|scroll)/.test(getComputedStyle(el).overflowY)) {
      found[(el.dataset.testid || el.className || 'div') + ':' + i] = el.scrollTop;
    }
  });
  return found;
}"""


def seed(url: str, data_dir: Path) -> None:
    from coding_assistant.schema import Document, Evidence, ModelInfo, Proposal, Stay, StayProposals
    from coding_assistant.store import Store
    from coding_assistant.terminology.loader import default_terminology

    terminology = default_terminology().terminology
    pool = [e for e in terminology if e.codable and e.mco_type == 0 and e.code[0] in "IKEN" and len(e.label) < 60]
    store = Store.open(url, data_dir)
    store.add_user("banc", PASSWORD, "coder", "Banc")
    for n, (stay_id, _, dp_score) in enumerate(TASKS):
        chosen = pool[n * 7 :: max(1, len(pool) // CANDIDATES)][:CANDIDATES]
        texts = ["", "", ""]
        for i, entry in enumerate(chosen):
            texts[i % 3] += FILLER * 5 + f"Au total : {entry.label.lower()}. "
        documents = [Document(doc_id=f"{stay_id}-{k}", type="CRH", text=text) for k, text in enumerate(texts)]
        proposals = []
        for i, entry in enumerate(chosen):
            document = documents[i % 3]
            phrase = entry.label.lower()
            start = document.text.index(f"Au total : {phrase}") + 11
            selected = i < 3
            proposals.append(
                Proposal(
                    code=entry.code,
                    label=entry.label,
                    score=dp_score if i == 0 else round(0.9 - i * 0.045, 3),
                    role=("DP" if i == 0 else "DAS") if selected else None,
                    selected=selected,
                    evidence=[Evidence(doc_id=document.doc_id, start=start, end=start + len(phrase), text=phrase)],
                )
            )
        stay = Stay(
            stay_id=stay_id,
            sex="F",
            age=72,
            admission_date=date(2025, 6, 1 + n),
            discharge_date=date(2025, 6, 6 + n),
            unit="WALK",
            documents=documents,
        )
        store.upsert_stay(stay)
        model = ModelInfo(name="banc", version="1")
        store.save_proposals(stay_id, StayProposals(stay_id=stay_id, model=model, proposals=proposals), None)
    store.close()


@dataclass
class Tally:
    clicks: int = 0
    keys: int = 0
    queries: int = 0
    scroll_total: float = 0.0
    scroll_max: float = 0.0
    seconds: float = 0.0
    moves: list[float] = field(default_factory=list)

    @property
    def actions(self) -> int:
        return self.clicks + self.keys + self.queries


class Walker:
    def __init__(self, page: object) -> None:
        self.page = page
        self.tally = Tally()

    def _scroll_to(self, locator: object) -> None:
        before = self.page.evaluate(SCROLL_POSITIONS)  # type: ignore[attr-defined]
        locator.scroll_into_view_if_needed()  # type: ignore[attr-defined]
        after = self.page.evaluate(SCROLL_POSITIONS)  # type: ignore[attr-defined]
        moved = sum(abs(after.get(k, 0) - before.get(k, 0)) for k in set(before) | set(after))
        self.tally.moves.append(moved)
        self.tally.scroll_total += moved
        self.tally.scroll_max = max(self.tally.scroll_max, moved)

    def click(self, locator: object) -> None:
        self._scroll_to(locator)
        locator.click()  # type: ignore[attr-defined]
        self.tally.clicks += 1

    def key(self, keys: str) -> None:
        self.page.keyboard.press(keys)  # type: ignore[attr-defined]
        self.tally.keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)  # type: ignore[attr-defined]
        self.tally.queries += 1


def walk(url: str, chromium: str) -> list[tuple[str, Tally]]:
    import re

    from playwright import sync_api

    def keyed(page: sync_api.Page, key: str) -> sync_api.Locator:
        return page.locator(f'[class~="st-key-{re.sub(r"[^a-zA-Z0-9_-]", "-", key)}"]')

    def ready(page: sync_api.Page, stay_id: str) -> None:
        sync_api.expect(page.get_by_role("heading", name=f"Séjour {stay_id}")).to_be_visible()
        sync_api.expect(keyed(page, f"{stay_id}:validate_next").get_by_role("button")).to_be_enabled()

    def candidate(page: sync_api.Page, stay_id: str, rank: int) -> str:
        return str(page.locator("[data-candidate]").nth(rank).get_attribute("data-candidate"))

    sync_api.expect.set_options(timeout=60_000)
    results: list[tuple[str, Tally]] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(60_000)
        page.goto(f"{url}/?um=WALK")
        page.get_by_label("Identifiant").fill("banc")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        sync_api.expect(page.get_by_text("Séjours 1 à 4")).to_be_visible()
        page.get_by_role("button", name="Ouvrir le séjour").click()
        for n, (stay_id, name, _) in enumerate(TASKS):
            ready(page, stay_id)
            page.wait_for_timeout(500)  # let the page settle: the walk measures the coder, not the rerun
            walker = Walker(page)
            started = time.perf_counter()
            proposed_dp = str(page.locator("[data-kept]").first.get_attribute("data-kept"))
            if n == 1:  # the DP by search
                walker.key("Alt+A")
                walker.type("bpco exacerbée")
                walker.click(keyed(page, f"{stay_id}:add:J441:DP").get_by_role("button"))
                sync_api.expect(page.locator('[data-kept="J441"][data-role="DP"]')).to_have_count(1)
                walker.click(keyed(page, f"{stay_id}:drop:{proposed_dp}").get_by_role("button"))
                sync_api.expect(page.locator(f'[data-candidate="{proposed_dp}"]')).to_be_attached()
            elif n == 2:  # the DP among the other candidates
                code = candidate(page, stay_id, 1)
                walker.click(keyed(page, f"{stay_id}:role:{code}:DP").get_by_role("button"))
                sync_api.expect(page.locator(f'[data-kept="{code}"][data-role="DP"]')).to_have_count(1)
                walker.click(keyed(page, f"{stay_id}:drop:{proposed_dp}").get_by_role("button"))
                sync_api.expect(page.locator(f'[data-candidate="{proposed_dp}"]')).to_be_attached()
            elif n == 3:  # a DAS by search
                walker.key("Alt+A")
                walker.type("anémie ferriprive")
                walker.click(keyed(page, f"{stay_id}:add:D509:DAS").get_by_role("button"))
                sync_api.expect(page.locator('[data-kept="D509"]')).to_be_visible()
            walker.key("Control+Enter")
            if n + 1 < len(TASKS):
                ready(page, TASKS[n + 1][0])
            else:
                sync_api.expect(page.get_by_role("heading", name="Liste de travail")).to_be_visible()
            walker.tally.seconds = time.perf_counter() - started
            results.append((name, walker.tally))
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from test_ui_e2e import free_port, wait_until_healthy

    from coding_assistant.cli.ui import UI_SERVER, streamlit_command
    from coding_assistant.config import DB_URL_ENV
    from coding_assistant.store import Store

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        database = f"sqlite:///{data / 'walk.sqlite3'}"
        seed(database, data)
        port = free_port()
        env = dict(os.environ, **{DB_URL_ENV: database, "CODING_ASSISTANT_DATA_DIR": str(data / "data")})
        env["CODING_ASSISTANT_FINESS"] = "750000001"
        log = data / "streamlit.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                streamlit_command(UI_SERVER, port, "127.0.0.1"), env=env, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", server, log)
            results = walk(f"http://127.0.0.1:{port}", args.chromium)
        finally:
            server.terminate()
            server.wait(timeout=30)
        store = Store.open(database, data)
        validated = sum(store.get_stay(stay_id).status == "validated" for stay_id, _, _ in TASKS)
        store.close()
    size = f"{VIEWPORT['width']}×{VIEWPORT['height']}"
    print(f"Chromium {size}, {CANDIDATES} candidates per stay; {validated}/{len(TASKS)} stays validated.\n")
    print("| task | actions | clicks | keys | queries typed | scroll total (px) | longest scroll (px) | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for name, tally in results:
        print(
            f"| {name} | {tally.actions} | {tally.clicks} | {tally.keys} | {tally.queries} | "
            f"{tally.scroll_total:.0f} | {tally.scroll_max:.0f} | {tally.seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
