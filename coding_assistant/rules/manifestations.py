"""A manifestation coded in the disease that causes it: the asterisk codes of the CIM-10's dagger/asterisk
convention.

The CIM-10 (volume 2, 3.1.3) codes some manifestations, when a disease classified elsewhere causes them, with
an asterisk code beside the disease's dagger code, and the CIM-10 FR à usage PMSI has both coded (the asterisk
as a DAS): a dementia in Alzheimer's disease is F00.x* beside G30.x†, not F03; an anaemia in chronic kidney
disease D63.8* beside N18†, not D64.9; oesophageal varices in a cirrhosis I98.2* beside K70-K74†. Some dagger
codes name the manifestation themselves: a diabetes "avec complications rénales" (E1x.2†) is coded with its
glomerulopathy N08.3*, and Alzheimer's disease (G30.x†) with its dementia F00.x*. The pairs are data
(`terminologies/rules/manifestation_codes.csv`): `implied` says the dagger's own code states the manifestation
(coded whenever the dagger is); the manifestation range is the code a letter gives the manifestation alone,
which the asterisk replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, parse_range, read_rows
from coding_assistant.rules.ranges import CodeRange

MANIFESTATION_CODES_FILE = "manifestation_codes.csv"
_CODE = re.compile(r"[A-Z]\d{2,4}")


@dataclass(frozen=True, slots=True)
class ManifestationRule:
    aetiology: CodeRange  # the dagger: the disease that causes the manifestation
    manifestation: CodeRange | None  # the code a letter gives the manifestation alone, which the asterisk replaces
    implied: bool  # the dagger's own code states the manifestation: the asterisk goes with it
    asterisk: str  # the manifestation's code in that disease
    basis: str


def read_manifestation_rules(path: Path) -> tuple[ManifestationRule, ...]:
    rules = []
    for line, row in enumerate(read_rows(path), start=2):
        asterisk = row.get("asterisk", "").upper()
        if not _CODE.fullmatch(asterisk):
            raise TerminologyFileError(f"{path}:{line}: the asterisk code is missing or malformed")
        aetiology = parse_range(path, line, row.get("aetiology_from", ""), row.get("aetiology_to", ""))
        start = row.get("manifestation_from", "")
        manifestation = parse_range(path, line, start, row.get("manifestation_to", "")) if start else None
        implied = row.get("implied", "").lower()
        if implied not in ("yes", "no") or (manifestation is None and implied == "no"):
            raise TerminologyFileError(f"{path}:{line}: implied must be yes or no, and yes without a manifestation")
        rules.append(ManifestationRule(aetiology, manifestation, implied == "yes", asterisk, row.get("basis", "")))
    return tuple(rules)


@lru_cache(maxsize=4)
def _rules(directory: str) -> tuple[ManifestationRule, ...]:
    return read_manifestation_rules(Path(directory) / MANIFESTATION_CODES_FILE)


def manifestation_rules(directory: Path | str = DEFAULT_RULES_DIR) -> tuple[ManifestationRule, ...]:
    return _rules(str(directory))
