"""The reference tables the coded sets' well-formedness checks read (CCAM acts and their activity/phase lines,
the CIM-10 FR table), each read once per test run."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CCAM = ROOT / "terminologies" / "ccam"
CIM10 = ROOT / "terminologies" / "cim10" / "cim10_fr_2025.csv"
# ccam_actes.csv compatibilite_sexe: 0 both, 1 male only, 2 female only.
SEX_OF_CCAM = {"1": "M", "2": "F"}

Row = dict[str, str]


def _rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def ccam_acts() -> dict[str, Row]:
    """ccam_actes.csv by code."""
    return {row["code"]: row for row in _rows(CCAM / "ccam_actes.csv")}


@lru_cache(maxsize=1)
def activity_lines() -> frozenset[tuple[str, str, str]]:
    """(code, activity, phase) of every line of the CCAM activity/phase table."""
    rows = _rows(CCAM / "ccam_code_activite_phase_dernier_tarif.csv")
    return frozenset((row["code"], row["activite"], row["phase"]) for row in rows)


@lru_cache(maxsize=1)
def activities_by_code() -> dict[str, set[str]]:
    """The activities each CCAM code has a line for."""
    found: dict[str, set[str]] = {}
    for code, activity, _ in activity_lines():
        found.setdefault(code, set()).add(activity)
    return found


@lru_cache(maxsize=1)
def cim10_codes() -> dict[str, Row]:
    """The CIM-10 FR table by code (without dot)."""
    return {row["code"]: row for row in _rows(CIM10)}
