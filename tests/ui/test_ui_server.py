"""The review server as `coding-assistant ui` starts it (no browser): its HTTP guard (security headers, exports
served only against a one-time grant) and its process (killing the command stops the server)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.downloads import DownloadGrants  # noqa: E402
from coding_review.http_guard import (  # noqa: E402
    HttpGuard,
    content_security_policy,
    inline_script_hashes,
    refused_route,
)

START_TIMEOUT_S = 90  # Streamlit's start on a busy two-core machine


# The guard alone, in front of a stand-in for Streamlit's routes ------------------------------------------------
def stand_in_app() -> Starlette:
    async def page(request: Request) -> Response:
        return PlainTextResponse("<html>app</html>", media_type="text/html")

    async def media(request: Request) -> Response:
        name = request.path_params["segment"]
        headers = {"Content-Disposition": 'attachment; filename="export.txt"'} if name == "abc.txt" else {}
        return PlainTextResponse("RSS", headers=headers)

    return Starlette(
        routes=[
            Route("/", page),
            Route("/media/{segment}", media, methods=["GET", "HEAD"]),
            Route("/static/media/{segment}", media),
        ]
    )


@pytest.fixture
def guarded() -> tuple[TestClient, DownloadGrants, list[float]]:
    clock = [1000.0]
    grants = DownloadGrants(clock=lambda: clock[0])
    app = HttpGuard(
        stand_in_app(),
        csp=content_security_policy(None),
        downloadable=lambda segment: "export.txt" if segment == "abc.txt" else None,
        grants=grants,
    )
    return TestClient(app), grants, clock


def test_every_response_forbids_framing_and_outside_requests(guarded) -> None:
    client, _, _ = guarded
    for path in ("/", "/media/picture.png", "/nowhere"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY", path
        policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
        assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'self'"
        assert policy["connect-src"] == "'self'" and policy["img-src"] == "'self' data: blob:"
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert client.get("/media/picture.png").headers["cache-control"] == "no-store"


def test_a_download_is_served_only_to_the_clicking_address_just_after_the_click(guarded) -> None:
    client, grants, clock = guarded
    assert client.get("/media/abc.txt").status_code == 404  # never granted: what a signed-out visitor gets
    grants.grant("export.txt", "10.1.2.3")  # a click from another workstation
    assert client.get("/media/abc.txt").status_code == 404
    grants.grant("export.txt", "testclient")  # the test client's address
    served = client.get("/media/abc.txt")
    assert (served.status_code, served.text) == (200, "RSS") and served.headers["cache-control"] == "no-store"
    assert client.get("/media/abc.txt").status_code == 200  # Streamlit's page checks the URL as it downloads
    clock[0] += 11  # a few seconds later the URL is dead, whoever asks
    assert client.get("/media/abc.txt").status_code == 404
    assert client.get("/media/picture.png").status_code == 200  # not a download: not this guard's business
    assert client.get("/static/media/font.woff2").headers.get("cache-control") != "no-store"  # not media either


@pytest.mark.parametrize("media", ["/media/", "/dim/media/"])
def test_internal_routes_that_reveal_the_server_are_refused(media: str) -> None:
    base = media.removesuffix("media/")
    for path in ("_stcore/metrics", "_stcore/agent/openapi.json", "_stcore/agent/mcp"):
        assert refused_route(base + path, media), path
    for path in ("_stcore/health", "_stcore/host-config", "", "media/abc.txt", "_stcore/stream"):
        assert not refused_route(base + path, media), path


def test_the_csp_allows_exactly_streamlits_inline_script() -> None:
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    hashes = inline_script_hashes(index.read_text(encoding="utf-8"))
    assert hashes, "Streamlit's page has an inline script: the CSP must name it or the app will not start"
    policy = content_security_policy(index)
    assert all(digest in policy for digest in hashes) and "'unsafe-inline'" not in policy.split("style-src")[0]


# The real server, started as `coding-assistant ui` ------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def start_ui(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    """`coding-assistant ui` in its own process group (so that the test can clean up whatever it left)."""
    env = dict(os.environ, CODING_ASSISTANT_DATA_DIR=str(tmp_path / "data"))
    command = [sys.executable, "-m", "coding_assistant", "ui", "--port", str(port), "--address", "127.0.0.1"]
    command += ["--db", f"sqlite:///{tmp_path / 'review.sqlite3'}"]
    log = (tmp_path / "ui.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not answers(f"http://127.0.0.1:{port}/_stcore/health"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_group(process)
            raise AssertionError((tmp_path / "ui.log").read_text(errors="replace"))
        time.sleep(0.5)
    return process


def stop_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # nothing left in the group
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture
def ui_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = start_ui(tmp_path, port)
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop_group(process)


def test_the_served_app_cannot_be_framed_and_has_no_unguarded_download(ui_server) -> None:
    url, _ = ui_server
    with urllib.request.urlopen(f"{url}/", timeout=10) as answer:
        headers = answer.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{url}/media/0123456789abcdef.txt", timeout=10)
    assert missing.value.code == 404


def status_and_body(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_a_signed_out_client_reaches_no_internal_route_but_the_health_check(ui_server) -> None:
    url, _ = ui_server
    # Health stays open for the reverse proxy's probe, and says nothing but "ok".
    assert status_and_body(f"{url}/_stcore/health") == (200, b"ok")
    # The metrics (sessions, memory) and the agent API's description: refused, whoever asks.
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json", "/_stcore/agent/mcp"):
        assert status_and_body(f"{url}{path}")[0] == 404, path
    # What the page needs before sign-in: Streamlit's own settings, nothing of the store or the host.
    status, body = status_and_body(f"{url}/_stcore/host-config")
    assert status == 200 and b"sqlite" not in body.lower() and str(Path.home()).encode() not in body
    # Any other internal path is the page itself (no listing, no error text).
    for path in ("/_stcore/script-health-check", "/_stcore/upload_file/a/b", "/_stcore/nowhere"):
        status, body = status_and_body(f"{url}{path}")
        assert status in (200, 404) and b"Traceback" not in body and b"sqlite" not in body.lower(), path


def test_killing_the_ui_command_stops_the_server(ui_server) -> None:
    url, process = ui_server
    os.kill(process.pid, signal.SIGKILL)  # the `ui` command itself, as a supervisor or `kill -9` would
    process.wait()
    deadline = time.monotonic() + 10
    while answers(f"{url}/_stcore/health") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not answers(f"{url}/_stcore/health"), "a server outlived the `ui` command and still serves the port"
