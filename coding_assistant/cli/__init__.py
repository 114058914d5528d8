"""The command line: `app` is the `coding-assistant` command, built in `app.py` from one module per command
group. Each command is a thin Typer wrapper (options, messages, exit status) over plain functions of the
packages below; nothing in those packages, nor the review UI, imports this one (`lint-imports` checks it).
"""

from coding_assistant.cli.app import app

__all__ = ["app"]
