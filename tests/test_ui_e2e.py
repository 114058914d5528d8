"""End to end in a real browser: the `ui` command's Streamlit server on a temporary SQLite store, driven by
Playwright through Debian's Chromium (never a browser downloaded by Playwright).

    bash scripts/chromium_for_tests.sh && .venv/bin/python -m pytest tests/test_ui_e2e.py

Skipped when /usr/bin/chromium is missing, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_ui import PASSWORD, seed_store

from coding_assistant.cli_store import DB_URL_ENV
from coding_assistant.store import Store
from coding_assistant.ui_command import UI_APP, streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
START_TIMEOUT_S = 90  # Streamlit's start on a busy two-core machine
STEP_TIMEOUT_MS = 30_000

ON_CI = os.environ.get("CI") == "true"


def _unavailable(reason: str) -> None:
    if ON_CI:
        pytest.fail(f"{reason}: the end-to-end test must run on CI", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not CHROMIUM.exists():
    _unavailable(f"{CHROMIUM} is missing (install it with scripts/chromium_for_tests.sh)")
try:
    from playwright import sync_api
except ImportError:
    _unavailable("playwright is not installed (pip install -e '.[dev]')")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"Streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"Streamlit did not answer within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


@pytest.fixture
def served_store(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """(base URL, store) of a Streamlit server started as `coding-assistant ui` starts it."""
    database = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    store = seed_store(database, tmp_path)
    port = free_port()
    env = dict(os.environ, **{DB_URL_ENV: database, "CODING_ASSISTANT_DATA_DIR": str(tmp_path / "data")})
    log = tmp_path / "streamlit.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            streamlit_command(UI_APP, port, "127.0.0.1"), env=env, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        yield url, store
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        store.close()


def test_sign_in_open_accept_validate_in_chromium(served_store: tuple[str, Store], tmp_path: Path) -> None:
    url, store = served_store
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(url)

            page.get_by_label("Identifiant").fill("alice")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            sync_api.expect(page.get_by_role("heading", name="Liste de travail")).to_be_visible()

            search = page.get_by_label("N° de séjour")
            search.fill("CARDIO-01")
            search.press("Enter")
            sync_api.expect(page.get_by_text("Séjours 1 à 1")).to_be_visible()
            page.get_by_role("button", name="Ouvrir le séjour").click()
            sync_api.expect(page.get_by_role("heading", name="Séjour CARDIO-01")).to_be_visible()
            # The document is shown with its evidence highlighted, the negated mention marked.
            sync_api.expect(page.locator('[data-code="I5002"]').first).to_be_visible()
            sync_api.expect(page.locator('[data-qualifier="negated"]').first).to_contain_text("embolie pulmonaire")

            # Accept J189, which the product had not pre-selected, then validate.
            page.locator(".st-key-line-J189").get_by_text("Retenir").click()
            sync_api.expect(page.get_by_text("J189", exact=False).first).to_be_visible()
            page.get_by_role("button", name="Valider le codage").click()
            sync_api.expect(page.get_by_text("Codage validé et enregistré")).to_be_visible()
            page.screenshot(path=str(tmp_path / "stay_validated.png"), full_page=True)
        finally:
            browser.close()

    assert (tmp_path / "stay_validated.png").stat().st_size > 10_000
    decision = store.latest_decision("CARDIO-01")
    assert decision is not None
    assert (decision.username, decision.dp) == ("alice", "I5002")
    assert "J189" in decision.das
    assert store.get_stay("CARDIO-01").status == "validated"
