"""A condition that the letter holds a drug responsible for, coded by the one CIM-10 code that says so.

The CIM-10 names the drug-induced form of several conditions (K52.1 gastro-entérite et colite toxiques, E03.2
hypothyroïdie due à des médicaments, K85.3 pancréatite aiguë médicamenteuse, D69.5 thrombopénie secondaire, L27.0
éruption due à des médicaments, I95.2 hypotension médicamenteuse …): « diarrhée grade 3 imputable à la
capécitabine » is K52.1, not A09.9. The pairs are data (`terminologies/rules/drug_induced_codes.csv`: the
condition coded without its cause → the code that names the drug as cause) for a DIM to extend. The drug's own
Y40-Y59 code is read apart (`rules.adverse_drugs`), and coded beside it as the guide méthodologique MCO asks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows

DRUG_INDUCED_FILE = "drug_induced_codes.csv"
_CODE = re.compile(r"[A-Z]\d{2,4}")


def read_drug_induced(path: Path) -> dict[str, str]:
    """condition code → drug-induced code; a row whose codes are not CIM-10 codes is an error naming its line."""
    pairs: dict[str, str] = {}
    for line, row in enumerate(read_rows(path), start=2):
        condition, code = row.get("condition", ""), row.get("code", "")
        if not _CODE.fullmatch(condition) or not _CODE.fullmatch(code):
            raise TerminologyFileError(f"{path}:{line}: expected a condition code and the code that names a drug")
        pairs[condition] = code
    return pairs


@lru_cache(maxsize=4)
def drug_induced(directory: str = str(DEFAULT_RULES_DIR)) -> dict[str, str]:
    return read_drug_induced(Path(directory) / DRUG_INDUCED_FILE)


def code_naming_a_drug(condition: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The code of the condition's drug-induced form, if the CIM-10 has one."""
    pairs = drug_induced(directory)
    return pairs.get(condition[:4]) or pairs.get(condition)
