"""End to end in a real browser: the `ui` command's Streamlit server on a temporary SQLite store, driven by
Playwright through Debian's Chromium (never a browser downloaded by Playwright).

    bash scripts/chromium_for_tests.sh && .venv/bin/python -m pytest tests/ui/test_ui_e2e.py

Every request the browser makes is recorded: all must go to the server (127.0.0.1), none to a font, icon or
image host outside; and the page must not break its own Content-Security-Policy.

Skipped when /usr/bin/chromium is missing, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_ui import PASSWORD, SeedStay, hostile_stay, seed_stays, seed_store

from coding_assistant.cli.ui import UI_SERVER, streamlit_command
from coding_assistant.config import DB_URL_ENV
from coding_assistant.schema import Codes, Document, Evidence, Proposal, Stay
from coding_assistant.store import Store

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.downloads import GRANT_TTL_S  # noqa: E402
from coding_review.session_cookie import COOKIE_NAME  # noqa: E402

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


def flow_stay(stay_id: str, unit: str, dp_score: float, day: int) -> SeedStay:
    """A stay of the coder's-day tests: I5002 proposed as DP, I10 as DAS, J189 unticked, each with evidence."""
    text = "Conclusion : insuffisance cardiaque, HTA, pneumopathie.\n"
    crh = Document(doc_id=f"{stay_id}-CRH", type="CRH", text=text)

    def mention(phrase: str) -> list[Evidence]:
        start = text.index(phrase)
        return [Evidence(doc_id=crh.doc_id, start=start, end=start + len(phrase), text=phrase)]

    stay = Stay(
        stay_id=stay_id,
        sex="F",
        age=80,
        admission_date=date(2025, 5, day),
        discharge_date=date(2025, 5, day + 4),
        unit=unit,
        documents=[crh],
    )
    proposals = [
        Proposal(code="I5002", score=dp_score, role="DP", selected=True, evidence=mention("insuffisance cardiaque")),
        Proposal(code="I10", score=0.8, role="DAS", selected=True, evidence=mention("HTA")),
        Proposal(code="J189", score=0.3, evidence=mention("pneumopathie")),
    ]
    return SeedStay(stay, proposals)


def flow_stays() -> list[SeedStay]:
    """Three stays of unit KBD (walked through by keyboard), one each for the other tests, one whose unit code
    is too long for a RUM."""
    return [
        flow_stay("KB-1", "KBD", 0.90, 1),
        flow_stay("KB-2", "KBD", 0.91, 2),
        flow_stay("KB-3", "KBD", 0.92, 3),
        flow_stay("DP-1", "DPC", 0.9, 4),
        flow_stay("RL-1", "RLD", 0.9, 5),
        flow_stay("LV-1", "LVE", 0.9, 6),
        flow_stay("LONG-UM", "PNEUMO", 0.9, 7),
    ]


# Assertions wait as long as actions do: a rerun takes seconds on a busy two-core machine.
sync_api.expect.set_options(timeout=STEP_TIMEOUT_MS)


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
    store = seed_store(database, tmp_path, [*seed_stays(), hostile_stay(), *flow_stays()])
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
            # A click on a kept code shows its mentions: scrolled into view, blinking.
            page.locator('[data-kept="I10"] [data-locate="I10"]').click()
            blinking = page.locator('[data-code="I10"].revue-blink').first
            sync_api.expect(blinking).to_be_visible()
            sync_api.expect(blinking).to_be_in_viewport()

            # Accept J189, which the product had not pre-selected (one click, as a DAS), then validate.
            page.locator(".st-key-candidate-J189").get_by_role("button", name="DAS").click()
            sync_api.expect(page.locator('[data-kept="J189"]')).to_have_count(1)  # once the rerun has ended
            keyed(page, "CARDIO-01:validate").get_by_role("button").click()
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
            sync_api.expect(page.get_by_text("[ici](\u2060https://evil.example/x) 1")).to_be_visible()
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


