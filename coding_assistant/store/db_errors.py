"""Database errors as a user or a log may see them: where, and the reason as the database names it.

A driver's message, and SQLAlchemy's around it, may quote what the statement was given: a whole letter after
a NUL byte, a password hash after a username too long, a key value in a PostgreSQL DETAIL line. Errors that
leave the store therefore keep the exception class, the SQLSTATE and the table, column or constraint the
database names, plus the primary message only where PostgreSQL words it without values; never the statement,
its parameters, nor the driver's detail. The engine also hides parameters (`hide_parameters=True`), for logs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from coding_assistant.store.errors import StoreError

P = ParamSpec("P")
R = TypeVar("R")

# SQLSTATEs (or their two-character classes) whose primary message PostgreSQL words from names only: the
# constraint, relation, column or type, never a value. Others, e.g. 22P02 'invalid input syntax for type
# integer: "<value>"', are named by class and SQLSTATE alone.
_WORDED_WITHOUT_VALUES = ("08", "23", "25", "28", "40", "53", "54", "55", "57", "22001", "3D000", "42501", "42P01")
_RAISED_BY_A_TRIGGER = "P0001"  # RAISE EXCEPTION in the store's own triggers: our words
_PSYCOPG_CLIENT_NUL = "NUL (0x00)"  # psycopg refuses a NUL before sending: "text fields cannot contain NUL"
_MAX_REASON = 200


class StoreDatabaseError(StoreError):
    """A statement the database refused or could not run; `kind` is the driver's exception class."""

    def __init__(self, place: str, reason: str, kind: str) -> None:
        super().__init__(f"{place}: the database refused the request ({reason})")
        self.place = place
        self.reason = reason
        self.kind = kind


def describe_database_error(exc: BaseException) -> tuple[str, str]:
    """(reason, kind) of a SQLAlchemy or driver error, without parameters, statement text or values."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    if orig is None:
        # A SQLAlchemy error of its own (StaleDataError, NoResultFound…) or a Python error raised while binding
        # a parameter (its message may quote the value): the class names it well enough.
        inner = getattr(exc, "orig", None)
        kind = type(exc).__name__ if inner is None else f"{type(exc).__name__}: {type(inner).__name__}"
        return kind, type(exc).__name__
    kind = type(orig).__name__
    parts = [kind]
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    diag = getattr(orig, "diag", None)
    if sqlstate:
        parts.append(f"SQLSTATE {sqlstate}")
    if diag is not None:
        for label, name in (("table", "table_name"), ("column", "column_name"), ("constraint", "constraint_name")):
            value = getattr(diag, name, None)
            if value:
                parts.append(f"{label} {value}")
    message = _safe_message(orig, sqlstate, diag)
    if message:
        parts.append(message)
    return ", ".join(parts)[:_MAX_REASON], kind


def _safe_message(orig: BaseException, sqlstate: str | None, diag: Any) -> str | None:
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    first_line = (primary or str(orig)).strip().splitlines()[0] if str(orig).strip() or primary else ""
    module = type(orig).__module__.split(".")[0]
    if module == "sqlite3":
        # SQLite words its errors from names (table.column, constraint, "database disk image is malformed",
        # "attempt to write a readonly database") and never quotes a bound value.
        return first_line
    if sqlstate:
        if sqlstate == _RAISED_BY_A_TRIGGER or sqlstate in _WORDED_WITHOUT_VALUES:
            return first_line
        if sqlstate[:2] in _WORDED_WITHOUT_VALUES:
            return first_line
        return None
    if _PSYCOPG_CLIENT_NUL in first_line:
        return "a text value holds a NUL character"
    if type(orig).__name__ == "OperationalError":
        # No SQLSTATE: the client library could not reach the server; its message names host and port.
        return first_line
    return None


def _place(method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """'store (save_proposals, stay S1)': the operation and the stay it was about, when one was named."""
    try:
        bound = inspect.signature(method).bind_partial(*args, **kwargs).arguments
    except TypeError:
        bound = {}
    stay_id = bound.get("stay_id")
    stay = bound.get("stay")
    if stay_id is None and stay is not None:
        stay_id = getattr(stay, "stay_id", None)
    about = f", stay {stay_id}" if isinstance(stay_id, str) and shown_id(stay_id) else ""
    return f"store ({method.__name__}{about})"


def shown_id(value: str, limit: int = 128) -> bool:
    """True when an identifier may be printed: short and printable (no line break to forge a log line)."""
    return 0 < len(value) <= limit and value.isprintable()


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLAlchemy errors of a store method into StoreDatabaseError naming the operation and the stay.

    `from None`: the original exception, whose text holds the statement and may hold its values, is not
    chained, so that no traceback printed or logged later shows it.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as exc:
            reason, kind = describe_database_error(exc)
            place = _place(method, args, kwargs)
        raise StoreDatabaseError(place, reason, kind) from None

    return wrapper


@contextmanager
def database_errors(place: str) -> Iterator[None]:
    """The same for code that opens sessions itself (the review UI's pages): `with database_errors("…"):`."""
    try:
        yield
    except SQLAlchemyError as exc:
        reason, kind = describe_database_error(exc)
    else:
        return
    raise StoreDatabaseError(place, reason, kind) from None
