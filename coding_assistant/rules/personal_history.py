"""A cancer or a cancer treatment named as an antecedent is coded as a personal history (Z85, Z92), by site.

"ATCD de cancer du sein traité en 2012", "- Adénocarcinome colique (2015), colectomie": the tumour is not a
disease of this stay, but the ATIH Guide méthodologique MCO (chapitre IV) and the CIM-10 (Z85, antécédents
personnels de tumeur maligne) have the history coded as a DAS when it bears on the care (surveillance,
treatment choices); a chemotherapy or radiotherapy of the past is Z92.6 or Z92.3, not a session (Z51). The
table (condition or treatment → history code) is data (`terminologies/rules/personal_history.csv`), read from
the CIM-10 FR 2025 labels of Z85 and Z92.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, parse_range, read_rows
from coding_assistant.rules.ranges import CodeRange

PERSONAL_HISTORY_FILE = "personal_history.csv"


def read_personal_history(path: Path) -> tuple[tuple[CodeRange, str], ...]:
    """(tumour range, history code) rows; a bad row is an error naming its line."""
    table = []
    for line, row in enumerate(read_rows(path), start=2):
        history = row.get("history_code", "").upper()
        if not history.startswith("Z"):
            raise TerminologyFileError(f"{path}:{line}: history_code must be a Z code")
        table.append((parse_range(path, line, row.get("code_from", ""), row.get("code_to", "")), history))
    return tuple(table)


@lru_cache(maxsize=4)
def _default_table(directory: str) -> tuple[tuple[CodeRange, str], ...]:
    return read_personal_history(Path(directory) / PERSONAL_HISTORY_FILE)


def personal_history_code(code: str, directory: Path | str = DEFAULT_RULES_DIR) -> str | None:
    """The history code of a past malignant tumour (Z85, by site) or cancer treatment (Z92); else None."""
    return _history_code(code, str(directory))


# Asked for every code of every mention of a stay, each time across the whole table: the answers are kept (the
# table of a directory never changes in a process, `_default_table`).
@lru_cache(maxsize=8192)
def _history_code(code: str, directory: str) -> str | None:
    for tumours, history in _default_table(directory):
        if code in tumours:
            return history
    return None
