"""How a command ends on the user's mistake: one `error:` line on stderr and exit status 2, never a traceback.

Apart from `app.py` so that a command module can use `fail` without importing the app that registers it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn

import typer

from coding_assistant.errors import CodingAssistantError


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit non-zero (no traceback for the user's mistakes)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def report_error(message: str) -> None:
    """One `error:` line on stderr for a record that failed while the command goes on with the others."""
    typer.echo(f"error: {message}", err=True)


def reporting_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Wrap a sub-command so that the user's mistakes print one line and exit 2 instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            command(*args, **kwargs)
        except CodingAssistantError as exc:
            fail(str(exc))
        except OSError as exc:
            # A full disk, a read-only folder, a file gone: the file and the system's reason, not a traceback.
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or type(exc).__name__}")
        except Exception as exc:
            if not type(exc).__module__.startswith("sqlalchemy."):
                raise
            # A database error the store did not word itself: class and names only, never the statement's values.
            from coding_assistant.store.db_errors import describe_database_error

            fail(f"the database refused the request ({describe_database_error(exc)[0]})")

    return wrapper
