"""What the store's columns can hold, checked before the database sees a value.

PostgreSQL refuses a string longer than its VARCHAR and any text holding a NUL character, and its refusal (like
SQLite's) comes from deep in a transaction; checking here first gives one clear error that names the stay and
the field, and the same answer on every backend, so that a store can move from SQLite to PostgreSQL. Lengths
are read from the models, so that a migration that widens a column widens the check with it.
"""

from __future__ import annotations

from sqlalchemy import Column, String

from coding_assistant.schema import Stay, StayProposals
from coding_assistant.store.db_errors import shown_id
from coding_assistant.store.errors import StoreError
from coding_assistant.store.models import (
    BatchFailureRow,
    DocumentRow,
    ProposalRow,
    ProposalRunRow,
    StayRow,
    UserRow,
)

NUL = "\x00"


class StoreLimitError(StoreError, ValueError):
    """A value the store cannot keep (too long, a NUL character, a control character in a name)."""


def max_length(column: Column[str] | object) -> int | None:
    column_type = getattr(column, "type", None)
    return column_type.length if isinstance(column_type, String) else None


def _column(model: type, name: str) -> Column[str]:
    return model.__table__.c[name]  # type: ignore[attr-defined, no-any-return]


def stay_name(stay_id: str) -> str:
    """How an error names a stay: its id, or its id's length when that id cannot be printed as it is."""
    return f"stay {stay_id}" if shown_id(stay_id) else f"a stay whose id has {len(stay_id)} characters"


def _check(value: str | None, column: Column[str], who: str, field: str) -> None:
    if value is None:
        return
    limit = max_length(column)
    if limit is not None and len(value) > limit:
        raise StoreLimitError(f"{who}: {field} has {len(value)} characters; the store keeps at most {limit}")
    if NUL in value:
        raise StoreLimitError(f"{who}: {field} holds a NUL character (U+0000), which the store cannot keep")


def check_stay(stay: Stay, source_rum: str | None = None) -> None:
    """Refuse a stay whose fields do not fit the store, naming the stay and the field (never the value)."""
    who = stay_name(stay.stay_id)
    _check(stay.stay_id, _column(StayRow, "stay_id"), who, "stay_id")
    _check(stay.unit, _column(StayRow, "unit"), who, "unit")
    _check(source_rum, _column(StayRow, "source_rum"), who, "its RUM line")
    for number, document in enumerate(stay.documents, start=1):
        _check(document.doc_id, _column(DocumentRow, "doc_id"), who, f"document {number} doc_id")
        _check(document.type, _column(DocumentRow, "type"), who, f"document {number} type")
        _check(document.text, _column(DocumentRow, "text"), who, f"document {number} text")


def check_proposals(stay_id: str, proposals: StayProposals) -> None:
    who = stay_name(stay_id)
    _check(proposals.model.name, _column(ProposalRunRow, "model_name"), who, "model name")
    _check(proposals.model.version, _column(ProposalRunRow, "model_version"), who, "model version")
    for rank, proposal in enumerate(proposals.proposals, start=1):
        _check(proposal.code, _column(ProposalRow, "code"), who, f"proposal {rank} code")
    # Labels, warnings and evidence are JSON or long text: only a NUL can make the database refuse them, and a
    # JSON dump shows it escaped wherever it sits.
    if "\\u0000" in proposals.model_dump_json():
        raise StoreLimitError(f"{who}: the proposals hold a NUL character (U+0000), which the store cannot keep")


def check_user_names(username: str, display_name: str | None) -> None:
    """A username or display name the store can keep and every screen and listing can print on one line.

    Neither is echoed back: what was typed as a username may be a password typed in the wrong box.
    """
    for field, value, column in (
        ("username", username.strip(), _column(UserRow, "username")),
        ("display name", display_name, _column(UserRow, "display_name")),
    ):
        if value is None:
            continue
        limit = max_length(column)
        if limit is not None and len(value) > limit:
            raise StoreLimitError(f"{field} refused: {len(value)} characters, at most {limit}")
        if not value.isprintable():
            # A newline would forge a line in `users list` and in the logs; a bidirectional override, a spoofed name.
            raise StoreLimitError(f"{field} refused: it holds a control or invisible character")


def failure_fields(stay_id: str | None, location: str, error: str) -> tuple[str | None, str, str]:
    """A batch failure as the store can keep it: a stay id that does not fit is left out (the location still
    says where), NUL characters are replaced, so that recording a failure never fails in turn."""
    limit = max_length(_column(BatchFailureRow, "stay_id")) or 128
    if stay_id is not None and (len(stay_id) > limit or NUL in stay_id):
        stay_id = None
    return stay_id, location.replace(NUL, "?"), error.replace(NUL, "?")
