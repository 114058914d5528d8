"""`coding-assistant ui`: start the Streamlit review app on the store.

The command checks what it can before starting the server: the UI settings, the store (opened, and migrated,
here: an unusable --db is one `error:` line, not a server that fails on its first page) and the address and port
(one `error:` line when they cannot be listened on). Then it *replaces itself* with Streamlit (exec): there is no
parent left to be killed while its child keeps serving the port, and a signal sent to the `ui` process
(Ctrl-C, SIGTERM, SIGKILL) reaches the server itself.

Streamlit serves ui/review_server.py, which wraps ui/app.py with the HTTP guard (security headers, exports
downloadable only right after a signed-in user's click). The store's URL travels in CODING_ASSISTANT_DB_URL.
Telemetry is off and error details are never shown: nothing leaves the hospital's machine.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.cli.store_option import DbOption, open_store, resolved_database_url
from coding_assistant.config import DB_URL_ENV, bundled_folder
from coding_assistant.errors import CodingAssistantError
from coding_assistant.ui_settings import get_ui_settings

# The repository's ui/, or its copy inside the installed package (config.bundled_folder).
UI_APP = bundled_folder("ui") / "app.py"
UI_SERVER = bundled_folder("ui") / "review_server.py"
DEFAULT_ADDRESS = "0.0.0.0"  # Streamlit's default: every interface


def streamlit_command(server: Path, port: int, address: str | None = None) -> list[str]:
    """The command line that serves the app, headless, without usage statistics nor error details."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(server),
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        # Served, not developed: no watching of the source files, no rerun when they change.
        "--server.fileWatcherType", "none",
        # Coders have no use for Streamlit's developer menu (rerun, settings, deploy).
        "--client.toolbarMode", "viewer",
        # An error shows the app's French message only: no traceback, no exception text (it may quote patient
        # data), no links to search engines.
        "--client.showErrorDetails", "none",
        "--client.showErrorLinks", "false",
        # Streamlit's defaults, stated so that a config.toml cannot turn them off: cross-site request checks on,
        # the agent API (driving the app over HTTP) and static file serving off.
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.enableAgentApi", "false",
        "--server.enableStaticServing", "false",
    ]  # fmt: skip
    if address:
        command += ["--server.address", address]
    return command


def check_listen_address(address: str | None, port: int) -> None:
    """Refuse, with one clear line, an address or port the server could not listen on."""
    host = address or DEFAULT_ADDRESS
    if host.startswith("unix://"):
        raise CodingAssistantError(f"--address {host}: Unix sockets are not supported; give an IP address")
    try:
        family, kind, proto, _, where = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not an address"
        raise CodingAssistantError(f"--address {host}: not an address of this machine ({reason})") from None
    with socket.socket(family, kind, proto) as probe:
        # As the server binds: a port in TIME_WAIT after a restart is free, one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(where)
        except OSError as exc:
            raise CodingAssistantError(
                f"cannot listen on {host} port {port}: {exc.strerror or exc} "
                "(another server on that port, or an address that is not this machine's)"
            ) from None


def replace_process(executable: str, command: list[str], environment: dict[str, str]) -> None:
    """Become the server (tests replace this)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(executable, command, environment)


def ui_command(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="HTTP port")] = 8501,
    db: DbOption = None,
    address: Annotated[
        str | None, typer.Option("--address", help="interface to listen on (default: all; 127.0.0.1 for local only)")
    ] = None,
) -> None:
    """Start the review interface (worklist, stay view, dashboard, export) in the browser."""
    if not UI_SERVER.is_file() or not UI_APP.is_file():
        raise CodingAssistantError(f"{UI_APP.parent}: the review app is missing from this installation")
    get_ui_settings()  # a bad CODING_ASSISTANT_UI_* value fails here, not on a coder's first page
    url = resolved_database_url(db)
    try:
        with open_store(url):  # opens and migrates the store, as the server would on its first page
            pass
    except CodingAssistantError as exc:
        # One line: a driver's message may span several ("Is the server running on that host…").
        raise CodingAssistantError(" ".join(str(exc).split())) from None
    check_listen_address(address, port)
    environment = dict(os.environ)
    environment[DB_URL_ENV] = url
    typer.echo(f"review interface on port {port} (Ctrl-C to stop)")
    command = streamlit_command(UI_SERVER, port, address)
    replace_process(command[0], command, environment)
