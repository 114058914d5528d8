"""`coding-assistant ui`: start the Streamlit review app (ui/app.py) on the store.

Streamlit runs as a child process, so that its server, its file watcher and its own command-line parsing stay
out of this one. The store's URL travels in CODING_ASSISTANT_DB_URL. Telemetry is off: nothing leaves the
hospital's machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.cli_store import DB_URL_ENV, DbOption, resolved_database_url
from coding_assistant.config import REPOSITORY_ROOT
from coding_assistant.errors import CodingAssistantError

UI_APP = REPOSITORY_ROOT / "ui" / "app.py"


def streamlit_command(app: Path, port: int, address: str | None = None) -> list[str]:
    """The command line that serves the app, headless and without usage statistics."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        # Served, not developed: no watching of the source files, no rerun when they change.
        "--server.fileWatcherType", "none",
        # Coders have no use for Streamlit's developer menu (rerun, settings, deploy).
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    if address:
        command += ["--server.address", address]
    return command


def ui_command(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="HTTP port")] = 8501,
    db: DbOption = None,
    address: Annotated[
        str | None, typer.Option("--address", help="interface to listen on (default: all; 127.0.0.1 for local only)")
    ] = None,
) -> None:
    """Start the review interface (worklist, stay view, dashboard, export) in the browser."""
    if not UI_APP.is_file():
        raise CodingAssistantError(f"{UI_APP}: the review app is missing (run from a checkout of the repository)")
    environment = dict(os.environ)
    environment[DB_URL_ENV] = resolved_database_url(db)
    typer.echo(f"review interface on port {port} (Ctrl-C to stop)")
    process = subprocess.Popen(streamlit_command(UI_APP, port, address), env=environment)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # Ctrl-C reaches the child too (same process group); give it time to close its sessions.
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
    if code not in (0, -signal.SIGINT, 130):
        raise typer.Exit(code=code if code > 0 else 1)
