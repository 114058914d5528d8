"""`coding-assistant users`: accounts created, listed, changed and deactivated from the command line; passwords
only from a hidden prompt (typed twice) or stdin, never from the arguments."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coding_assistant.cli import app
from coding_assistant.store import Store

runner = CliRunner()
PASSWORD = "un-mot-de-passe"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'users.sqlite3'}"


def users(url: str, *args: str, stdin: str | None = None):
    return runner.invoke(app, ["users", *args, "--db", url], input=stdin)


def authenticate(url: str, username: str, password: str):
    store = Store.open(url, Path("."))
    try:
        return store.authenticate(username, password)
    finally:
        store.close()


def test_add_from_stdin_then_sign_in(url: str) -> None:
    result = users(url, "add", "alice", "--role", "coder", "--name", "Alice Martin", "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.output
    user = authenticate(url, "alice", PASSWORD)
    assert user is not None and (user.role, user.display_name) == ("coder", "Alice Martin")
    assert authenticate(url, "alice", "autre-chose") is None


def test_add_with_a_prompt_asks_twice(url: str) -> None:
    result = users(
        url, "add", "claire", "--role", "dim_physician", stdin=f"{PASSWORD}\nfaute-de-frappe\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output  # the first confirmation differed: asked again
    assert PASSWORD not in result.output  # hidden input
    assert authenticate(url, "claire", PASSWORD) is not None


def test_bad_requests_are_one_line_errors(url: str) -> None:
    assert users(url, "add", "alice", "--role", "coder", "--password-stdin", stdin=PASSWORD).exit_code == 0
    duplicate = users(url, "add", "alice", "--role", "coder", "--password-stdin", stdin=PASSWORD)
    assert duplicate.exit_code == 2 and "error: user alice: already exists" in duplicate.output
    short = users(url, "add", "bob", "--role", "coder", "--password-stdin", stdin="court")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    role = users(url, "add", "bob", "--role", "chef", "--password-stdin", stdin=PASSWORD)
    assert role.exit_code == 2 and "coder" in role.output
    empty = users(url, "add", "bob", "--role", "coder", "--password-stdin", stdin="")
    assert empty.exit_code == 2 and "no password" in empty.output
    assert "Traceback" not in duplicate.output + short.output + role.output + empty.output


def test_list_passwd_and_deactivate(url: str) -> None:
    users(url, "add", "alice", "--role", "coder", "--password-stdin", stdin=PASSWORD)
    users(url, "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    listing = users(url, "list")
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [["alice", "coder", "active"], ["root", "admin", "active"]]

    new_password = "nouveau-mot-de-passe"
    assert users(url, "passwd", "alice", "--password-stdin", stdin=new_password).exit_code == 0
    assert authenticate(url, "alice", PASSWORD) is None and authenticate(url, "alice", new_password) is not None

    assert users(url, "deactivate", "alice").exit_code == 0
    assert authenticate(url, "alice", new_password) is None
    assert "deactivated" in users(url, "list").stdout.splitlines()[0]
    unknown = users(url, "passwd", "nobody", "--password-stdin", stdin=new_password)
    assert unknown.exit_code == 2 and "unknown" in unknown.output


def test_names_with_control_characters_are_refused_and_listed_escaped(url: str, tmp_path: Path) -> None:
    forged = "alice\nroot                 admin          active       Root"
    refused = users(url, "add", forged, "--role", "coder", "--password-stdin", stdin=PASSWORD)
    assert refused.exit_code == 2 and "control or invisible character" in refused.output
    named = users(url, "add", "bob", "--role", "coder", "--name", "Bob\x1b[2J", "--password-stdin", stdin=PASSWORD)
    assert named.exit_code == 2 and "control or invisible character" in named.output

    # An account made by an older version, which checked nothing: written into the store directly.
    assert users(url, "add", "alice", "--role", "coder", "--password-stdin", stdin=PASSWORD).exit_code == 0
    with sqlite3.connect(tmp_path / "users.sqlite3") as connection:
        connection.execute(
            "UPDATE users SET username = ?, display_name = ? WHERE username = 'alice'",
            (forged, "Alice\r\x1b[31mDIM\u202e\u2028"),
        )
    listing = users(url, "list")
    assert listing.exit_code == 0
    assert listing.stdout.splitlines() == [
        "alice\\nroot                 admin          active       Root coder          active       "
        "Alice\\r\\x1b[31mDIM\\u202e\\u2028"
    ]


def test_actions_are_attributed_to_the_command_line(url: str) -> None:
    users(url, "add", "alice", "--role", "coder", "--password-stdin", stdin=PASSWORD)
    store = Store.open(url, Path("."))
    try:
        with store.sessions() as session:
            from coding_assistant.store.models import AuditRow

            row = session.query(AuditRow).filter(AuditRow.action == "user_created").one()
    finally:
        store.close()
    assert row.actor.startswith("cli:") and row.details == {"username": "alice", "role": "coder"}


def test_the_password_policy_applies_to_add_and_passwd(url: str) -> None:
    refused = {
        "eleven chars": ("bob", "onze-caract"),
        "padded with spaces": ("bob", "   court   \t   "),
        "spaces only": ("bob", " " * 20),
        "the username": ("robert-le-bricoleur", "Robert-Le-Bricoleur"),
    }
    for case, (username, password) in refused.items():
        result = users(url, "add", username, "--role", "coder", "--password-stdin", stdin=password + "\n")
        assert result.exit_code == 2 and result.output.startswith("error: password refused"), (case, result.output)
        assert password.strip() not in result.output or not password.strip()  # the password is never echoed
    assert users(url, "list").stdout.startswith("no user yet")

    assert users(url, "add", "bob", "--role", "coder", "--password-stdin", stdin="douze-caract").exit_code == 0
    for password in ("court", " " * 20, "BOB"):
        result = users(url, "passwd", "bob", "--password-stdin", stdin=password)
        assert result.exit_code == 2 and "password refused" in result.output
    assert authenticate(url, "bob", "douze-caract") is not None
