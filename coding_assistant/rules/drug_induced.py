"""A condition that the letter holds a drug responsible for, coded by the one CIM-10 code that says so.

The CIM-10 names the drug-induced form of several conditions (K52.1 gastro-entérite et colite toxiques, E03.2
hypothyroïdie due à des médicaments, K85.3 pancréatite aiguë médicamenteuse, D69.5 thrombopénie secondaire, L27.0
éruption due à des médicaments, I95.2 hypotension médicamenteuse …): « diarrhée grade 3 imputable à la
capécitabine » is K52.1, not A09.9. The pairs are data (`terminologies/rules/drug_induced_codes.csv`: the
condition coded without its cause → the code that names the drug as cause) for a DIM to extend. The drug's own
Y40-Y59 code is read apart (`rules.adverse_drugs`), and coded beside it as the guide méthodologique MCO asks.
"""

from __future__ import annotations

from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR, code_pairs_in, paired_code, read_code_pairs

DRUG_INDUCED_FILE = "drug_induced_codes.csv"
_CAUSE = "a drug"


def read_drug_induced(path: Path) -> dict[str, str]:
    """condition code → drug-induced code; a row whose codes are not CIM-10 codes is an error naming its line."""
    return read_code_pairs(path, _CAUSE)


def code_naming_a_drug(condition: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The code of the condition's drug-induced form, if the CIM-10 has one."""
    return paired_code(code_pairs_in(directory, DRUG_INDUCED_FILE, _CAUSE), condition)


def codes_naming_a_drug(directory: str = str(DEFAULT_RULES_DIR)) -> frozenset[str]:
    """Every drug-induced code of the pairs: a code the letter reaches only by stating the drug as the cause."""
    return frozenset(code_pairs_in(directory, DRUG_INDUCED_FILE, _CAUSE).values())