# A coder's day ------------------------------------------------------------------------------------------------
def keyed(page: sync_api.Page, key: str) -> sync_api.Locator:
    """The element Streamlit drew for a widget or container `key` (it carries the class st-key-<key>, with every
    character but letters, digits, "_" and "-" made a "-")."""
    return page.locator(f'[class~="st-key-{re.sub(r"[^a-zA-Z0-9_-]", "-", key)}"]')


def open_linked_stay(browser: Browser, url: str, stay_id: str) -> None:
    """A stay opened from its link, by a signed-in coder (the reload keeps the session)."""
    wait_for_session_cookie(browser.page)
    browser.page.goto(f"{url}/sejour?stay={stay_id}")
    sync_api.expect(browser.page.get_by_role("heading", name=f"Séjour {stay_id}")).to_be_visible()


def wait_for_session_cookie(page: sync_api.Page) -> None:
    """The page script has exchanged the sign-in's one-time code for the session cookie (right after the first
    page is drawn): from then on a reload keeps the session."""
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while not any(cookie["name"] == COOKIE_NAME for cookie in page.context.cookies()):
        assert time.monotonic() < deadline, "no session cookie"
        page.wait_for_timeout(200)
    cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def ready(page: sync_api.Page, stay_id: str) -> None:
    """The stay is shown and its coding panel is drawn (its shortcuts answer from then on)."""
    sync_api.expect(page.get_by_role("heading", name=f"Séjour {stay_id}")).to_be_visible()
    sync_api.expect(keyed(page, f"{stay_id}:validate_next").get_by_role("button")).to_be_enabled()


def wait_for_unsaved(page: sync_api.Page, unsaved: bool) -> None:
    """The page script has the draft's state (it arms the warning before leaving)."""
    page.wait_for_selector(f'html[data-revue-unsaved="{"1" if unsaved else ""}"]', state="attached")


def test_validate_and_next_through_three_stays_by_keyboard(served_store: tuple[str, Store]) -> None:
    url, store = served_store
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        try:
            page.set_viewport_size({"width": 1440, "height": 900})
            browser.sign_in(f"{url}/?um=KBD", "alice")  # the worklist filtered by a link, kept through sign-in
            sync_api.expect(page.get_by_text("Séjours 1 à 3")).to_be_visible()
            page.get_by_role("button", name="Ouvrir le séjour").click()
            for stay_id, following in (("KB-1", "KB-2"), ("KB-2", "KB-3")):
                ready(page, stay_id)
                page.keyboard.press("Control+Enter")
                ready(page, following)
                sync_api.expect(page.get_by_text(f"Séjour {stay_id} validé et enregistré")).to_be_visible()
            page.keyboard.press("Alt+P")  # previous: the validated stay kept its place
            ready(page, "KB-2")
            page.keyboard.press("Alt+N")
            ready(page, "KB-3")
            page.keyboard.press("Control+Enter")
            sync_api.expect(page.get_by_role("heading", name="Liste de travail")).to_be_visible()
            sync_api.expect(page.get_by_text("c'était le dernier de la liste de travail")).to_be_visible()
            assert "um=KBD" in page.url  # the filter is still there
            browser.assert_stayed_home()
        finally:
            browser.close()
    for stay_id in ("KB-1", "KB-2", "KB-3"):
        decision = store.latest_decision(stay_id)
        assert decision is not None and decision.username == "alice" and decision.dp == "I5002"


def test_dp_change_in_one_click(served_store: tuple[str, Store]) -> None:
    url, store = served_store
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        try:
            browser.sign_in(url, "bruno")
            open_linked_stay(browser, url, "DP-1")
            keyed(page, "kept-DAS-I10").get_by_role("button", name="DP", exact=True).click()  # the one click
            # Streamlit keeps the previous render's row on the page until its rerun ends: wait for the new
            # rows first, then for the stale ones to leave (a count taken before the rerun starts proves nothing).
            for code, role in (("I10", "DP"), ("I5002", "DAS")):  # the new DP, and the old one demoted to DAS
                sync_api.expect(page.locator(f'[data-kept="{code}"][data-role="{role}"]')).to_have_count(1)
            for code in ("I10", "I5002"):
                sync_api.expect(page.locator(f'[data-kept="{code}"]')).to_have_count(1)
            sync_api.expect(page.get_by_text("Aucune alerte")).to_be_visible()
            # Alt+A goes to the code search; a result goes in as DAS in one click.
            page.keyboard.press("Alt+A")
            page.keyboard.type("N184")
            keyed(page, "search_results").get_by_role("button", name="DAS").first.click()
            sync_api.expect(page.locator('[data-kept="N184"]')).to_have_count(1)  # once the rerun has ended
            keyed(page, "DP-1:validate").get_by_role("button").click()
            sync_api.expect(page.get_by_text("Codage validé et enregistré")).to_be_visible()
            browser.assert_stayed_home()
        finally:
            browser.close()
    decision = store.latest_decision("DP-1")
    assert decision is not None and (decision.dp, decision.das) == ("I10", ["I5002", "N184"])


