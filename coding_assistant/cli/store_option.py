"""The `--db` option shared by the `ui`, `users` and `export` commands, and the store it opens."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from coding_assistant.config import DB_URL_ENV, get_settings

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported only by the commands that open it
    from coding_assistant.store import Store

# The same variable as the `db_url` setting, which the review UI reads (the `ui` command passes it to Streamlit).
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DB_URL_ENV,
        help="SQLAlchemy URL of the store (default: the SQLite file in the data directory)",
        show_default=False,
    ),
]


def resolved_database_url(url: str | None) -> str:
    """`url`, or the absolute URL of the default SQLite store, so that a child process finds the same file."""
    from coding_assistant.store import default_database_url

    return url or default_database_url(get_settings().data_dir)


@contextmanager
def open_store(url: str | None) -> Iterator[Store]:
    """The store at `url` (default: the data directory's SQLite file) for one command, closed afterwards."""
    from coding_assistant.store import Store

    store = Store.open(url, get_settings().data_dir)
    try:
        yield store
    finally:
        store.close()


def cli_actor() -> str:
    """How the audit log names a command-line action: the operating-system account that ran it."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "unknown"
    return f"cli:{name}"[:64]
