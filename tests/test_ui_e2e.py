"""End to end in a real browser: the `ui` command's Streamlit server on a temporary SQLite store, driven by
Playwright through Debian's Chromium (never a browser downloaded by Playwright).

    bash scripts/chromium_for_tests.sh && .venv/bin/python -m pytest tests/test_ui_e2e.py

Every request the browser makes is recorded: all must go to the server (127.0.0.1), none to a font, icon or
image host outside; and the page must not break its own Content-Security-Policy.

Skipped when /usr/bin/chromium is missing, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_ui import PASSWORD, hostile_stay, seed_stays, seed_store

from coding_assistant.cli_store import DB_URL_ENV
from coding_assistant.schema import Codes
from coding_assistant.store import Store
from coding_assistant.ui_command import UI_SERVER, streamlit_command

UI_DIR = Path(__file__).resolve().parents[1] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.downloads import GRANT_TTL_S  # noqa: E402

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


@pytest.fixture(scope="module")
def served_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """(base URL, store) of a Streamlit server started as `coding-assistant ui` starts it (one for the module:
    each start costs seconds on a busy machine)."""
    tmp_path = tmp_path_factory.mktemp("e2e")
    database = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    store = seed_store(database, tmp_path, [*seed_stays(), hostile_stay()])
    port = free_port()
    env = dict(
        os.environ,
        **{DB_URL_ENV: database, "CODING_ASSISTANT_DATA_DIR": str(tmp_path / "data")},
        CODING_ASSISTANT_FINESS="750000001",
    )
    log = tmp_path / "streamlit.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            streamlit_command(UI_SERVER, port, "127.0.0.1"), env=env, stdout=output, stderr=subprocess.STDOUT
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


class Browser:
    """A Chromium page that records every request and every Content-Security-Policy complaint."""

    def __init__(self, playwright: sync_api.Playwright) -> None:
        self.browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        self.page = self.browser.new_page(viewport={"width": 1600, "height": 1200}, accept_downloads=True)
        self.page.set_default_timeout(STEP_TIMEOUT_MS)
        self.requests: list[str] = []
        self.policy_violations: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", self._console)

    def _console(self, message: sync_api.ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.policy_violations.append(message.text)

    def sign_in(self, url: str, username: str) -> None:
        self.page.goto(url)
        self.page.get_by_label("Identifiant").fill(username)
        self.page.get_by_label("Mot de passe").fill(PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        sync_api.expect(self.page.get_by_role("heading", name="Liste de travail")).to_be_visible()

    def assert_stayed_home(self) -> None:
        """Nothing fetched from outside the server (fonts, icons, images), nothing the CSP had to block."""
        outside = [
            address
            for address in self.requests
            if urlsplit(address).scheme not in ("data", "blob") and urlsplit(address).hostname != "127.0.0.1"
        ]
        assert not outside, outside
        assert not self.policy_violations, self.policy_violations
        # Headless Chromium may not fetch the favicon at all: check where the page points it.
        icons = self.page.eval_on_selector_all("link[rel~='icon']", "links => links.map(link => link.href)")
        assert all(urlsplit(icon).scheme == "data" or urlsplit(icon).hostname == "127.0.0.1" for icon in icons), icons

    def close(self) -> None:
        self.browser.close()


def test_sign_in_open_accept_validate_in_chromium(served_store: tuple[str, Store], tmp_path: Path) -> None:
    url, store = served_store
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        try:
            response = page.goto(url)
            assert response is not None and response.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            browser.sign_in(url, "alice")

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

            # The dashboard draws its charts with the page's own scripts: no CSP complaint, nothing from outside.
            page.get_by_role("link", name="Tableau de bord").click()
            sync_api.expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
            sync_api.expect(page.locator(".vega-embed").first).to_be_visible()
            browser.assert_stayed_home()
        finally:
            browser.close()

    assert (tmp_path / "stay_validated.png").stat().st_size > 10_000
    decision = store.latest_decision("CARDIO-01")
    assert decision is not None
    assert (decision.username, decision.dp) == ("alice", "I5002")
    assert "J189" in decision.das
    assert store.get_stay("CARDIO-01").status == "validated"


def test_hostile_values_stay_text_and_an_export_is_not_downloadable_signed_out(
    served_store: tuple[str, Store], tmp_path: Path
) -> None:
    url, store = served_store
    store.save_decision("PNEUMO-02", "bruno", Codes(dp="J189"), store.get_stay("PNEUMO-02").version)
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        try:
            browser.sign_in(url, "claire")
            # A stay whose number, unit and document types are Markdown links and images: shown as text.
            search = page.get_by_label("N° de séjour")
            search.fill("EVIL")
            search.press("Enter")
            sync_api.expect(page.get_by_text("Séjours 1 à 1")).to_be_visible()
            page.get_by_role("button", name="Ouvrir le séjour").click()
            # (an invisible word joiner before "https" keeps the renderer from linking the bare URL)
            heading = page.get_by_role("heading", name="Séjour [EVIL-05](\u2060https://evil.example/sejour)")
            sync_api.expect(heading).to_be_visible()
            sync_api.expect(page.get_by_text("[ici](\u2060https://evil.example/x) · EVIL-CRH")).to_be_visible()
            assert page.locator('a[href*="evil.example"]').count() == 0
            assert page.locator('img[src*="evil.example"]').count() == 0

            # The export: its file reaches the browser that clicked, and nobody after.
            page.get_by_role("link", name="Export").click()
            sync_api.expect(page.get_by_role("heading", name="Export des séjours validés")).to_be_visible()
            page.get_by_role("button", name="Générer l'export").click()
            sync_api.expect(page.get_by_text("marqué(s) « exporté »")).to_be_visible()
            with page.expect_download() as started:
                page.get_by_role("button", name="Télécharger le RSS").click()
            download = started.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert "J189" in saved.read_text(encoding="latin-1")
            browser.assert_stayed_home()
        finally:
            browser.close()

    # The same URL, fetched again signed out: the grant was for the clicking browser's address (this machine's
    # here, so wait for it to lapse; another address is refused at once, see test_ui_server.py) and is over.
    assert urlsplit(download.url).path.startswith("/media/")
    time.sleep(GRANT_TTL_S + 1)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(download.url, timeout=10)
    assert refused.value.code == 404
