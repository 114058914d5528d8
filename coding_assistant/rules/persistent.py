"""Conditions that still hold when a letter names them among the antecedents.

Letters list the patient's chronic diseases and statuses under "Antécédents" or "Mode de vie" ("- DT2 sous
Metformine", "- Stent coronaire 2019", "Vit seule"). For most conditions an antecedent is over (an
appendicitis, a pneumonia in 2019), but a chronic disease still treated and a status (an implant, a stoma,
dialysis, living alone, a personal history code) hold during the stay: the ATIH Guide méthodologique MCO
(chapitre IV, diagnostics associés significatifs) has them coded as DAS when they weigh on the stay's care.
Which categories are so is data (`terminologies/rules/persistent_conditions.csv`), for a DIM to adjust.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, parse_range, read_rows
from coding_assistant.rules.ranges import CodeRange

PERSISTENT_FILE = "persistent_conditions.csv"
KINDS = frozenset({"status", "chronic"})


def read_persistent_ranges(path: Path) -> tuple[tuple[CodeRange, str], ...]:
    """(range, kind) rows of the file; a bad row is an error naming its line."""
    ranges = []
    for line, row in enumerate(read_rows(path), start=2):
        if row.get("kind") not in KINDS:
            raise TerminologyFileError(f"{path}:{line}: kind must be one of {sorted(KINDS)}")
        ranges.append((parse_range(path, line, row.get("code_from", ""), row.get("code_to", "")), row["kind"]))
    return tuple(ranges)


@lru_cache(maxsize=4)
def _default_ranges(directory: str) -> tuple[tuple[CodeRange, str], ...]:
    return read_persistent_ranges(Path(directory) / PERSISTENT_FILE)


def is_persistent(code: str, directory: Path | str = DEFAULT_RULES_DIR) -> bool:
    """Whether a condition of this code (or category) named among the antecedents still holds."""
    return persistence_kind(code, directory) is not None


def persistence_kind(code: str, directory: Path | str = DEFAULT_RULES_DIR) -> str | None:
    """ "status" (an implant, a stoma, a history code: a state, never what motivated a stay), "chronic", or None."""
    return _persistence_kind(code, str(directory))


@lru_cache(maxsize=65_536)  # asked for every candidate of every stay, of a few thousand distinct codes
def _persistence_kind(code: str, directory: str) -> str | None:
    for codes, kind in _default_ranges(directory):
        if code in codes:
            return kind
    return None
