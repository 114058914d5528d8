"""The drugs a poisoning's own sentence names, coded by their T36-T50 code and, when self-inflicted, by
their X60-X64 class.

The CIM-10 codes a poisoning by the substance (T36-T50: « intoxication par dérivés du 4-aminophénol » T39.1,
« par benzodiazépines » T42.4), each substance once, and a self-poisoning by its class (X60 analgesics, X61
sedatives and psychotropics, X62 narcotics, X63 autonomic drugs, X64 others): « intoxication médicamenteuse
volontaire au paracétamol et aux benzodiazépines » is T39.1 + T42.4 with X60 + X61, not T50.9 + X64 (guide
méthodologique MCO, chapitre IV: the poisoning and its external cause). Drugs are data
(`terminologies/rules/poisoning_agents.csv`: international and brand names → T code and X class) for a DIM
to extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows
from coding_assistant.rules.status_drugs import name_pattern

POISONING_AGENTS_FILE = "poisoning_agents.csv"
_T_CODE = re.compile(r"T(?:3[6-9]|4\d|50)\d")
_SELF_HARM = re.compile(r"X6[0-4]")


@dataclass(frozen=True, slots=True)
class Poison:
    start: int
    end: int
    code: str  # T36-T50, 4 characters
    self_harm: str  # X60-X64: the class of a self-poisoning by it


@dataclass(frozen=True, slots=True)
class _Table:
    pattern: re.Pattern[str]
    codes: dict[str, tuple[str, str]]  # group name → (T code, X class)


def read_poisoning_agents(path: Path) -> _Table:
    """One regex over the names and each name's codes; a bad row is an error naming its line."""
    groups: list[str] = []
    codes: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(read_rows(path), start=2):
        name, code, self_harm = row.get("name", ""), row.get("code", ""), row.get("self_harm", "")
        if not name or not _T_CODE.fullmatch(code) or not _SELF_HARM.fullmatch(self_harm):
            raise TerminologyFileError(f"{path}:{line}: a drug name, a T36-T50 code and an X60-X64 class are needed")
        group = f"p{len(groups)}"
        groups.append(f"(?P<{group}>{name_pattern(name)})")
        codes[group] = (code, self_harm)
    return _Table(re.compile(rf"(?<!\w)(?:{'|'.join(groups)})(?!\w)", re.IGNORECASE), codes)


@lru_cache(maxsize=4)
def _default_table(directory: str) -> _Table:
    return read_poisoning_agents(Path(directory) / POISONING_AGENTS_FILE)


def poisons_named_in(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[Poison]:
    """The drugs a text names, in order, each T code once."""
    table = _default_table(str(directory))
    found: list[Poison] = []
    for match in table.pattern.finditer(text):
        code, self_harm = table.codes[match.lastgroup or ""]
        if all(p.code != code for p in found):
            found.append(Poison(match.start(), match.end(), code, self_harm))
    return found
