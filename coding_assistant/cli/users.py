"""`coding-assistant users`: local accounts of the review UI (add, list, change a password, deactivate).

Passwords are never taken on the command line (they would stay in the shell history and the process list):
they are typed twice at a hidden prompt, or read from the first line of stdin with `--password-stdin`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from coding_assistant.cli.store_option import DbOption, cli_actor, open_store
from coding_assistant.errors import CodingAssistantError

# Spelled out for the help text so that `--help` does not import the store; _check_role checks the real list.
ROLES_HELP = "coder, dim_physician or admin"

users_app = typer.Typer(help="Accounts of the review UI: coders, DIM physicians, administrators.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="read the password from the first line of stdin (no prompt)")
]


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        # The bytes, decoded here: the text layer would fail with a traceback, or (C locale) smuggle the
        # undecodable bytes in as surrogates that hashing then refuses.
        stream = getattr(sys.stdin, "buffer", None)
        line = stream.readline() if stream is not None else sys.stdin.readline().encode("utf-8", "surrogateescape")
        try:
            password = line.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
        except UnicodeDecodeError:
            raise CodingAssistantError("the password on stdin is not UTF-8 text") from None
        if not password:
            raise CodingAssistantError("no password on stdin")
        return password
    password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:  # a terminal whose encoding is not the locale's
        raise CodingAssistantError("the password typed is not valid text in this terminal's encoding") from None
    return password


def _check_role(role: str) -> str:
    from coding_assistant.store.columns import USER_ROLES

    if role not in USER_ROLES:
        raise typer.BadParameter(f"{role!r} is not one of {', '.join(USER_ROLES)}", param_hint="--role")
    return role


def add_user_command(
    username: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option("--role", callback=_check_role, help=ROLES_HELP)],
    name: Annotated[str | None, typer.Option("--name", help="name shown in the UI (default: the username)")] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Create an account; the password is asked twice (or read from stdin)."""
    password = read_password(password_stdin)
    with open_store(db) as store:
        user = store.add_user(username, password, role, name, actor=cli_actor())
    typer.echo(f"user {user.username} created ({user.role})")


def list_users_command(db: DbOption = None) -> None:
    """List the accounts: username, role, active or not, display name."""
    with open_store(db) as store:
        users = store.list_users()
    if not users:
        typer.echo("no user yet: coding-assistant users add USERNAME --role coder")
    for user in users:
        state = "active" if user.active else "deactivated"
        typer.echo(f"{one_line(user.username):<20} {user.role:<14} {state:<12} {one_line(user.display_name)}")


def one_line(name: str) -> str:
    """A name as it can be printed on one line of a listing: `users add` refuses control characters, but an
    account made by an older version may hold a newline (a forged line), an escape sequence (a rewritten
    terminal) or an invisible override; each such character is shown as its Python escape instead."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in name)


def set_password_command(
    username: Annotated[str, typer.Argument(help="login name")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Set a new password for an account."""
    password = read_password(password_stdin)
    with open_store(db) as store:
        store.set_password(username, password, actor=cli_actor())
    typer.echo(f"password of {username} changed")


def deactivate_command(
    username: Annotated[str, typer.Argument(help="login name")],
    db: DbOption = None,
) -> None:
    """Deactivate an account: it can no longer sign in; its decisions keep naming it."""
    with open_store(db) as store:
        store.deactivate(username, actor=cli_actor())
    typer.echo(f"user {username} deactivated")