def test_a_reload_mid_edit_keeps_the_session_and_the_draft(served_store: tuple[str, Store]) -> None:
    url, store = served_store
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        try:
            browser.sign_in(url, "alice")
            open_linked_stay(browser, url, "RL-1")
            keyed(page, "kept-DAS-I10").get_by_role("button", name="✕").click()
            sync_api.expect(page.locator('[data-candidate="I10"]')).to_be_visible()
            wait_for_unsaved(page, True)
            page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?": yes
            page.reload()
            sync_api.expect(page.get_by_role("heading", name="Séjour RL-1")).to_be_visible()  # not signed out
            sync_api.expect(page.get_by_text("Brouillon non validé")).to_be_visible()
            sync_api.expect(page.locator('[data-candidate="I10"]')).to_be_visible()  # the choice is back
            assert page.get_by_label("Mot de passe").count() == 0
            browser.assert_stayed_home()
        finally:
            browser.close()
    assert store.get_stay("RL-1").status == "proposed"  # nothing was validated behind the coder's back


def test_the_unsaved_changes_warning(served_store: tuple[str, Store]) -> None:
    url, _ = served_store
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        dialogs: list[str] = []
        try:
            browser.sign_in(url, "claire")
            open_linked_stay(browser, url, "LV-1")
            keyed(page, "kept-DAS-I10").get_by_role("button", name="✕").click()
            wait_for_unsaved(page, True)
            keyed(page, "stay_back").get_by_role("button").click()  # in the app: asked first
            sync_api.expect(page.get_by_text("Ce séjour a des modifications non validées")).to_be_visible()
            page.get_by_role("button", name="Rester sur le séjour").click()
            sync_api.expect(page.get_by_role("heading", name="Séjour LV-1")).to_be_visible()
            sync_api.expect(page.locator('[data-candidate="I10"]')).to_be_visible()

            def refuse(dialog: sync_api.Dialog) -> None:
                dialogs.append(dialog.type)
                dialog.dismiss()  # "stay on the page"

            # Reloading or closing the tab: the browser asks too; "stay" keeps the page as it is.
            page.on("dialog", refuse)
            with pytest.raises(sync_api.TimeoutError):
                page.reload(timeout=5_000)  # refused: the reload never happens
            assert dialogs == ["beforeunload"]
            sync_api.expect(page.locator('[data-candidate="I10"]')).to_be_visible()
            browser.assert_stayed_home()
        finally:
            browser.close()


def test_an_export_refused_at_validation_time_in_french(served_store: tuple[str, Store]) -> None:
    url, store = served_store
    with sync_api.sync_playwright() as playwright:
        browser = Browser(playwright)
        page = browser.page
        try:
            browser.sign_in(url, "alice")
            open_linked_stay(browser, url, "LONG-UM")
            reason = "Code d'unité médicale « PNEUMO » trop long : 6 caractères, le RUM en admet 4"
            sync_api.expect(page.get_by_text(reason).first).to_be_visible()  # before validating
            keyed(page, "LONG-UM:validate_next").get_by_role("button").click()
            sync_api.expect(page.get_by_text("l'export refusera ce séjour")).to_be_visible()
            sync_api.expect(page.get_by_role("heading", name="Séjour LONG-UM")).to_be_visible()  # not moved on
            browser.assert_stayed_home()
        finally:
            browser.close()
    assert store.get_stay("LONG-UM").status == "validated"
