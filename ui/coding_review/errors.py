"""Unexpected errors: a French message for the coder, never a traceback; the server log gets where it happened.

An exception's message may quote the data it choked on (a validation error repeats the value it refused, which
can be a letter's text), so the log keeps the exception's type and its stack (files, lines, functions) and
drops the message. The `ui` command also sets Streamlit's `client.showErrorDetails` to "none", so that an error
this module does not see (one in Streamlit itself) shows no details either.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

log = logging.getLogger("coding_review")

FRIENDLY_MESSAGE = (
    "Une erreur inattendue est survenue : l'action n'a pas abouti. Rechargez la page ; si l'erreur revient, "
    "signalez-la au DIM (heure et page), elle est consignée dans le journal du serveur."
)


def sanitized_traceback(error: BaseException) -> str:
    """The exception's type and stack, without its message (nor those of its causes)."""
    blocks: list[str] = []  # the error itself first, then its causes
    current: BaseException | None = error
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__} (message not logged)"
        blocks.append(f"{_stack(current.__traceback__)}\n{kind}".lstrip("\n"))
        current = current.__cause__ or current.__context__
    # Oldest first, as Python prints them.
    return "\nwhich led to:\n".join(reversed(blocks))


def _stack(tb: TracebackType | None) -> str:
    return "".join(
        f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n' for frame in traceback.extract_tb(tb)
    ).rstrip("\n")


def log_unexpected(error: BaseException, where: str) -> None:
    log.error("unexpected error in %s:\n%s", where, sanitized_traceback(error))


class DropExceptionMessages(logging.Filter):
    """For a library's logger (Streamlit logs uncaught app exceptions in full): keep the record, swap its
    traceback for the sanitized one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = sanitized_traceback(record.exc_info[1])
            record.exc_info = None
        return True
