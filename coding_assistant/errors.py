"""User-facing errors: one line that names the input (file, line, stay) and the reason."""


class CodingAssistantError(Exception):
    """An error caused by the user's input or configuration, printed without a traceback."""


class CodeValidationError(CodingAssistantError, ValueError):
    """A CIM-10 or CCAM code that is malformed or unknown."""


class TerminologyFileError(CodingAssistantError):
    """A terminology file that cannot be read: missing, wrongly encoded or malformed."""


class QueryError(CodingAssistantError, ValueError):
    """A search query that cannot be answered (empty, too long)."""


def unexpected_error(exc: BaseException) -> str:
    """An unexpected exception as a log line may show it: its type and where it was raised, not its message
    (which may quote the text being processed: a letter, a name)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} ({last.name})"


def unreadable_reason(exc: OSError) -> str:
    """Why a file could not be opened, in the words every message uses: "cannot be read (No such file …)".
    The operating system's reason names the fault, never the file's content."""
    return f"cannot be read ({exc.strerror or exc})"


def unreadable(path: object, exc: OSError) -> str:
    """ "<file>: cannot be read (<reason>)": the one message for a file that could not be opened."""
    return f"{path}: {unreadable_reason(exc)}"
