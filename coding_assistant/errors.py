"""User-facing errors: one line that names the input (file, line, stay) and the reason."""


class CodingAssistantError(Exception):
    """An error caused by the user's input or configuration, printed without a traceback."""


class CodeValidationError(CodingAssistantError, ValueError):
    """A CIM-10 or CCAM code that is malformed or unknown."""


class TerminologyFileError(CodingAssistantError):
    """A terminology file that cannot be read: missing, wrongly encoded or malformed."""


class QueryError(CodingAssistantError, ValueError):
    """A search query that cannot be answered (empty, too long)."""
